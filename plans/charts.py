"""Step 8's chart: each unit plan's cost against the unit's budget (werkdruk.charts draws it;
the amounts stay in the cards and tables next to it). The merge page (step 9) uses it too."""

from decimal import Decimal

from django.utils.translation import gettext as _

from werkdruk.charts import HATCHED, LIGHT, Row, Series, bar_chart
from werkdruk.money import format_euro


def cost_row(label, budget, cost) -> Row:
    """``budget`` None: set after the school plan. An overrun is written out on the row."""
    cost = Decimal(cost)
    budget = None if budget is None else Decimal(budget)
    over = budget is not None and cost > budget
    return Row(
        label,
        [budget, cost],
        [_("later") if budget is None else format_euro(budget), format_euro(cost)],
        note=_("%(amount)s over") % {"amount": format_euro(cost - budget)} if over else "",
    )


def cost_chart(rows, title=None):
    """``rows`` are (label, budget, cost): the unit budget (light) above the plan's cost
    (hatched, as planned amounts are everywhere)."""
    series = [Series(_("Unit budget"), LIGHT), Series(_("Cost of the plan"), HATCHED)]
    return bar_chart(
        title or _("Cost of the plans against the unit budgets"),
        [cost_row(*row) for row in rows],
        series,
    )
