"""Reads of step 1: organisational units, conversation groups and who is in them.

Every function loads what its page needs in a fixed number of queries, however many staff
or units there are.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from processes.models import Process
from processes.selectors import process_get_for_user

from ..models import (
    ConversationGroup,
    OrganisationalUnit,
    StaffCategory,
    StaffMember,
    UnitMembership,
)

# How many names a message lists before it says "and N more".
NAMES_SHOWN = 10


@dataclass
class UnitSummary:
    """A unit with its totals over its active members."""

    unit: OrganisationalUnit
    staff_count: int
    fte: Decimal
    categories: dict[str, int]
    inactive_count: int
    groups: list = field(default_factory=list)  # (ConversationGroup with member_count)

    @property
    def category_counts(self) -> list[tuple[str, int]]:
        """(category, count) in the order OP, OOP, MT, for templates."""
        return [(category.value, self.categories[category.value]) for category in StaffCategory]


def _category_annotations(prefix: str) -> dict:
    active = Q(**{f"{prefix}staff_member__active": True})
    annotations = {
        "staff_count": Count(f"{prefix}pk", filter=active),
        "fte_total": Sum(f"{prefix}staff_member__fte", filter=active),
        "inactive_count": Count(
            f"{prefix}pk", filter=Q(**{f"{prefix}staff_member__active": False})
        ),
    }
    for category in StaffCategory:
        annotations[f"count_{category.value}"] = Count(
            f"{prefix}pk", filter=active & Q(**{f"{prefix}staff_member__category": category.value})
        )
    return annotations


def _active_members() -> Count:
    return Count("memberships", filter=Q(memberships__staff_member__active=True))


def unit_summaries(*, process) -> list[UnitSummary]:
    """The units of ``process`` in name order with staff count, fte and count per category,
    and their conversation groups with member counts (active members only). Two queries."""
    units = (
        OrganisationalUnit.objects.filter(process=process)
        .annotate(**_category_annotations("memberships__"))
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=ConversationGroup.objects.annotate(
                    member_count=_active_members()
                ).order_by("name", "pk"),
            )
        )
        .order_by("name", "pk")
    )
    return [
        UnitSummary(
            unit=unit,
            staff_count=unit.staff_count,
            fte=unit.fte_total or Decimal(0),
            categories={
                category.value: getattr(unit, f"count_{category.value}")
                for category in StaffCategory
            },
            inactive_count=unit.inactive_count,
            groups=list(unit.groups.all()),
        )
        for unit in units
    ]


def unit_get_for_user(*, user, process_pk, unit_pk) -> tuple[Process, OrganisationalUnit]:
    """The process and one of its units; 404 if either is missing or not visible to ``user``."""
    process = process_get_for_user(user=user, pk=process_pk)
    unit = OrganisationalUnit.objects.filter(process=process, pk=unit_pk).first()
    if unit is None:
        raise Http404
    unit.process = process
    return process, unit


def unit_group_get(*, unit, group_pk) -> ConversationGroup:
    """A conversation group of ``unit``; 404 if it belongs to another unit or does not exist."""
    group = ConversationGroup.objects.filter(unit=unit, pk=group_pk).first()
    if group is None:
        raise Http404
    group.unit = unit
    return group


def unit_member_list(*, unit) -> QuerySet[UnitMembership]:
    """The memberships of ``unit`` with staff member and group, active first, by name."""
    return (
        UnitMembership.objects.filter(unit=unit)
        .select_related("staff_member", "group")
        .order_by("-staff_member__active", "staff_member__name", "staff_member__pk")
    )


def unit_group_list(*, unit) -> list[ConversationGroup]:
    """The conversation groups of ``unit`` with their member count, by name. One query."""
    return list(
        ConversationGroup.objects.filter(unit=unit)
        .annotate(member_count=_active_members())
        .order_by("name", "pk")
    )


def _in_a_unit(process) -> Exists:
    return Exists(UnitMembership.objects.filter(process=process, staff_member=OuterRef("pk")))


def staff_select(
    *,
    process,
    category="",
    function="",
    department="",
    pks=None,
    unassigned_only=False,
) -> QuerySet[StaffMember]:
    """Active staff of the process's school, narrowed by category (OP/OOP/MT), function,
    department or team, by hand (``pks``), and optionally to those in no unit yet.

    Criteria combine: "OOP in the department Administration" is category and department.
    """
    staff = StaffMember.objects.filter(school_id=process.school_id, active=True)
    if category:
        staff = staff.filter(category=category)
    if function:
        staff = staff.filter(function=function)
    if department:
        staff = staff.filter(department=department)
    if pks is not None:
        staff = staff.filter(pk__in=list(pks))
    if unassigned_only:
        staff = staff.exclude(_in_a_unit(process))
    return staff.order_by("name", "pk")


def staff_by_category(*, process, category) -> QuerySet[StaffMember]:
    """Active staff of one category (OP, OOP or MT)."""
    return staff_select(process=process, category=category)


def staff_by_function(*, process, function) -> QuerySet[StaffMember]:
    """Active staff with one function, as in the staff import."""
    return staff_select(process=process, function=function)


def staff_by_department(*, process, department) -> QuerySet[StaffMember]:
    """Active staff of one department or team (the column of the staff import)."""
    return staff_select(process=process, department=department)


def unassigned_staff(*, process, category="", function="", department="") -> QuerySet[StaffMember]:
    """Active staff of the school who are in no unit of ``process``, by name."""
    return staff_select(
        process=process,
        category=category,
        function=function,
        department=department,
        unassigned_only=True,
    )


@dataclass(frozen=True)
class StaffFilterOptions:
    functions: list[str]
    departments: list[str]


def staff_filter_options(*, process) -> StaffFilterOptions:
    """The functions and departments that occur among the school's active staff. One query."""
    rows = (
        StaffMember.objects.filter(school_id=process.school_id, active=True)
        .values_list("function", "department")
        .distinct()
        .order_by()
    )
    functions, departments = set(), set()
    for function, department in rows:
        if function:
            functions.add(function)
        if department:
            departments.add(department)
    return StaffFilterOptions(
        functions=sorted(functions, key=str.casefold),
        departments=sorted(departments, key=str.casefold),
    )


