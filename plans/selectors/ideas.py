"""Reads of the ideas round: the round's page, and the ideas a unit sees on its plan.

Ideas are shown without their author's name: ``own`` tells the viewer which are theirs, and on
a unit's plan ``from_member`` tells the unit which came from one of its members. Who
supported an idea is never shown, only the count. A fixed number of queries.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone

from units.models import StaffMember, UnitMembership

from ..models import Idea, IdeasRound, IdeaSupport, IdeaTakeUp, MeasureCategory

VIEW = "plans.view_ideas"
MANAGE = "plans.manage_ideas_round"
PUT_FORWARD = "plans.put_forward_idea"


@dataclass
class IdeaRow:
    idea: Idea
    support_count: int
    own: bool  # the viewer put it forward
    supported: bool  # the viewer supports it
    from_member: bool = False  # put forward by a member of the unit (on a unit's plan)
    taken_up_in: list = field(default_factory=list)  # Measures (with plan and unit)


@dataclass
class IdeasPage:
    round: IdeasRound | None
    is_open: bool
    rows: list[IdeaRow]
    categories: list
    can_manage: bool
    can_put_forward: bool


def _own_member_id(user, process) -> int | None:
    return (
        StaffMember.objects.filter(user=user, school_id=process.school_id, active=True)
        .values_list("pk", flat=True)
        .first()
        if user.is_authenticated
        else None
    )


def _rows(ideas_round, user, process, *, unit=None) -> list[IdeaRow]:
    ideas = list(
        Idea.objects.filter(round=ideas_round)
        .select_related("category")
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("created_at", "pk")
    )
    me = _own_member_id(user, process)
    supported = (
        set(
            IdeaSupport.objects.filter(idea__round=ideas_round, staff_member_id=me).values_list(
                "idea_id", flat=True
            )
        )
        if me
        else set()
    )
    taken: dict[int, list] = {}
    for take_up in IdeaTakeUp.objects.filter(idea__round=ideas_round).select_related(
        "measure__plan__unit"
    ):
        taken.setdefault(take_up.idea_id, []).append(take_up.measure)
    members = (
        set(UnitMembership.objects.filter(unit=unit).values_list("staff_member_id", flat=True))
        if unit is not None
        else set()
    )
    return [
        IdeaRow(
            idea=idea,
            support_count=idea.support_count,
            own=me is not None and idea.author_id == me,
            supported=idea.pk in supported,
            from_member=idea.author_id in members,
            taken_up_in=taken.get(idea.pk, []),
        )
        for idea in ideas
    ]


def ideas_page(*, user, process) -> IdeasPage:
    """The ideas round of ``process`` as ``user`` sees it (403 for whoever may not read it)."""
    if not user.has_perm(VIEW, process):
        raise PermissionDenied
    ideas_round = IdeasRound.objects.filter(process=process).first()
    rows = _rows(ideas_round, user, process) if ideas_round else []
    rows.sort(key=lambda row: (-row.support_count, row.idea.created_at, row.idea.pk))
    return IdeasPage(
        round=ideas_round,
        is_open=bool(ideas_round and ideas_round.is_open(timezone.localdate())),
        rows=rows,
        categories=list(MeasureCategory.objects.all()),
        can_manage=user.has_perm(MANAGE, process),
        can_put_forward=user.has_perm(PUT_FORWARD, process),
    )


def ideas_for_unit(*, user, process, unit) -> list[IdeaRow]:
    """The ideas of ``process``'s round for a unit writing its plan: those of its members
    first, then by support. Empty without a round."""
    ideas_round = IdeasRound.objects.filter(process=process).first()
    if ideas_round is None:
        return []
    rows = _rows(ideas_round, user, process, unit=unit)
    rows.sort(key=lambda row: (not row.from_member, -row.support_count, row.idea.pk))
    return rows
