"""What the units app contributes to the procedure's steps."""

from django.utils.translation import gettext as _

from ..models import StaffMember


def step1_needs_active_staff(step) -> list[str]:
    """Units are made of the school's staff: without a staff list there is nothing to divide."""
    if StaffMember.objects.filter(school_id=step.process.school_id, active=True).exists():
        return []
    return [_("The school has no active staff yet: import the staff list first.")]


def register() -> None:
    from processes import registry

    registry.register_blocker(1, step1_needs_active_staff)
