"""Reads of the function cost pages: a school's table per school year (its own rows next to
the defaults) in one query."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from processes.models import SchoolYear
from processes.selectors import board_get_for_user, school_get_for_user

from ..models import FunctionCost

CHANGE = "plans.change_function_costs"
CHANGE_FOR_BOARD = "plans.change_board_function_costs"


def function_cost_school_get_for_user(*, user, pk):
    """The school; 404 when missing or not the user's, 403 for those who see the school but do
    not keep its costs."""
    school = school_get_for_user(user=user, pk=pk)
    if not user.has_perm(CHANGE, school):
        raise PermissionDenied
    return school


def function_cost_board_get_for_user(*, user, pk):
    """The board, for its administrators; 404 for everyone else."""
    board = board_get_for_user(user=user, pk=pk)
    if not user.has_perm(CHANGE_FOR_BOARD, board):
        raise PermissionDenied
    return board


def own_cost_get(*, school, pk) -> FunctionCost:
    """One of the school's own rows (404 for a default or another school's row)."""
    rows = FunctionCost.objects.select_related("school_year")
    return get_object_or_404(rows, pk=pk, school=school)


@dataclass
class CostLine:
    function: str
    default: FunctionCost | None = None
    own: FunctionCost | None = None

    @property
    def used(self) -> FunctionCost:
        return self.own or self.default


@dataclass
class CostYear:
    school_year: SchoolYear
    lines: list[CostLine] = field(default_factory=list)


def function_cost_table(*, school) -> list[CostYear]:
    """Per school year (newest first), each function with its default and the school's own
    row: what the school's unit plans are costed with."""
    rows = FunctionCost.objects.for_school(school).select_related("school_year")
    years: dict[int, tuple[SchoolYear, dict[str, CostLine]]] = {}
    for row in sorted(rows, key=lambda r: (r.order, r.function.lower())):
        year, lines = years.setdefault(row.school_year.start_year, (row.school_year, {}))
        line = lines.setdefault(row.function.lower(), CostLine(function=row.function))
        if row.school_id is None:
            line.default = row
        else:
            line.own = row
    return [
        CostYear(school_year=years[start][0], lines=list(years[start][1].values()))
        for start in sorted(years, reverse=True)
    ]


def known_functions() -> list[str]:
    """The functions of the defaults, for the form's suggestions."""
    names = (
        FunctionCost.objects.filter(school__isnull=True)
        .order_by("order", "function")
        .values_list("function", flat=True)
    )
    return list(dict.fromkeys(names))


def school_year_choices() -> list[tuple[int, str]]:
    """Last school year to three years ahead."""
    current = SchoolYear.objects.current().start_year
    return [(start, f"{start}-{start + 1}") for start in range(current - 1, current + 4)]
