"""Reads of step 2, the split of the school budget over the units.

Each function is one query, however many units or staff there are.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum

from ..models import BudgetSplit, OrganisationalUnit
from .budget import school_budget

FTE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class SplitUnitRow:
    """A unit as step 2 sees it: its active staff, and what the stored split gave it."""

    pk: int
    name: str
    staff_count: int
    fte: Decimal
    weight: Decimal | None
    fixed_amount: Decimal | None
    amount: Decimal | None


def split_unit_rows(*, process) -> list[SplitUnitRow]:
    """The units of ``process`` by name, with count and fte of their ACTIVE members. One query.

    The order (name, then pk) is the order in which the split breaks ties.
    """
    active = Q(memberships__staff_member__active=True)
    units = (
        OrganisationalUnit.objects.filter(process=process)
        .annotate(
            active_count=Count("memberships", filter=active),
            active_fte=Sum(
                "memberships__staff_member__fte",
                filter=active,
                output_field=DecimalField(max_digits=14, decimal_places=4),
            ),
        )
        .order_by("name", "pk")
    )
    return [
        SplitUnitRow(
            pk=unit.pk,
            name=unit.name,
            staff_count=unit.active_count,
            fte=(unit.active_fte or Decimal(0)).quantize(FTE_PLACES),
            weight=unit.weight,
            fixed_amount=unit.fixed_amount,
            amount=unit.amount,
        )
        for unit in units
    ]


def split_school_total(*, process) -> Decimal:
    """The school budget of ``process``: the sum of its budget lines (0 without lines)."""
    return school_budget(process=process).total.quantize(Decimal("0.01"))


def split_get(*, process) -> BudgetSplit | None:
    """The stored split of ``process``, or None before the first one is saved."""
    return BudgetSplit.objects.filter(process=process).first()
