import rules

from .predicates import (
    is_board_admin,
    is_director,
    is_gmr_member,
    is_pmr_member,
    is_process_manager,
    is_school_participant,
    is_steering_member,
)

rules.add_perm("processes.view_process", is_school_participant)
rules.add_perm("processes.manage_process", is_process_manager)
rules.add_perm("processes.complete_step", is_director | is_pmr_member | is_steering_member)
rules.add_perm("processes.view_board", is_board_admin)
# The board's step 0 and its decisions (on a Board) are read by its administrators and its GMR
# members; only the administrators change anything (units.manage_allocation).
rules.add_perm("processes.read_board", is_board_admin | is_gmr_member)
