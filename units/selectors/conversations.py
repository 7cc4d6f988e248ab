"""Reads for the conversation-group generator: the process's placed staff as ``Person``s
and a proposal of groups from them."""

from ..grouping import Person, propose
from ..models import UnitMembership


def conversation_people(*, process) -> list[Person]:
    """Everyone placed in a unit of ``process`` (the staff the groups are made from)."""
    memberships = (
        UnitMembership.objects.filter(process=process)
        .select_related("staff_member", "unit")
        .order_by("unit__name", "staff_member__name", "staff_member_id")
    )
    return [
        Person(m.staff_member_id, m.staff_member.name, m.unit_id, m.unit.name) for m in memberships
    ]


def conversation_proposal(*, process, kind, seed):
    return propose(conversation_people(process=process), kind, seed)
