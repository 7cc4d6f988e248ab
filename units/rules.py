"""Permissions of the units app (django-rules, discovered through AutodiscoverRulesConfig)."""

import rules

from processes.predicates import is_board_admin, is_director, is_gmr_member, is_pmr_member

# The director keeps the staff list; PMR and board see it (domain.md, section 10).
rules.add_perm("units.import_staff", is_director)
rules.add_perm("units.view_staff", is_director | is_pmr_member | is_board_admin)
# Whoever prints personal code sheets (the director and the PMR) records that a staff
# member's e-mail address does not work, and clears that again.
rules.add_perm("units.mark_email_unusable", is_director | is_pmr_member)
# Step 0: the board administrator divides the board's funds over its schools.
rules.add_perm("units.manage_allocation", is_board_admin)

# Step 7: a unit's members record its working method; the director and PMR may do it on the
# unit's behalf; the steering group reads along. The conversation leader is the coordinator.
from processes.predicates import is_steering_member  # noqa: E402
from units.predicates import is_unit_coordinator, is_unit_member  # noqa: E402

rules.add_perm("units.record_working_method", is_unit_member | is_director | is_pmr_member)
rules.add_perm(
    "units.view_working_method",
    is_unit_member | is_director | is_pmr_member | is_steering_member,
)
rules.add_perm("units.coordinate_unit", is_unit_coordinator)

# Step 0: a member of the board's GMR records the GMR's consent or advice on the distribution.
rules.add_perm("units.record_gmr_decision", is_gmr_member)

# Unit meetings (issue 18): whoever runs the unit's meetings records their minutes and who
# attended: the conversation leader, any member while the unit has no leader, and the
# director and PMR on the unit's behalf. They see who attended; the unit's members (and the
# steering group) read the minutes and the count. The PMR keeps its own record (on the
# process), which only the school's PMR members see: not the director.
from units.predicates import has_no_coordinator  # noqa: E402

can_record_minutes = (
    is_unit_coordinator | (is_unit_member & has_no_coordinator) | is_director | is_pmr_member
)
rules.add_perm("units.record_minutes", can_record_minutes)
rules.add_perm("units.view_attendance", can_record_minutes)
rules.add_perm(
    "units.view_minutes",
    is_unit_member | is_director | is_pmr_member | is_steering_member,
)
rules.add_perm("units.keep_pmr_record", is_pmr_member)
