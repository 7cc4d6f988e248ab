"""The cost of measures: pure functions on Decimal euros, no database.

A measure's cost has one of four types (``CostType``):

- ``fixed``: a fixed amount in euros per school year the measure costs money;
- ``fte``: fte x the yearly cost of 1.0 fte of a function (e.g. 0.6 fte teaching assistant);
- ``hours``: hours per school year x an hourly cost;
- ``none``: no cost (organisational measures, such as fewer meetings).

``rate`` is the yearly cost of the function (``fte``) or the hourly cost (``hours``). It may be one
Decimal for every school year, or a mapping from school year to rate, because the yearly costs per
function are reference data per school year (``plans.models.FunctionCost``). A school year
missing from the mapping uses the rate of the latest earlier school year in it (costs carry
forward until the administrator enters the new year's values); with no earlier year it is an
error.

School years are given by their first calendar year (``SchoolYear.start_year``: 2026 for
2026-2027). A structural measure costs its yearly amount in every school year it runs; a one-off
measure costs it once, in its first (earliest) school year, and 0.00 in its other years.

Rounding: each school year's amount is computed exactly and rounded half up (ROUND_HALF_UP) to
the cent once, at the end of that year's computation. Totals over several school years or several
measures are sums of these rounded amounts, so a total always equals the sum of the amounts
shown per year.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from werkdruk.money import CENT

# CAO VO: a full-time job (1.0 fte) is a norm year of 1659 working hours.
NORM_YEAR_HOURS = Decimal(1659)

ZERO = Decimal("0.00")


class CostType(enum.StrEnum):
    FIXED = "fixed"
    FTE = "fte"
    HOURS = "hours"
    NONE = "none"


def to_cent(amount: Decimal) -> Decimal:
    """``amount`` rounded half up to the cent."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def _non_negative(value, what: str) -> Decimal:
    if value is None:
        raise ValueError(f"{what} is missing")
    if isinstance(value, float):
        raise ValueError(f"{what} must be a Decimal, not a float")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite number")
    if value < 0:
        raise ValueError(f"{what} cannot be negative")
    return value


def hourly_cost_from_yearly(yearly_cost: Decimal, norm_hours: Decimal = NORM_YEAR_HOURS) -> Decimal:
    """The hourly cost of a function: its yearly cost of 1.0 fte over the norm year (1659 hours
    in the CAO VO), rounded half up to the cent."""
    yearly_cost = _non_negative(yearly_cost, "the yearly cost")
    norm_hours = _non_negative(norm_hours, "the norm year")
    if norm_hours == 0:
        raise ValueError("the norm year must be more than zero hours")
    return to_cent(yearly_cost / norm_hours)


@dataclass(frozen=True)
class CostSpec:
    """What a measure costs in one school year in which it costs money.

    Only the fields of the cost type are used: ``amount`` for fixed, ``fte`` and ``rate`` for fte,
    ``hours`` and ``rate`` for hours, none for no cost. The others are ignored.
    """

    cost_type: CostType | str
    amount: Decimal | None = None
    fte: Decimal | None = None
    hours: Decimal | None = None
    rate: Decimal | Mapping[int, Decimal] | None = None


def _cost_type(value) -> CostType:
    try:
        return CostType(value)
    except ValueError:
        raise ValueError(f"unknown cost type {value!r}") from None


def rate_for(rate: Decimal | Mapping[int, Decimal] | None, school_year: int) -> Decimal:
    """The rate in ``school_year``: the rate itself, or from a mapping the rate of that school
    year, or else of the latest earlier school year in it."""
    if isinstance(rate, Mapping):
        earlier = [year for year in rate if year <= school_year]
        if not earlier:
            raise ValueError(f"there is no rate for school year {school_year} or before")
        return _non_negative(rate[max(earlier)], f"the rate for school year {max(earlier)}")
    return _non_negative(rate, "the rate")


