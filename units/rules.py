"""Permissions of the units app (django-rules, discovered through AutodiscoverRulesConfig)."""

import rules

from processes.predicates import is_board_admin, is_director, is_pmr_member

# The director keeps the staff list; PMR and board see it (domain.md, section 10).
rules.add_perm("units.import_staff", is_director)
rules.add_perm("units.view_staff", is_director | is_pmr_member | is_board_admin)
# Step 0: the board administrator divides the board's funds over its schools.
rules.add_perm("units.manage_allocation", is_board_admin)
