"""Permission predicates of the units app (django-rules) on an ``OrganisationalUnit``.

Like ``processes.predicates``, what a user is a member of is loaded once per user object and
process (one query), so pages that check every unit stay at a constant query count.
"""

import rules

from .models import UnitMembership, WorkingMethod


def member_unit_ids(user, process_id) -> set[int]:
    """The units of the process in which ``user`` is an active staff member (cached)."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_werkdruk_unit_ids", None)
    if cache is None:
        cache = user._werkdruk_unit_ids = {}
    if process_id not in cache:
        cache[process_id] = set(
            UnitMembership.objects.filter(
                process_id=process_id, staff_member__user=user, staff_member__active=True
            ).values_list("unit_id", flat=True)
        )
    return cache[process_id]


@rules.predicate
def is_unit_member(user, unit) -> bool:
    """An active staff member of ``unit``, linked to this user account."""
    if unit is None or not user.is_authenticated:
        return False
    return unit.pk in member_unit_ids(user, unit.process_id)


def _led_methods(unit_id):
    """The unit's working method, if its leader is still an active member of the unit."""
    return WorkingMethod.objects.filter(
        unit_id=unit_id, leader__active=True, leader__unit_memberships__unit_id=unit_id
    )


@rules.predicate
def is_unit_coordinator(user, unit) -> bool:
    """The conversation leader of ``unit``'s working method (step 7), while still an active
    member of the unit: the coordinator, who submits the unit's plan."""
    if unit is None or not user.is_authenticated:
        return False
    return _led_methods(unit.pk).filter(leader__user_id=user.pk).exists()


@rules.predicate
def has_no_coordinator(user, unit) -> bool:
    """``unit`` has no coordinator: no working method (step 7 skipped in a light process) or
    its leader is no longer an active member."""
    return unit is not None and not _led_methods(unit.pk).exists()
