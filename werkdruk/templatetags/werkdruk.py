from decimal import Decimal

from django import template
from django.utils.html import format_html

from werkdruk.money import format_euro
from werkdruk.numbers import format_number
from werkdruk.submissions import TOKEN_FIELD, submission_token_new

register = template.Library()


@register.filter
def euro(amount):
    """``{{ amount|euro }}``: ``€ 12.345,67`` in Dutch; empty for None."""
    if amount is None or amount == "":
        return ""
    return format_euro(Decimal(str(amount)))


@register.filter
def number(value):
    """``{{ fte|number }}``: ``0,6`` for 0.6000 in Dutch, no trailing zeros; empty for None."""
    if value is None or value == "":
        return ""
    return format_number(value)


@register.simple_tag
def submission_token():
    """``{% submission_token %}`` in a form that creates something: a fresh one-time token,
    so that sending the form twice does its work once (``werkdruk.submissions``)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, submission_token_new()
    )
