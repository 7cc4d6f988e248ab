"""Permissions of the spending app (django-rules, discovered through AutodiscoverRulesConfig).

The director records spending (by hand or by importing the finance export); the PMR and the
board's administrators read it, and so does every active staff member of the school (issue 18:
transparency; the overview holds amounts per measure, never who recorded them).
"""

import rules

from processes.predicates import is_board_admin, is_director, is_pmr_member, is_school_staff

rules.add_perm(
    "spending.view_spending", is_director | is_pmr_member | is_board_admin | is_school_staff
)
rules.add_perm("spending.record_spending", is_director)
