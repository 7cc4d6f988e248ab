from decimal import Decimal

import pytest
from django.utils import translation

from werkdruk.forms import AmountField, LocalDecimalField


@pytest.mark.parametrize(
    "language,typed,expected",
    [
        ("nl", "€ 25.000,00", Decimal("25000.00")),
        ("nl", "25.000", Decimal("25000")),
        ("nl", "12,5", Decimal("12.5")),
        ("nl", "1.234.567,89", Decimal("1234567.89")),
        ("en", "25,000.00", Decimal("25000.00")),
        ("en", "12.5", Decimal("12.5")),
        ("en", "12,5", Decimal("12.5")),
    ],
)
def test_amounts_are_read_as_people_type_them_in_either_language(language, typed, expected):
    with translation.override(language):
        assert AmountField().clean(typed) == expected


def test_numbers_without_grouping_read_a_point_as_decimal_separator():
    with translation.override("nl"):
        assert LocalDecimalField(decimal_places=4).clean("2.500") == Decimal("2.5")
        assert LocalDecimalField(grouping=True).clean("2.500") == Decimal("2500")


def test_amount_field_refuses_negative_and_nonsense():
    from django.core.exceptions import ValidationError

    for typed in ("-5", "twaalf", "1,2,3.4.5"):
        with pytest.raises(ValidationError):
            AmountField().clean(typed)
