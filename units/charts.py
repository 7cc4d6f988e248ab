"""The charts of step 0 and step 2: the board's funds over its schools, the school budget over
its units (werkdruk.charts draws them; the tables next to them keep the figures)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from werkdruk.charts import LIGHT, Row, Series, bar_chart
from werkdruk.money import format_euro


def _amount_row(label, amount, style=None) -> Row:
    if amount is None:
        return Row(label, [None], [_("after the school plan")], style=style)
    return Row(label, [Decimal(amount)], [format_euro(Decimal(amount))], style=style)


def allocation_chart(schools, board_office):
    """Each school's amount and, set apart, the board office's; ``schools`` are (name,
    amount) pairs."""
    rows = [_amount_row(name, amount) for name, amount in schools]
    if board_office:
        rows.append(_amount_row(_("Reserved for the board office"), board_office, LIGHT))
    return bar_chart(_("The board's funds per school"), rows, [Series(_("Amount"))])


def split_chart(units, reserve):
    """Each unit's amount (None: set after the school plan) and the central reserve set apart;
    ``units`` are (name, amount) pairs."""
    rows = [_amount_row(name, amount) for name, amount in units]
    if reserve is not None and Decimal(reserve) > 0:
        rows.append(_amount_row(_("Central reserve"), reserve, LIGHT))
    return bar_chart(_("The school budget over the units"), rows, [Series(_("Amount"))])
