"""Reads of the school's roles page: who holds which role, who can be given one, and the
history of the changes."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from processes.models import Decision, Process, ProcessStep, SchoolRole
from processes.selectors import school_get_for_user

VIEW = "organisation.view_school_roles"
ROLE_ACTIONS = "organisation.school_role."


def school_roles_get_for_user(*, user, pk, perm=VIEW):
    """The school; 404 when missing or not the user's, 403 when the user may see the school
    but not this (``perm``)."""
    school = school_get_for_user(user=user, pk=pk)
    if not user.has_perm(perm, school):
        raise PermissionDenied
    return school


def role_holders(school) -> list[SchoolRole]:
    """Every role at the school with its holder, directors first."""
    order = {role: index for index, role in enumerate(SchoolRole.Role.values)}
    holders = SchoolRole.objects.filter(school=school).select_related("user")
    return sorted(holders, key=lambda r: (order[r.role], r.user.name.lower(), r.user.email))


def role_candidates(school):
    """The accounts of the school's active staff members: who can be given a role there."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_memberships__school=school,
            staff_memberships__active=True,
        )
        .distinct()
        .order_by("name", "email")
    )


def open_process_of(school) -> Process | None:
    """The school's latest process whose ratification (step 11) is not done yet, or None."""
    return (
        Process.objects.filter(school=school)
        .exclude(steps__number=11, steps__state=ProcessStep.State.DONE)
        .select_related("school__board", "school_year")
        .order_by("-school_year__start_year")
        .first()
    )


def role_history(school):
    """Every recorded change of the school's roles, newest first (with or without a process)."""
    return (
        Decision.objects.filter(school=school, action__startswith=ROLE_ACTIONS)
        .select_related("process__school_year")
        .order_by("-created_at", "-id")
    )
