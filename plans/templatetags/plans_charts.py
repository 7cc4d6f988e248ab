"""``{% load plans_charts %}``: step 8's cost-against-budget charts for the templates."""

from django import template
from django.utils.translation import gettext as _

from .. import charts

register = template.Library()


@register.simple_tag
def plan_cost_chart(unit, budget):
    """``{% plan_cost_chart unit page.budget as chart %}``: one unit's plan (a Budget)."""
    return charts.cost_chart(
        [(unit.name, budget.budget, budget.total)], _("Cost of the plan against the unit budget")
    )


@register.simple_tag
def plans_cost_chart(rows):
    """``{% plans_cost_chart overview.rows as chart %}``: the plans whose figures the viewer
    may see (None when there are none)."""
    shown = [
        (row.unit.name, row.budget.budget, row.budget.total) for row in rows if row.show_figures
    ]
    return charts.cost_chart(shown) if shown else None
