"""Form fields shared by the apps: numbers and amounts as people type them.

One parser for every page and import (``werkdruk.numbers``), so that what a page shows
(``€ 12.345,67``) can be typed back and the same text is the same number everywhere.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .numbers import NumberError, number_limit, parse_number


class LocalDecimalField(forms.DecimalField):
    """A decimal typed the Dutch or the English way (``werkdruk.numbers.parse_number``); shown
    in the active language's format. ``25.000`` is twenty-five thousand; ``1,500`` is refused
    as ambiguous unless the field's range leaves one reading."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        limit = number_limit(
            max_value=self.max_value,
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
        )
        try:
            return parse_number(str(value).strip(), max_value=limit)
        except NumberError as error:
            if error.code == "ambiguous":
                raise ValidationError(error.message, code="ambiguous") from None
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class AmountField(LocalDecimalField):
    """Euros with cents; ``12.345,67`` in Dutch and ``12,345.67`` in English both work."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)
