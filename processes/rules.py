import rules

from .predicates import (
    is_board_admin,
    is_director,
    is_pmr_member,
    is_process_manager,
    is_school_participant,
    is_steering_member,
)

rules.add_perm("processes.view_process", is_school_participant)
rules.add_perm("processes.manage_process", is_process_manager)
rules.add_perm("processes.complete_step", is_director | is_pmr_member | is_steering_member)
rules.add_perm("processes.view_board", is_board_admin)
