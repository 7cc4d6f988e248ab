"""Permissions of the spending app (django-rules, discovered through AutodiscoverRulesConfig).

The director records spending (by hand or by importing the finance export); the PMR and the
board's administrators read it.
"""

import rules

from processes.predicates import is_board_admin, is_director, is_pmr_member

rules.add_perm("spending.view_spending", is_director | is_pmr_member | is_board_admin)
rules.add_perm("spending.record_spending", is_director)
