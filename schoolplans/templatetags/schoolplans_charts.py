"""``{% load schoolplans_charts %}``: the merged plan's cost per unit against its budget."""

from django import template

from plans.charts import cost_chart

register = template.Library()


@register.simple_tag
def merged_cost_chart(plan):
    """``{% merged_cost_chart plan as chart %}`` for ``selectors.content.plan_display``."""
    return cost_chart([(unit["name"], unit["budget"], unit["total"]) for unit in plan["units"]])
