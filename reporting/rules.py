"""Permissions of the annual report (django-rules, discovered through AutodiscoverRulesConfig).

A school's report is read by its director, its PMR and the board's administrators; the board's
report (and its background jobs) by the board's administrators only. The staff version of a
school's report (names of role holders only) is read by every active staff member as well.
"""

import rules

from processes.predicates import is_board_admin, is_director, is_pmr_member, is_school_staff

rules.add_perm("reporting.view_school_report", is_director | is_pmr_member | is_board_admin)
rules.add_perm("reporting.view_board_report", is_board_admin)
rules.add_perm(
    "reporting.view_school_report_staff",
    is_director | is_pmr_member | is_board_admin | is_school_staff,
)
