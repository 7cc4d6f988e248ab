"""``{% load reporting_charts %}``: the board dashboard's and the annual report's charts."""

from django import template

from units.charts import allocation_chart

from .. import charts

register = template.Library()


@register.simple_tag
def money_chart(money):
    """``{% money_chart money as chart %}`` on the board dashboard."""
    return charts.money_chart(money)


@register.simple_tag
def board_allocation_chart(allocation, rows):
    """``{% board_allocation_chart allocation rows as chart %}`` on the board report page:
    the fixed distribution over the schools (``board_report_summary``)."""
    schools = [(row["money"].school.name, row["share"].amount) for row in rows if row["share"]]
    return allocation_chart(schools, allocation.board_office_amount)


@register.simple_tag
def board_report_allocation_chart(board):
    """``{% board_report_allocation_chart board as chart %}``: the board report's funds per
    school (or None)."""
    return charts.board_allocation_chart(board)


@register.simple_tag
def board_chart(board):
    """``{% board_chart board as chart %}``: section a of the board report (or None)."""
    return charts.board_chart(board)


@register.simple_tag
def report_chart(report, section):
    """``{% report_chart report "a" as chart %}``: a school report's chart of a section a-c
    (or None)."""
    return charts.school_chart(report, section)
