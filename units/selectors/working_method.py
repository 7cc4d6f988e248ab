"""Reads of step 7: the working methods of the units.

Each function loads what its page needs in a fixed number of queries, however many units,
members or meetings there are.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from ..models import (
    ConversationGroup,
    MeetingMinutes,
    OrganisationalUnit,
    UnitMembership,
    WorkingMethod,
)
from ..predicates import member_unit_ids

VIEW = "units.view_working_method"
RECORD = "units.record_working_method"


@dataclass
class WorkingMethodRow:
    """One unit on the overview: its working method (if recorded) and what the viewer may do."""

    unit: OrganisationalUnit
    method: WorkingMethod | None
    member_count: int
    meeting_count: int
    next_meeting: object  # a date, or None
    own: bool  # the viewer is a member of this unit
    can_view: bool


@dataclass
class WorkingMethodOverview:
    rows: list[WorkingMethodRow]

    @property
    def recorded(self) -> int:
        return sum(1 for row in self.rows if row.method is not None)

    @property
    def missing(self) -> list[WorkingMethodRow]:
        return [row for row in self.rows if row.method is None]


def working_method_overview(*, user, process) -> WorkingMethodOverview:
    """Per unit of ``process``, in name order: its working method with its leader, its active
    members, its meetings (count, next date), and whether ``user`` may open it. Two queries
    (the units, and the viewer's own units), whatever the number of units."""
    today = timezone.localdate()
    units = (
        OrganisationalUnit.objects.filter(process=process)
        .select_related("working_method__leader")
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__staff_member__active=True),
                distinct=True,
            ),
            meeting_count=Count("working_method__meetings", distinct=True),
            next_meeting=Min(
                "working_method__meetings__date",
                filter=Q(working_method__meetings__date__gte=today),
            ),
        )
        .order_by("name", "pk")
    )
    own = member_unit_ids(user, process.pk)
    rows = []
    for unit in units:
        unit.process = process
        method = getattr(unit, "working_method", None)
        rows.append(
            WorkingMethodRow(
                unit=unit,
                method=method,
                member_count=unit.member_count,
                meeting_count=unit.meeting_count,
                next_meeting=unit.next_meeting,
                own=unit.pk in own,
                can_view=user.has_perm(VIEW, unit),
            )
        )
    return WorkingMethodOverview(rows=rows)


@dataclass
class GroupRow:
    group: ConversationGroup | None  # None: members in no conversation group
    members: list = field(default_factory=list)  # StaffMember


@dataclass
class WorkingMethodPage:
    unit: OrganisationalUnit
    method: WorkingMethod | None
    meetings: list
    members: list  # the unit's active StaffMembers, in name order: who can lead
    groups: list[GroupRow]
    can_record: bool


def working_method_page(*, user, process, unit_pk) -> WorkingMethodPage:
    """A unit's working method with its meetings, and the unit's conversation groups with
    their active members. 404 for a unit of another process, 403 unless ``user`` may view it
    (the unit's members, the director, PMR and steering group). A fixed number of queries."""
    unit = (
        OrganisationalUnit.objects.filter(process=process, pk=unit_pk)
        .select_related("working_method__leader")
        .first()
    )
    if unit is None:
        raise Http404
    unit.process = process
    if not user.has_perm(VIEW, unit):
        raise PermissionDenied
    method = getattr(unit, "working_method", None)
    meetings = (
        list(
            method.meetings.annotate(
                has_minutes=Exists(MeetingMinutes.objects.filter(meeting=OuterRef("pk")))
            ).order_by("date", "starts_at", "pk")
        )
        if method
        else []
    )
    memberships = list(
        UnitMembership.objects.filter(unit=unit, staff_member__active=True)
        .select_related("staff_member")
        .order_by("staff_member__name", "pk")
    )
    # The unit's own groups and the groups across units that some of its members are in.
    groups = list(
        ConversationGroup.objects.filter(
            Q(unit=unit) | Q(unit__isnull=True, memberships__unit=unit)
        )
        .distinct()
        .order_by("name", "pk")
    )
    by_group = {group.pk: GroupRow(group=group) for group in groups}
    loose = GroupRow(group=None)
    for membership in memberships:
        by_group.get(membership.group_id, loose).members.append(membership.staff_member)
    group_rows = list(by_group.values())
    if loose.members and groups:
        group_rows.append(loose)
    return WorkingMethodPage(
        unit=unit,
        method=method,
        meetings=meetings,
        members=[membership.staff_member for membership in memberships],
        groups=group_rows,
        can_record=user.has_perm(RECORD, unit),
    )
