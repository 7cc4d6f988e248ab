"""Reads about invitations."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from processes.models import BoardAdministrator, GmrMember, SchoolRole

from ..models import Invitation


def invitation_get_for_manager(*, user, pk) -> Invitation:
    """The invitation ``pk`` if ``user`` may re-send or withdraw it; 404 otherwise."""
    invitation = get_object_or_404(Invitation.objects.select_related("board", "school"), pk=pk)
    if not user.has_perm("organisation.manage_invitation", invitation):
        raise Http404
    return invitation


def school_invitations(*, school, roles) -> list[Invitation]:
    return list(
        Invitation.objects.filter(school=school, role__in=roles)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def school_role_holders(*, school, roles) -> list[SchoolRole]:
    return list(
        SchoolRole.objects.filter(school=school, role__in=roles)
        .select_related("user")
        .order_by("role", "user__name")
    )


def first_steps(*, user) -> dict:
    """What the "what to do first" page links to, per role the user holds."""
    return {
        "boards": [
            a.board for a in BoardAdministrator.objects.filter(user=user).select_related("board")
        ],
        "gmr_boards": [
            m.board for m in GmrMember.objects.filter(user=user).select_related("board")
        ],
        "school_roles": list(
            SchoolRole.objects.filter(user=user).select_related("school").order_by("school__name")
        ),
    }
