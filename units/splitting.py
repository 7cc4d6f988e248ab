"""Step 2's computation on plain data: the school budget over the units, to the cent.

No database here: units/services/split.py gathers the data, calls split_compute and stores
the result. Every amount adds up exactly (werkdruk.money.split_by_weights)."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from werkdruk.exceptions import DomainError
from werkdruk.money import CENT, format_euro, percentage_of, percentages, split_by_weights

from .models import BudgetSplit

Method = BudgetSplit.Method
Reserve = BudgetSplit.Reserve

MAX_AMOUNT = Decimal("9999999999.99")  # BudgetLine/OrganisationalUnit amounts: 12 digits, 2 places
MAX_WEIGHT = Decimal("9999.9999")  # OrganisationalUnit.weight: 8 digits, 4 places
WEIGHT_PLACES = Decimal("0.0001")
HUNDRED = Decimal("100.00")


# --- plain data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitUnit:
    """One unit as the computation needs it. ``key`` identifies it (the unit's pk)."""

    key: int
    name: str
    staff_count: int
    fte: Decimal
    weight: Decimal | None = None
    fixed_amount: Decimal | None = None


@dataclass(frozen=True)
class UnitShare:
    """What one unit gets. ``share`` is its percentage of what is divided over the units
    (two decimals, adding up to exactly 100); ``share`` and ``amount`` are None when deferred.
    ``weight`` and ``fixed_amount`` are set only when the method uses them."""

    key: int
    name: str
    staff_count: int
    fte: Decimal
    weight: Decimal | None
    fixed_amount: Decimal | None
    share: Decimal | None
    amount: Decimal | None


@dataclass(frozen=True)
class SplitPreview:
    """A whole split: the reserve, what is divided over the units and each unit's part."""

    method: str
    reserve_kind: str
    reserve_value: Decimal
    school_total: Decimal
    reserve_amount: Decimal
    units_total: Decimal
    units: tuple[UnitShare, ...]
    fingerprint: str

    @property
    def method_label(self) -> str:
        return Method(self.method).label

    @property
    def is_deferred(self) -> bool:
        return self.method == Method.DEFERRED

    @property
    def staff_count(self) -> int:
        return sum(unit.staff_count for unit in self.units)

    @property
    def fte(self) -> Decimal:
        return sum((unit.fte for unit in self.units), Decimal(0))


@dataclass(frozen=True)
class SplitProblem:
    """One reason the split cannot be calculated. ``field`` is "method", "reserve_kind",
    "reserve_value", "weight" or "fixed_amount" (the latter two with ``unit``), or None."""

    message: str
    field: str | None = None
    unit: int | None = None

    def __str__(self):
        return self.message


class SplitError(DomainError):
    """The split cannot be calculated with these inputs; ``problems`` says why, one by one."""

    def __init__(self, problems: Sequence[SplitProblem]):
        self.problems = list(problems)
        if len(self.problems) == 1:
            message = self.problems[0].message
        else:
            message = ngettext(
                "The budget cannot be split this way: %(count)s problem.",
                "The budget cannot be split this way: %(count)s problems.",
                len(self.problems),
            ) % {"count": len(self.problems)}
        super().__init__(message, details=[problem.message for problem in self.problems])


class SplitChangedError(DomainError):
    """The data behind a preview changed before it was saved: nothing was stored."""

    def __init__(self):
        super().__init__(
            _(
                "The split was not saved: the inputs, the budget, the units or their staff "
                "changed since it was calculated. Check the split as it is now and save it again."
            )
        )


# --- the computation --------------------------------------------------------------------------


def _as_decimal(value) -> Decimal | None:
    """Decimals and whole numbers as Decimal; floats are refused (they are not exact)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"expected a Decimal, not {value!r}")


def _has_more_places(value: Decimal, places: Decimal) -> bool:
    return value != value.quantize(places)


def _reserve(total, kind, value, problems) -> Decimal | None:
    """The reserve amount, or None (with a problem added) when ``value`` cannot be used."""
    if kind == Reserve.NONE:
        return Decimal("0.00")
    if value is None or not value.is_finite():
        problems.append(SplitProblem(_("Give the size of the central reserve."), "reserve_value"))
        return None
    if value < 0:
        problems.append(SplitProblem(_("The central reserve cannot be negative."), "reserve_value"))
        return None
    if kind == Reserve.PERCENTAGE:
        if value > 100:
            problems.append(
                SplitProblem(
                    _("The central reserve cannot be more than 100 percent of the budget."),
                    "reserve_value",
                )
            )
            return None
        if _has_more_places(value, CENT):
            problems.append(
                SplitProblem(
                    _("Give the percentage of the central reserve with at most two decimals."),
                    "reserve_value",
                )
            )
            return None
        return percentage_of(total, value)
    if value > total:
        problems.append(
            SplitProblem(
                _("The central reserve (%(reserve)s) is larger than the school budget (%(total)s).")
                % {"reserve": format_euro(value), "total": format_euro(total)},
                "reserve_value",
            )
        )
        return None
    if _has_more_places(value, CENT):
        problems.append(
            SplitProblem(_("Give the central reserve in whole cents."), "reserve_value")
        )
        return None
    return value.quantize(CENT)


def _weight_problem(unit: SplitUnit) -> str | None:
    weight = unit.weight
    if weight is None or not weight.is_finite():
        return _("Give %(unit)s a weight (0 is allowed).") % {"unit": unit.name}
    if weight < 0:
        return _("The weight of %(unit)s cannot be negative.") % {"unit": unit.name}
    if weight > MAX_WEIGHT:
        return _("The weight of %(unit)s is too large: at most %(max)s.") % {
            "unit": unit.name,
            "max": number_format(MAX_WEIGHT, 4),
        }
    if _has_more_places(weight, WEIGHT_PLACES):
        return _("Give the weight of %(unit)s with at most four decimals.") % {"unit": unit.name}
    return None


def _fixed_problem(unit: SplitUnit) -> str | None:
    amount = unit.fixed_amount
    if amount is None or not amount.is_finite():
        return _("Give %(unit)s a fixed amount (0 is allowed).") % {"unit": unit.name}
    if amount < 0:
        return _("The fixed amount of %(unit)s cannot be negative.") % {"unit": unit.name}
    if amount > MAX_AMOUNT:
        return _("The fixed amount of %(unit)s is too large.") % {"unit": unit.name}
    if _has_more_places(amount, CENT):
        return _("Give the fixed amount of %(unit)s in whole cents.") % {"unit": unit.name}
    return None


def _basis(method, units, problems) -> dict[int, Decimal] | None:
    """What each unit's part is proportional to (None for fixed and deferred)."""
    if method == Method.FTE:
        for unit in units:
            if unit.fte <= 0:
                problems.append(
                    SplitProblem(
                        _(
                            "%(unit)s has no fte: the fte method needs active staff in every "
                            "unit. Assign staff to it or choose another method."
                        )
                        % {"unit": unit.name},
                        unit=unit.key,
                    )
                )
        return {unit.key: unit.fte for unit in units}
    if method == Method.HEADCOUNT:
        for unit in units:
            if unit.staff_count <= 0:
                problems.append(
                    SplitProblem(
                        _(
                            "%(unit)s has no active staff: the headcount method needs staff in "
                            "every unit. Assign staff to it or choose another method."
                        )
                        % {"unit": unit.name},
                        unit=unit.key,
                    )
                )
        return {unit.key: Decimal(unit.staff_count) for unit in units}
    if method == Method.WEIGHTS:
        found = False
        for unit in units:
            message = _weight_problem(unit)
            if message:
                found = True
                problems.append(SplitProblem(message, "weight", unit.key))
        if units and not found and sum(unit.weight for unit in units) == 0:
            problems.append(
                SplitProblem(
                    _("The weights add up to zero: give at least one unit a weight above zero."),
                    "weight",
                )
            )
        return {unit.key: unit.weight for unit in units}
    if method == Method.FIXED:
        for unit in units:
            message = _fixed_problem(unit)
            if message:
                problems.append(SplitProblem(message, "fixed_amount", unit.key))
    return None


def _fixed_sum_problem(units, to_divide) -> SplitProblem | None:
    given = sum((unit.fixed_amount for unit in units), Decimal(0))
    if given == to_divide:
        return None
    params = {
        "sum": format_euro(given),
        "difference": format_euro(abs(given - to_divide)),
        "available": format_euro(to_divide),
    }
    if given > to_divide:
        message = _(
            "The fixed amounts add up to %(sum)s: that is %(difference)s more than the "
            "%(available)s to divide over the units."
        )
    else:
        message = _(
            "The fixed amounts add up to %(sum)s: that is %(difference)s less than the "
            "%(available)s to divide over the units."
        )
    return SplitProblem(message % params, "fixed_amount")


def shares_of(amounts: Mapping[int, Decimal | None]) -> dict[int, Decimal | None]:
    """Each part's percentage of the whole, two decimals adding up to exactly 100.

    None for every part when there is nothing to share (deferred, or a total of zero).
    """
    if not amounts or any(amount is None for amount in amounts.values()):
        return dict.fromkeys(amounts)
    if sum(amounts.values()) <= 0:
        return dict.fromkeys(amounts)
    return percentages(amounts)


def _canonical(value) -> str | None:
    if value is None:
        return None
    return format((Decimal(value) + 0).normalize(), "f")


def split_fingerprint(preview_data: dict) -> str:
    """SHA-256 of the canonical JSON of a split's inputs and results."""
    text = json.dumps(preview_data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_compute(
    *,
    school_total: Decimal,
    method: str,
    reserve_kind: str,
    reserve_value: Decimal | None,
    units: Sequence[SplitUnit],
) -> SplitPreview:
    """Divide ``school_total`` over ``units``; raise SplitError listing every problem.

    Pure: no database. The order of ``units`` breaks ties (see werkdruk.money).
    """
    school_total = _as_decimal(school_total)
    if school_total < 0 or _has_more_places(school_total, CENT):
        raise ValueError("the school total must be a non-negative amount in cents")
    if method not in Method.values:
        raise SplitError([SplitProblem(_("Choose how the budget is split."), "method")])
    if reserve_kind not in Reserve.values:
        raise SplitError(
            [SplitProblem(_("Choose whether a central reserve is kept."), "reserve_kind")]
        )
    units = [
        replace(
            unit,
            weight=_as_decimal(unit.weight),
            fixed_amount=_as_decimal(unit.fixed_amount),
        )
        for unit in units
    ]
    reserve_value = _as_decimal(reserve_value)
    problems: list[SplitProblem] = []
    reserve_amount = _reserve(school_total, reserve_kind, reserve_value, problems)
    if not units:
        problems.append(
            SplitProblem(_("There are no units yet: designate the units in step 1 first."))
        )
    basis = _basis(method, units, problems)
    to_divide = None if reserve_amount is None else school_total - reserve_amount
    if method == Method.FIXED and not problems:
        problem = _fixed_sum_problem(units, to_divide)
        if problem:
            problems.append(problem)
    if problems:
        raise SplitError(problems)

    if method == Method.DEFERRED:
        amounts = dict.fromkeys((unit.key for unit in units), None)
    elif method == Method.FIXED:
        amounts = {unit.key: unit.fixed_amount.quantize(CENT) for unit in units}
    else:
        amounts = split_by_weights(to_divide, basis)
    shares = shares_of(amounts)
    reserve_value = Decimal(0) if reserve_kind == Reserve.NONE else reserve_value
    result = tuple(
        UnitShare(
            key=unit.key,
            name=unit.name,
            staff_count=unit.staff_count,
            fte=unit.fte,
            weight=unit.weight if method == Method.WEIGHTS else None,
            fixed_amount=unit.fixed_amount if method == Method.FIXED else None,
            share=shares[unit.key],
            amount=amounts[unit.key],
        )
        for unit in units
    )
    fingerprint = split_fingerprint(
        {
            "version": 1,
            "method": method,
            "reserve_kind": reserve_kind,
            "reserve_value": _canonical(reserve_value),
            "school_total": _canonical(school_total),
            "reserve_amount": _canonical(reserve_amount),
            "units": [
                [
                    share.key,
                    share.staff_count,
                    _canonical(share.fte),
                    _canonical(share.weight),
                    _canonical(share.fixed_amount),
                    _canonical(share.amount),
                ]
                for share in result
            ],
        }
    )
    return SplitPreview(
        method=method,
        reserve_kind=reserve_kind,
        reserve_value=reserve_value,
        school_total=school_total,
        reserve_amount=reserve_amount,
        units_total=to_divide,
        units=result,
        fingerprint=fingerprint,
    )
