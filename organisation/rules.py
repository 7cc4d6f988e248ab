"""Permissions of the organisation app (django-rules, discovered through
AutodiscoverRulesConfig): the board's set-up, invitations, the school's roles and the sign-in
providers.

Predicates read a user's roles once per request (``processes.predicates.user_roles`` caches
them on the request's user object), so a role removed now is gone on the person's next request.
"""

import rules

from processes.predicates import (
    is_board_admin,
    is_director,
    is_pmr_member,
    is_steering_member,
)

from .predicates import may_manage_invitation

# The board's administrators keep its schools, pupil counts, settings, administrators and GMR
# (object: the Board, or a School of it).
rules.add_perm("organisation.manage_board", is_board_admin)
# Inviting to a role: board administrators invite board administrators, GMR members and
# directors (object: the Board or the School); a director invites the PMR and the steering
# group of the school (object: the School).
rules.add_perm("organisation.invite_board_role", is_board_admin)
rules.add_perm("organisation.invite_school_team", is_director)
rules.add_perm("organisation.manage_invitation", may_manage_invitation)

# The school's roles (on a School): who holds which role is read by those who hold one and by
# the board; only the director (and the board's administrators) change them.
rules.add_perm(
    "organisation.view_school_roles",
    is_director | is_pmr_member | is_steering_member | is_board_admin,
)
rules.add_perm("organisation.change_school_roles", is_director | is_board_admin)

# A board's administrators set up its sign-in providers (client secrets included).
rules.add_perm("organisation.manage_signin", is_board_admin)
