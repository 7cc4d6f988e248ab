"""Numbers as people write and type them: shown in the active language's format, and read back
by one parser for every form and import.

The rule for typed numbers (the same in every language, so the same text is the same number
on every page and in every file):

- spaces and the euro sign are ignored; a leading minus sign is kept;
- with both a comma and a dot, the last one is the decimal separator and the other groups the
  digits in threes: ``1.234,56`` (Dutch) and ``1,234.56`` (English) are both 1234.56;
- a separator that occurs more than once groups thousands: ``1.234.567``, ``1,234,567``;
- a lone separator followed by one, two or four and more digits is the decimal separator:
  ``12,5``, ``12.5``, ``0,6556``; so is one after a zero: ``0,800``;
- a lone separator followed by exactly three digits (``1.500``, ``1,500``) can be either. When
  the field's range rules one reading out (an fte of 1000), the other one counts. Otherwise a dot
  is the Dutch thousands separator (``25.000`` is twenty-five thousand), and a comma is refused:
  ``1,500`` is one and a half to a Dutch reader and fifteen hundred in an English spreadsheet,
  and guessing wrong costs a factor of a thousand.
"""

import re
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

_IGNORED = re.compile(r"[\s\u00a0\u202f€]")
_SHAPE = re.compile(r"(?P<sign>[-+]?)(?P<body>[\d.,]+)")
_LEAD = r"[1-9]\d{0,2}"  # the first group of a grouped number: one to three digits, no 0 first


def format_number(value) -> str:
    """``0.6000`` as ``0,6`` in Dutch (``0.6`` in English), ``10.00`` as ``10``."""
    value = Decimal(str(value)).normalize()
    if value.as_tuple().exponent > 0:  # 1E+1 after normalize: back to 10
        value = value.quantize(1)
    return number_format(value)


class NumberError(ValueError):
    """Text that is not one number; ``message`` says why, in the active language. ``code`` is
    ``invalid`` (no number at all) or ``ambiguous`` (``1,500``: two numbers)."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def parse_number(value, *, max_value=None) -> Decimal:
    """The number in ``value`` (typed text, or a number from a workbook cell), by the rule
    above; ``max_value`` is the largest value the field takes, which may settle ``1,500``.

    Raises NumberError when it is not a number, or when it could be two numbers.
    """
    if isinstance(value, bool):
        raise NumberError(_not_a_number(value))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _IGNORED.sub("", str(value)).replace("\u2212", "-")  # a typographic minus
        match = _SHAPE.fullmatch(text)
        if match is None:
            raise NumberError(_not_a_number(value))
        digits = _digits(match["body"], max_value=max_value, typed=str(value).strip())
        if digits is None:
            raise NumberError(_not_a_number(value))
        number = Decimal(match["sign"] + digits)
    if not number.is_finite():
        raise NumberError(_not_a_number(value))
    return number


def _digits(body: str, *, max_value, typed: str) -> str | None:
    """``body`` (digits, commas and dots) as ``Decimal`` reads it; None if it is no number."""
    if "," in body and "." in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        other = "." if decimal == "," else ","
        whole, _sep, fraction = body.rpartition(decimal)
        if not re.fullmatch(rf"{_LEAD}(\{other}\d{{3}})+", whole) or not fraction.isdigit():
            return None
        return f"{whole.replace(other, '')}.{fraction}"
    separators = [s for s in ",." if s in body]
    if not separators:
        return body
    separator = separators[0]
    if body.count(separator) > 1:
        grouped = re.fullmatch(rf"{_LEAD}(\{separator}\d{{3}})+", body)
        return body.replace(separator, "") if grouped else None
    whole, _sep, fraction = body.partition(separator)
    if not fraction.isdigit():
        return None
    if len(fraction) != 3 or not re.fullmatch(_LEAD, whole):
        return f"{whole or 0}.{fraction}"
    # 1.500 or 1,500: a thousands separator or a decimal one.
    thousands, decimal = whole + fraction, f"{whole}.{fraction}"
    if max_value is not None:
        possible = [r for r in (thousands, decimal) if Decimal(r) <= max_value]
        if len(possible) == 1:
            return possible[0]
    if separator == ".":
        return thousands
    raise NumberError(
        _("“%(value)s” can mean %(thousands)s or %(decimal)s. Type %(thousands)s or %(decimal)s.")
        % {"value": typed, "thousands": thousands, "decimal": _unambiguous(Decimal(decimal))},
        code="ambiguous",
    )


def _unambiguous(value: Decimal) -> str:
    """``value`` in the active language's format, typed so that it reads one way only:
    ``1,5`` for 1.500, ``1,1250`` for 1.125."""
    text = format_number(value)
    fraction = re.search(r"\D(\d+)$", text)
    return text + "0" if fraction and len(fraction.group(1)) == 3 else text


def _not_a_number(value) -> str:
    return _("“%(value)s” is not a number.") % {"value": str(value).strip()}


def number_limit(*, max_value=None, max_digits=None, decimal_places=None) -> Decimal | None:
    """The largest value a field takes, from its maximum and its digits (None: no limit)."""
    limits = [Decimal(max_value)] if max_value is not None else []
    if max_digits is not None and decimal_places is not None:
        limits.append(Decimal(10) ** (max_digits - decimal_places))
    return min(limits) if limits else None
