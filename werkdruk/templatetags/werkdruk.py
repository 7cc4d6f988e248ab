from decimal import Decimal

from django import template

from werkdruk.money import format_euro

register = template.Library()


@register.filter
def euro(amount):
    """``{{ amount|euro }}``: ``€ 12.345,67`` in Dutch; empty for None."""
    if amount is None or amount == "":
        return ""
    return format_euro(Decimal(str(amount)))
