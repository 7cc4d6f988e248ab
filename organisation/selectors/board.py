"""Reads for the board's administration pages."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from processes.models import (
    Board,
    BoardAdministrator,
    Decision,
    GmrMember,
    PupilCount,
    School,
    SchoolRole,
)

from ..models import Invitation

MANAGE = "organisation.manage_board"


def board_get_for_admin(*, user, pk) -> Board:
    """The board ``pk`` if ``user`` administers it; 404 for anyone else (its existence is
    not told)."""
    board = get_object_or_404(Board, pk=pk)
    if not user.has_perm(MANAGE, board):
        raise Http404
    return board


def school_get_for_admin(*, user, pk) -> School:
    school = get_object_or_404(School.objects.select_related("board"), pk=pk)
    if not user.has_perm(MANAGE, school):
        raise Http404
    return school


def board_admin_page(*, board) -> dict:
    """Everything the board's administration page shows."""
    schools = board.schools.prefetch_related(
        Prefetch(
            "pupil_counts",
            queryset=PupilCount.objects.select_related("school_year").order_by(
                "-school_year__start_year"
            ),
        ),
        Prefetch(
            "roles",
            queryset=SchoolRole.objects.filter(role=SchoolRole.Role.DIRECTOR).select_related(
                "user"
            ),
            to_attr="directors",
        ),
    )
    invitations = (
        Invitation.objects.filter(board=board, role__in=Invitation.BOARD_ROLES)
        .select_related("invited_by")
        .order_by("-created_at")
    )
    return {
        "board": board,
        "schools": schools,
        "administrators": BoardAdministrator.objects.filter(board=board).select_related("user"),
        "gmr_members": GmrMember.objects.filter(board=board).select_related("user"),
        "admin_invitations": [i for i in invitations if i.role == Invitation.Role.BOARD_ADMIN],
        "gmr_invitations": [i for i in invitations if i.role == Invitation.Role.GMR],
        "role_decisions": role_decisions(board=board),
    }


def role_decisions(*, board, limit=50) -> list[Decision]:
    """The board's recorded changes of roles (its own and its schools'), newest first."""
    return list(
        Decision.objects.filter(board=board, action__startswith="organisation.role.")
        .select_related("school")
        .order_by("-created_at", "-id")[:limit]
    )
