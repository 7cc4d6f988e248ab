from decimal import Decimal

from django import template

from werkdruk.money import format_euro
from werkdruk.numbers import format_number

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
