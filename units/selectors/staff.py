"""Reads of the units app."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from ..models import StaffCategory, StaffMember


def staff_member_list(*, school) -> QuerySet[StaffMember]:
    """All staff of ``school``, active and inactive, active first, by name."""
    return StaffMember.objects.filter(school=school).order_by("-active", "name", "email")


@dataclass(frozen=True)
class StaffCategoryTotal:
    category: str
    label: str
    count: int
    fte: Decimal


@dataclass(frozen=True)
class StaffSummary:
    categories: list[StaffCategoryTotal]
    count: int
    fte: Decimal
    inactive: int


def staff_member_summary(*, school) -> StaffSummary:
    """Active staff of ``school`` per category (count and fte) and in total; one query."""
    rows = {
        row["category"]: row
        for row in StaffMember.objects.filter(school=school)
        .values("category")
        .annotate(
            count=Count("pk", filter=Q(active=True)),
            fte=Sum("fte", filter=Q(active=True)),
            inactive=Count("pk", filter=Q(active=False)),
        )
        .order_by()
    }
    categories = [
        StaffCategoryTotal(
            category=category.value,
            label=str(category.label),
            count=rows.get(category.value, {}).get("count", 0),
            fte=rows.get(category.value, {}).get("fte") or Decimal(0),
        )
        for category in StaffCategory
    ]
    return StaffSummary(
        categories=categories,
        count=sum(total.count for total in categories),
        fte=sum((total.fte for total in categories), Decimal(0)),
        inactive=sum(row["inactive"] for row in rows.values()),
    )
