"""Step 2: the split of the school budget over the units.

``units.splitting.split_compute`` is the whole computation, on plain data: optionally a
central reserve is kept aside first (a percentage or an amount), then the rest is divided over
the units by fte, by headcount, by weights, as fixed amounts, or not yet (deferred).
Proportional methods use ``werkdruk.money.split_by_weights``: the unit amounts and the reserve
add up to the school total exactly to the cent, and the same input always gives the same split.

"The split shown is the split stored": a preview carries a fingerprint of its inputs and its
results, and ``split_save`` refuses when the data behind it changed since it was shown.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from processes.models import Process
from processes.services import decision_record, require_perm, step_content_changed
from werkdruk.money import lazy_euro

from ..models import BudgetSplit, OrganisationalUnit
from ..selectors.split import SplitUnitRow, split_get, split_school_total, split_unit_rows
from ..splitting import (
    SplitChangedError,
    SplitError,
    SplitPreview,
    SplitUnit,
    UnitShare,
    shares_of,
    split_compute,
)

Method = BudgetSplit.Method
Reserve = BudgetSplit.Reserve


# --- reading the stored split -------------------------------------------------------------------


@dataclass(frozen=True)
class SplitStatus:
    """The stored split of a process next to the data it was computed from, as it is now."""

    split: BudgetSplit | None
    school_total: Decimal
    rows: tuple[SplitUnitRow, ...]
    saved: SplitPreview | None  # the stored split as stored (current staff counts and fte)
    up_to_date: bool

    @property
    def budget_missing(self) -> bool:
        return self.school_total <= 0

    @property
    def reasons(self) -> list[str]:
        """Why step 2 cannot be finished yet (empty when it can)."""
        reasons = []
        if self.budget_missing:
            reasons.append(
                _(
                    "Enter the school budget first: there are no budget lines, or they add up "
                    "to zero."
                )
            )
        if self.split is None:
            reasons.append(_("No split of the budget over the units has been saved yet."))
        elif not self.up_to_date:
            reasons.append(_("The split is out of date: recalculate and save it again."))
        return reasons


def _units_from_rows(rows, weights=None, fixed_amounts=None) -> list[SplitUnit]:
    """Units with the given inputs, or, without them, the inputs stored on each unit."""
    return [
        SplitUnit(
            key=row.pk,
            name=row.name,
            staff_count=row.staff_count,
            fte=row.fte,
            weight=row.weight if weights is None else weights.get(row.pk),
            fixed_amount=row.fixed_amount if fixed_amounts is None else fixed_amounts.get(row.pk),
        )
        for row in rows
    ]


def _saved_preview(split, rows) -> SplitPreview:
    amounts = {row.pk: row.amount for row in rows}
    shares = shares_of(amounts)
    uses_weight = split.method == Method.WEIGHTS
    uses_fixed = split.method == Method.FIXED
    return SplitPreview(
        method=split.method,
        reserve_kind=split.reserve_kind,
        reserve_value=split.reserve_value,
        school_total=split.school_total,
        reserve_amount=split.reserve_amount,
        units_total=split.school_total - split.reserve_amount,
        units=tuple(
            UnitShare(
                key=row.pk,
                name=row.name,
                staff_count=row.staff_count,
                fte=row.fte,
                weight=row.weight if uses_weight else None,
                fixed_amount=row.fixed_amount if uses_fixed else None,
                share=None if split.method == Method.DEFERRED else shares[row.pk],
                amount=row.amount,
            )
            for row in rows
        ),
        fingerprint="",
    )


def _matches(split, rows, school_total) -> bool:
    """Would the stored method, on the data as it is now, give exactly the stored split?"""
    if split.school_total != school_total:
        return False
    try:
        current = split_compute(
            school_total=school_total,
            method=split.method,
            reserve_kind=split.reserve_kind,
            reserve_value=split.reserve_value,
            units=_units_from_rows(rows),
        )
    except SplitError:
        return False
    stored = {row.pk: row.amount for row in rows}
    return current.reserve_amount == split.reserve_amount and all(
        stored[unit.key] == unit.amount for unit in current.units
    )


def split_status(*, process) -> SplitStatus:
    """The stored split of ``process`` and whether it still matches the data. Three queries."""
    split = split_get(process=process)
    school_total = split_school_total(process=process)
    rows = tuple(split_unit_rows(process=process))
    return SplitStatus(
        split=split,
        school_total=school_total,
        rows=rows,
        saved=_saved_preview(split, rows) if split else None,
        up_to_date=split is not None and _matches(split, rows, school_total),
    )


# --- services -----------------------------------------------------------------------------------


def split_preview(
    *,
    process,
    method: str,
    reserve_kind: str,
    reserve_value: Decimal | None,
    weights: Mapping[int, Decimal | None],
    fixed_amounts: Mapping[int, Decimal | None],
    status: SplitStatus | None = None,
) -> SplitPreview:
    """The split of ``process``'s budget with these inputs, as it would be stored. Stores nothing.

    ``weights`` and ``fixed_amounts`` map unit pks to values; only the method's own are used.
    Pass a ``status`` of the same request to reuse its data instead of reading it again.
    """
    if status is None:
        school_total = split_school_total(process=process)
        rows = split_unit_rows(process=process)
    else:
        school_total, rows = status.school_total, status.rows
    return split_compute(
        school_total=school_total,
        method=method,
        reserve_kind=reserve_kind,
        reserve_value=reserve_value,
        units=_units_from_rows(rows, weights or {}, fixed_amounts or {}),
    )


def _is_stored(split, units, preview) -> bool:
    if (
        split.method,
        split.reserve_kind,
        split.reserve_value,
        split.school_total,
        split.reserve_amount,
    ) != (
        preview.method,
        preview.reserve_kind,
        preview.reserve_value,
        preview.school_total,
        preview.reserve_amount,
    ):
        return False
    for share in preview.units:
        unit = units[share.key]
        if unit.amount != share.amount:
            return False
        if preview.method == Method.WEIGHTS and unit.weight != share.weight:
            return False
        if preview.method == Method.FIXED and unit.fixed_amount != share.fixed_amount:
            return False
    return True


@transaction.atomic
def split_save(
    *,
    process,
    actor,
    method: str,
    reserve_kind: str,
    reserve_value: Decimal | None,
    weights: Mapping[int, Decimal | None],
    fixed_amounts: Mapping[int, Decimal | None],
    expected_fingerprint: str | None = None,
) -> BudgetSplit:
    """Store the split of ``process``'s budget over its units, exactly as previewed.

    Recomputes on the current data; with ``expected_fingerprint`` (from the preview that was
    shown) refuses with SplitChangedError when anything differs. Saving the stored split again
    changes nothing; a changed split reopens a signed-off step 2 first, as a recorded decision.
    Every error leaves the stored data as it was.
    """
    require_perm(actor, "processes.manage_process", process)
    process = Process.objects.select_for_update().select_related("school").get(pk=process.pk)
    units = {
        unit.pk: unit
        for unit in OrganisationalUnit.objects.select_for_update().filter(process=process)
    }
    preview = split_preview(
        process=process,
        method=method,
        reserve_kind=reserve_kind,
        reserve_value=reserve_value,
        weights=weights,
        fixed_amounts=fixed_amounts,
    )
    if expected_fingerprint is not None and expected_fingerprint != preview.fingerprint:
        raise SplitChangedError()
    split = BudgetSplit.objects.select_for_update().filter(process=process).first()
    if split is not None and _is_stored(split, units, preview):
        return split

    step_content_changed(
        process=process,
        number=2,
        actor=actor,
        what=gettext_lazy("the split of the budget over the units"),
    )
    split = split or BudgetSplit(process=process)
    split.method = preview.method
    split.reserve_kind = preview.reserve_kind
    split.reserve_value = preview.reserve_value
    split.school_total = preview.school_total
    split.reserve_amount = preview.reserve_amount
    # split_compute validated every value against the fields' ranges and decimal places.
    split.save()
    for share in preview.units:
        unit = units[share.key]
        unit.amount = share.amount
        fields = ["amount"]
        if preview.method == Method.WEIGHTS:
            unit.weight = share.weight
            fields.append("weight")
        elif preview.method == Method.FIXED:
            unit.fixed_amount = share.fixed_amount
            fields.append("fixed_amount")
        unit.save(update_fields=fields)

    decision_record(
        process=process,
        step_number=2,
        action="units.split.saved",
        summary=gettext_noop(
            "Budget split over the units saved (%(method)s): %(units)s for the units and "
            "%(reserve)s central reserve, of a school budget of %(total)s."
        ),
        params={
            "method": Method(preview.method).label,
            "units": lazy_euro(preview.units_total),
            "reserve": lazy_euro(preview.reserve_amount),
            "total": lazy_euro(preview.school_total),
        },
        actor=actor,
        content={
            "method": preview.method,
            "reserve_kind": preview.reserve_kind,
            "reserve_value": str(preview.reserve_value),
            "school_total": str(preview.school_total),
            "reserve_amount": str(preview.reserve_amount),
            "units": [
                {
                    "unit": share.key,
                    "name": share.name,
                    "staff_count": share.staff_count,
                    "fte": str(share.fte),
                    "amount": None if share.amount is None else str(share.amount),
                }
                for share in preview.units
            ],
            "fingerprint": preview.fingerprint,
        },
    )
    return split
