"""Form fields shared by the apps: numbers, amounts, dates and times as people type them.

One parser for every page and import (``werkdruk.numbers``), so that what a page shows
(``€ 12.345,67``) can be typed back and the same text is the same number everywhere.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

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


# --- dates and times ---------------------------------------------------------------------------
# A browser's own date and time inputs follow the browser's language: an English browser shows
# 02/07/2027 for 7 February and 02:30 PM. These fields are text inputs read the Dutch way
# (day first, 24-hour clock) in every language, with the expected form as a hint.

DATE_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y", "%d/%m/%y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]
DATE_SHOWN, TIME_SHOWN = "%d-%m-%Y", "%H:%M"

# Month names and abbreviations, Dutch and English, by their first three letters.
_MONTHS = {
    "jan": 1, "feb": 2, "maa": 3, "mrt": 3, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WRITTEN_DATE = re.compile(r"(\d{1,2})[\s-]+([^\W\d_]{3,})\.?[\s-]+(\d{4})")


def _numeric_date(text: str) -> str:
    """``7 februari 2027`` (or ``7 feb. 2027``, ``7 February 2027``) as ``7-2-2027``."""

    def numeric(match):
        month = _MONTHS.get(match[2][:3].lower())
        return f"{match[1]}-{month}-{match[3]}" if month else match[0]

    return _WRITTEN_DATE.sub(numeric, " ".join(text.split()))


class _DutchTemporalField:
    """Reads the day first whatever the language; a text input showing the Dutch form."""

    formats: list[str] = []
    shown = ""
    hint = ""
    invalid = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", self.formats)
        kwargs.setdefault("widget", self.widget_class(format=self.shown))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = self.invalid
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("spellcheck", "false")
        self.widget.attrs.setdefault("placeholder", self.hint)
        self.widget.attrs.setdefault("class", "form-control")
        # The expected form stays visible next to any help the field already has.
        help_text = self.help_text
        self.help_text = format_lazy("{}. {}", self.hint, help_text) if help_text else self.hint

    def strptime(self, value, format):
        return super().strptime(_numeric_date(value), format)


class DutchDateField(_DutchTemporalField, forms.DateField):
    """A date typed as ``31-01-2027`` (or ``31/1/2027``, ``31 januari 2027``)."""

    widget_class = forms.DateInput
    shown = DATE_SHOWN
    hint = gettext_lazy("dd-mm-yyyy")
    invalid = gettext_lazy("Type the date as dd-mm-yyyy, for example 31-01-2027.")
    formats = DATE_FORMATS


class DutchTimeField(_DutchTemporalField, forms.TimeField):
    """A time on the 24-hour clock: ``14:30`` (or ``14.30``)."""

    widget_class = forms.TimeInput
    shown = TIME_SHOWN
    hint = gettext_lazy("hh:mm")
    invalid = gettext_lazy("Type the time as hh:mm, for example 14:30.")
    formats = TIME_FORMATS


class DutchDateTimeField(_DutchTemporalField, forms.DateTimeField):
    """A date and time typed as ``31-01-2027 14:30``, in the current time zone."""

    widget_class = forms.DateTimeInput
    shown = f"{DATE_SHOWN} {TIME_SHOWN}"
    hint = gettext_lazy("dd-mm-yyyy hh:mm")
    invalid = gettext_lazy(
        "Type the date and time as dd-mm-yyyy hh:mm, for example 31-01-2027 14:30."
    )
    formats = [f"{date} {time}" for date in DATE_FORMATS for time in TIME_FORMATS]
