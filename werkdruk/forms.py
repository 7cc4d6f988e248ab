"""Form fields shared by the apps: numbers and amounts as people type them.

One parser for every page, so that what a page shows (``€ 12.345,67``) can be typed back.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def normalise_number(text: str, *, grouping: bool) -> str:
    """A number as people type it, in a form ``Decimal`` reads.

    ``€ 12.345,67``, ``12345,67`` and ``12,345.67`` all become ``12345.67``: with both a comma
    and a point the last one is the decimal separator. With one kind only it is the decimal
    separator, unless ``grouping`` and it is the active language's thousands separator
    between groups of three digits (``12.345`` in Dutch is twelve thousand).
    """
    text = _SPACES.sub("", text.replace("€", ""))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        other = "." if decimal == "," else ","
        return text.replace(other, "").replace(decimal, ".")
    for separator in (",", "."):
        if separator not in text:
            continue
        thousands = get_format("THOUSAND_SEPARATOR")
        groups = re.fullmatch(rf"-?\d{{1,3}}(\{separator}\d{{3}})+", text)
        if grouping and separator == thousands and groups:
            return text.replace(separator, "")
        return text.replace(separator, ".")
    return text


class LocalDecimalField(forms.DecimalField):
    """A decimal typed the Dutch or the English way; shown in the active language's format.

    With ``grouping`` (amounts), the thousands separator between groups of three digits is
    read as such: ``25.000`` in Dutch is twenty-five thousand.
    """

    grouping = False

    def __init__(self, *, grouping=None, **kwargs):
        if grouping is not None:
            self.grouping = grouping
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return Decimal(normalise_number(str(value).strip(), grouping=self.grouping))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class AmountField(LocalDecimalField):
    """Euros with cents; ``12.345,67`` in Dutch and ``12,345.67`` in English both work."""

    grouping = True

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)
