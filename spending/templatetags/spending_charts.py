"""``{% load spending_charts %}``: spending against plan, per measure, for the templates."""

from django import template
from django.utils.translation import gettext as _

from .. import charts

register = template.Library()


@register.simple_tag
def measures_spending_chart(measures):
    """``{% measures_spending_chart overview.measures as chart %}`` (None without measures)."""
    rows = [(f"{m.number}. {m.title}", m.planned, m.actual) for m in measures]
    return (
        charts.spending_chart(rows, _("Planned and actual spending per measure")) if rows else None
    )
