"""Spending against plan as a chart (werkdruk.charts): per measure on the spending page, per
category in the annual report and, with the budget, per school for the board. Planned amounts
are hatched, actual spending solid, budgets light, everywhere."""

from decimal import Decimal

from django.utils.translation import gettext as _

from werkdruk.charts import HATCHED, LIGHT, SOLID, Row, Series, bar_chart
from werkdruk.money import format_euro


def _row(label, *amounts) -> Row:
    values = [Decimal(value) for value in amounts]
    planned, actual = values[-2:]
    over = actual - planned if actual > planned else None
    return Row(
        label,
        values,
        [format_euro(value) for value in values],
        note=_("%(amount)s over") % {"amount": format_euro(over)} if over else "",
    )


def spending_chart(rows, title):
    """``rows`` are (label, planned, actual)."""
    series = [Series(_("Planned"), HATCHED), Series(_("Actual"), SOLID)]
    return bar_chart(title, [_row(*row) for row in rows], series)


def budget_spending_chart(rows, title):
    """``rows`` are (label, budget, planned, actual)."""
    series = [Series(_("Budget"), LIGHT), Series(_("Planned"), HATCHED), Series(_("Actual"), SOLID)]
    return bar_chart(title, [_row(*row) for row in rows], series)
