"""``{% load voting_charts %}``: the vote's turnout and result charts for the templates."""

from django import template

from .. import charts

register = template.Library()


@register.simple_tag
def turnout_chart(turnout):
    """``{% turnout_chart turnout as chart %}`` for a selectors.Turnout."""
    return charts.turnout_chart(turnout)


@register.simple_tag
def result_chart(vote):
    """``{% result_chart vote as chart %}`` for a counted vote."""
    return charts.result_chart(yes=vote.yes_count, no=vote.no_count, abstain=vote.abstain_count)
