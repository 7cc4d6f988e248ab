from decimal import Decimal

import pytest
from django.utils import translation

from werkdruk.numbers import format_number
from werkdruk.templatetags.werkdruk import number


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        (Decimal("0.6000"), "0,6", "0.6"),
        (Decimal("10.00"), "10", "10"),
        (Decimal("2.50"), "2,5", "2.5"),
        (Decimal("0.0000"), "0", "0"),
        (Decimal("12.345"), "12,345", "12.345"),
    ],
)
def test_numbers_lose_trailing_zeros_in_the_active_language(value, dutch, english):
    with translation.override("nl"):
        assert format_number(value) == dutch
        assert number(value) == dutch
    with translation.override("en"):
        assert format_number(value) == english


def test_the_filter_leaves_a_missing_value_empty():
    assert number(None) == "" and number("") == ""
