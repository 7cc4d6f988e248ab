"""Permissions of the organisation app's board set-up and invitations (django-rules,
discovered through AutodiscoverRulesConfig). The school roles and the sign-in providers keep
theirs in rules_roles.py and rules_signin.py."""

import rules

from processes.predicates import is_board_admin, is_director

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
