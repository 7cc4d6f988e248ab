"""Permission predicates of the units app (django-rules) on an ``OrganisationalUnit``.

Like ``processes.predicates``, what a user is a member of is loaded once per user object and
process (one query), so pages that check every unit stay at a constant query count.
"""

import rules

from .models import UnitMembership, WorkingMethod


def member_unit_ids(user, process_id) -> set[int]:
    """The units of the process in which ``user`` is an active staff member (cached)."""
    return _memberships(user, process_id)[0]


def _memberships(user, process_id) -> tuple[set[int], set[tuple[int, int]]]:
    """``user``'s units in the process, and their (unit, staff member) pairs: one query per
    user object and process."""
    if not user.is_authenticated:
        return set(), set()
    cache = getattr(user, "_werkdruk_unit_ids", None)
    if cache is None:
        cache = user._werkdruk_unit_ids = {}
    if process_id not in cache:
        pairs = set(
            UnitMembership.objects.filter(
                process_id=process_id, staff_member__user=user, staff_member__active=True
            ).values_list("unit_id", "staff_member_id")
        )
        cache[process_id] = ({unit_id for unit_id, _member in pairs}, pairs)
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
    leads = _leads_loaded(user, unit)
    if leads is not None:
        return leads
    return _led_methods(unit.pk).filter(leader__user_id=user.pk).exists()


def _leads_loaded(user, unit) -> bool | None:
    """Whether ``user`` coordinates ``unit``, answered without a query when the unit comes with
    its working method and leader (``select_related("working_method__leader")``): the leader
    is this user's, active, and still a member of the unit (``user``'s memberships, read once
    per process). None when they are not loaded: the query decides."""
    descriptor = type(unit).working_method
    if not descriptor.is_cached(unit):
        return None
    method = descriptor.related.get_cached_value(unit)
    if method is None or method.leader_id is None:
        return False
    if not WorkingMethod.leader.is_cached(method):
        return None
    leader = method.leader
    if leader.user_id != user.pk or not leader.active:
        return False
    return (unit.pk, leader.pk) in _memberships(user, unit.process_id)[1]


@rules.predicate
def has_no_coordinator(user, unit) -> bool:
    """``unit`` has no coordinator: no working method (step 7 skipped in a light process) or
    its leader is no longer an active member."""
    return unit is not None and not _led_methods(unit.pk).exists()
