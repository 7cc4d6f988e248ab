"""Permission predicates of the organisation app (django-rules).

Who may invite someone to a role, or manage an invitation, follows from the role: the board's
administrators invite board administrators, GMR members and directors; a school's director
invites its PMR and steering group members.
"""

import rules

from processes.predicates import is_board_admin, is_director

from .models import Invitation

SCHOOL_TEAM_ROLES = (Invitation.Role.PMR, Invitation.Role.STEERING)


@rules.predicate
def may_manage_invitation(user, invitation) -> bool:
    """Whoever may invite to the invitation's role may re-send and withdraw it."""
    if invitation is None or not user.is_authenticated:
        return False
    if invitation.role in SCHOOL_TEAM_ROLES:
        return is_director(user, invitation.school)
    return is_board_admin(user, invitation.board)