def previous_process_with_units(*, process) -> Process | None:
    """The same school's process of the previous school year, if it has units."""
    return (
        Process.objects.filter(
            school_id=process.school_id,
            school_year__start_year=process.school_year.start_year - 1,
        )
        .filter(Exists(OrganisationalUnit.objects.filter(process=OuterRef("pk"))))
        .select_related("school_year")
        .first()
    )


@dataclass(frozen=True)
class PlacementProblems:
    """What keeps step 1 from being finished, as far as the staff's places are concerned."""

    has_units: bool
    unassigned: list[str]  # names of active staff in no unit
    inactive: list[tuple[str, str]]  # (name, unit name) of inactive staff still in a unit


def placement_problems(*, process) -> PlacementProblems:
    """Active staff in no unit and inactive staff still in one. At most two queries."""
    if not OrganisationalUnit.objects.filter(process=process).exists():
        return PlacementProblems(has_units=False, unassigned=[], inactive=[])
    membership = UnitMembership.objects.filter(process=process, staff_member=OuterRef("pk"))
    rows = (
        StaffMember.objects.filter(school_id=process.school_id)
        .annotate(in_unit=Exists(membership))
        .filter(Q(active=True, in_unit=False) | Q(active=False, in_unit=True))
        .annotate(unit_name=membership.values("unit__name")[:1])
        .order_by("name", "pk")
        .values_list("name", "active", "unit_name")
    )
    unassigned, inactive = [], []
    for name, active, unit_name in rows:
        if active:
            unassigned.append(name)
        else:
            inactive.append((name, unit_name))
    return PlacementProblems(has_units=True, unassigned=unassigned, inactive=inactive)
