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
        ("en", "25.000", Decimal("25000")),  # one rule in every language
    ],
)
def test_amounts_are_read_as_people_type_them_in_either_language(language, typed, expected):
    with translation.override(language):
        assert AmountField().clean(typed) == expected


def test_a_fields_digits_settle_a_lone_separator_before_three_digits():
    with translation.override("nl"):
        # At most 99,9999: "2.500" can only be two and a half.
        assert LocalDecimalField(max_digits=6, decimal_places=4).clean("2.500") == Decimal("2.5")
        assert LocalDecimalField(max_digits=12, decimal_places=2).clean("2.500") == Decimal("2500")


def test_amount_field_refuses_negative_and_nonsense():
    from django.core.exceptions import ValidationError

    for typed in ("-5", "twaalf", "1,2,3.4.5"):
        with pytest.raises(ValidationError):
            AmountField().clean(typed)


def test_item5_an_amount_with_a_comma_before_three_digits_is_refused_in_every_language():
    """It was 1500 in English and 1,5 in Dutch; now the form asks which is meant."""
    from django.core.exceptions import ValidationError

    for language, message in (
        ("nl", "“1,500” kan 1500 of 1,5 betekenen. Typ 1500 of 1,5."),
        ("en", "“1,500” can mean 1500 or 1.5. Type 1500 or 1.5."),
    ):
        with translation.override(language), pytest.raises(ValidationError) as error:
            AmountField().clean("1,500")
        assert error.value.messages == [message]
        assert error.value.code == "ambiguous"
