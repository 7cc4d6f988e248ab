"""``{% load units_charts %}``: the charts of step 0 and step 2 for the templates."""

from django import template

from .. import charts

register = template.Library()


@register.simple_tag
def allocation_chart(table):
    """``{% allocation_chart table as chart %}`` for an AllocationPreview."""
    schools = [(row.school.name, row.amount) for row in table.rows]
    return charts.allocation_chart(schools, table.board_office_amount)


@register.simple_tag
def split_chart(split):
    """``{% split_chart split as chart %}`` for a SplitPreview (a preview or the saved split)."""
    return charts.split_chart(
        [(unit.name, unit.amount) for unit in split.units], split.reserve_amount
    )


@register.simple_tag
def agreement_split_chart(section):
    """``{% agreement_split_chart section as chart %}`` for the agreement's budget section
    (frozen JSON: amounts as strings)."""
    reserve = (section.get("reserve") or {}).get("amount")
    return charts.split_chart(
        [(unit["name"], unit["amount"]) for unit in section["units"]], reserve
    )