def annual_cost(spec: CostSpec, school_year: int | None = None) -> Decimal:
    """The cost of ``spec`` in one school year in which the measure costs money, rounded half up
    to the cent. ``school_year`` picks the rate when ``spec.rate`` is a mapping per school year.

    Raises ValueError for an unknown cost type, a missing value the cost type needs, or a negative
    amount, fte, number of hours or rate.
    """
    cost_type = _cost_type(spec.cost_type)
    if cost_type is CostType.NONE:
        return ZERO
    if cost_type is CostType.FIXED:
        return to_cent(_non_negative(spec.amount, "the amount"))
    if cost_type is CostType.FTE:
        quantity = _non_negative(spec.fte, "the fte")
    else:
        quantity = _non_negative(spec.hours, "the number of hours")
    if isinstance(spec.rate, Mapping) and school_year is None:
        raise ValueError("give the school year to pick the rate")
    return to_cent(quantity * rate_for(spec.rate, school_year))


def _school_years(school_years: Iterable[int]) -> list[int]:
    years = list(school_years)
    if not years:
        raise ValueError("a measure runs in at least one school year")
    if len(set(years)) != len(years):
        raise ValueError("a school year is given more than once")
    return sorted(years)


def cost_per_school_year(
    spec: CostSpec, school_years: Iterable[int], *, structural: bool
) -> dict[int, Decimal]:
    """The cost of a measure in each of its school years, in order, each rounded half up to the
    cent: a structural measure costs its yearly amount every school year; a one-off measure only in
    its first school year (0.00 in the others)."""
    years = _school_years(school_years)
    if structural:
        return {year: annual_cost(spec, year) for year in years}
    first, *rest = years
    return {first: annual_cost(spec, first), **dict.fromkeys(rest, ZERO)}


def total_cost(per_school_year: Mapping[int, Decimal]) -> Decimal:
    """The total over several school years: the sum of the per-year amounts (already whole
    cents, so nothing is rounded again)."""
    return sum(per_school_year.values(), ZERO)


def measure_total(spec: CostSpec, school_years: Iterable[int], *, structural: bool) -> Decimal:
    """A measure's cost over all its school years."""
    return total_cost(cost_per_school_year(spec, school_years, structural=structural))


def totals_per_school_year(measures: Iterable[Mapping[int, Decimal]]) -> dict[int, Decimal]:
    """The cost of a list of measures (each as from ``cost_per_school_year``) per school year,
    in order of school year."""
    totals: dict[int, Decimal] = {}
    for per_year in measures:
        for year, amount in per_year.items():
            totals[year] = totals.get(year, ZERO) + amount
    return dict(sorted(totals.items()))


@dataclass(frozen=True)
class BudgetCheck:
    """Total cost against a budget: what remains, or by how much the budget is overrun."""

    total: Decimal
    budget: Decimal

    @property
    def remaining(self) -> Decimal:
        """The budget left after the cost; 0.00 when overrun."""
        return max(self.budget - self.total, ZERO)

    @property
    def overrun(self) -> Decimal:
        """How much the cost exceeds the budget; 0.00 when within it."""
        return max(self.total - self.budget, ZERO)

    @property
    def within_budget(self) -> bool:
        return self.total <= self.budget


def compare_with_budget(total: Decimal, budget: Decimal) -> BudgetCheck:
    """``total`` against ``budget``; both whole cents (rounded half up if not), not negative."""
    return BudgetCheck(
        total=to_cent(_non_negative(total, "the total")),
        budget=to_cent(_non_negative(budget, "the budget")),
    )


def budget_per_school_year(
    measures: Iterable[Mapping[int, Decimal]], budgets: Mapping[int, Decimal]
) -> dict[int, BudgetCheck]:
    """The measures' total per school year against each school year's budget.

    Covers every school year that has a budget or a cost; a school year with costs but no budget
    counts as a budget of 0.00 (so its whole cost is an overrun).
    """
    totals = totals_per_school_year(measures)
    years = sorted(set(totals) | set(budgets))
    return {
        year: compare_with_budget(totals.get(year, ZERO), budgets.get(year, ZERO)) for year in years
    }
