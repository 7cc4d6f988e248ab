"""Permissions of sign-in with the school's own account (imported by OrganisationConfig.ready)."""

import rules

from processes.predicates import is_board_admin

# A board's administrators set up its sign-in providers (client secrets included).
rules.add_perm("organisation.manage_signin", is_board_admin)
