"""Issue 15, item 5: one parser for typed numbers, the same rule in every form and import.

"1,500" used to be 1500 in the spending import but 1,5 in the amount form and the staff
import. ``werkdruk.numbers.parse_number`` now reads every typed number: a lone comma before
exactly three digits is refused as ambiguous unless the field's range settles it, a lone dot
before exactly three digits is the Dutch thousands separator.
"""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given, settings
from hypothesis import strategies as st

from werkdruk.money import format_euro
from werkdruk.numbers import NumberError, format_number, parse_number

D = Decimal


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", "12"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("0,6556", "0.6556"),
        ("0,800", "0.8"),  # after a zero a separator is the decimal one
        (",5", "0.5"),
        ("1.500", "1500"),  # a dot before three digits groups thousands, as Dutch writes
        ("25.000", "25000"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),  # more than one comma can only group
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("€ 12.345,67", "12345.67"),
        ("€\u00a012.345,67", "12345.67"),
        (" 1 500 ", "1500"),
        ("-1.500,25", "-1500.25"),
        ("\u22121,5", "-1.5"),
        ("1234,567", "1234.567"),  # four digits before: no thousands separator there
        ("1,2345", "1.2345"),
    ],
)
def test_item5_typed_numbers_are_read_by_one_rule(typed, expected):
    for language in ("nl", "en"):  # the same text is the same number whatever the language
        with translation.override(language):
            assert parse_number(typed) == D(expected)


@pytest.mark.parametrize(
    "typed",
    ["", "twaalf", "1,2,3", "1.23,4", "1,234,56", "1.2.3", "12,", "1e3", "NaN", "Infinity", "--1"],
)
def test_item5_what_is_no_number_is_refused(typed):
    with pytest.raises(NumberError) as error:
        parse_number(typed)
    assert error.value.code == "invalid"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,500", "“1,500” kan 1500 of 1,5 betekenen. Typ 1500 of 1,5."),
        ("12,345", "“12,345” kan 12345 of 12,3450 betekenen. Typ 12345 of 12,3450."),
        ("€ 2,000", "“€ 2,000” kan 2000 of 2 betekenen. Typ 2000 of 2."),
    ],
)
def test_item5_a_comma_before_three_digits_is_refused_as_ambiguous(typed, message):
    with translation.override("nl"), pytest.raises(NumberError) as error:
        parse_number(typed)
    assert (error.value.code, error.value.message) == ("ambiguous", message)


def test_item5_the_ambiguity_message_suggests_text_that_reads_one_way():
    with translation.override("en"), pytest.raises(NumberError) as error:
        parse_number("1,125")
    assert error.value.message == "“1,125” can mean 1125 or 1.1250. Type 1125 or 1.1250."
    assert parse_number("1125") == D("1125") and parse_number("1.1250") == D("1.125")


def test_item5_a_fields_range_settles_a_lone_separator():
    fte = D("1.2")
    assert parse_number("1,000", max_value=fte) == D("1")
    assert parse_number("1.000", max_value=fte) == D("1")
    assert parse_number("1,500", max_value=D("99")) == D("1.5")
    # Both readings possible: a dot groups thousands, a comma is still refused.
    assert parse_number("1.500", max_value=D("10000")) == D("1500")
    with pytest.raises(NumberError):
        parse_number("1,500", max_value=D("10000"))
    # Neither reading fits: the Dutch one stands, so the field says it is out of range.
    assert parse_number("2.500", max_value=fte) == D("2500")


def test_item5_numbers_from_workbook_cells_stay_numbers():
    assert parse_number(1500) == D("1500")
    assert parse_number(0.8) == D("0.8")
    assert parse_number(D("12.50")) == D("12.50")
    for value in (True, float("nan"), float("inf")):
        with pytest.raises(NumberError):
            parse_number(value)


amounts = st.decimals(min_value=0, max_value=D("9999999999.99"), places=2)


@settings(deadline=None)  # a busy machine is no failure
@given(amounts)
def test_item5_every_amount_the_pages_show_reads_back(amount):
    for language in ("nl", "en"):
        with translation.override(language):
            shown = format_euro(amount)
            assert parse_number(shown) == amount
            assert parse_number(number_format(amount, 2, force_grouping=True)) == amount


@settings(deadline=None)  # a busy machine is no failure
@given(st.decimals(min_value=D("-999999"), max_value=D("999999"), places=4))
def test_item5_a_dutch_number_reads_back_or_is_refused_never_misread(value):
    with translation.override("nl"):
        shown = format_number(value)
        try:
            assert parse_number(shown) == value
        except NumberError as error:
            assert error.code == "ambiguous"


@settings(deadline=None)  # a busy machine is no failure
@given(st.text(alphabet="0123456789.,-€ \u00a0e", max_size=14))
def test_item5_any_text_is_a_number_or_a_clear_refusal(text):
    try:
        number = parse_number(text)
    except NumberError as error:
        assert error.message
    else:
        assert number.is_finite()
