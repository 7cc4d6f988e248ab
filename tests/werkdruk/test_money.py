from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkdruk.money import percentage_of, split_by_weights, to_cents

amounts = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
weights = st.lists(
    st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
).filter(lambda ws: sum(ws) > 0)


@given(total=amounts, ws=weights)
def test_split_adds_up_to_the_cent_and_is_never_negative(total, ws):
    parts = split_by_weights(total, dict(enumerate(ws)))
    assert sum(parts.values()) == total
    assert all(part >= 0 for part in parts.values())
    assert all(part == part.quantize(Decimal("0.01")) for part in parts.values())


@given(total=amounts, ws=weights)
def test_split_is_the_same_when_run_twice(total, ws):
    assert split_by_weights(total, dict(enumerate(ws))) == split_by_weights(
        total, dict(enumerate(ws))
    )


@given(total=amounts, ws=weights)
def test_each_part_is_within_one_cent_of_its_exact_share(total, ws):
    parts = split_by_weights(total, dict(enumerate(ws)))
    weight_sum = sum(Fraction(w) for w in ws)
    for index, weight in enumerate(ws):
        exact = Fraction(to_cents(total)) * Fraction(weight) / weight_sum
        assert abs(Fraction(to_cents(parts[index])) - exact) < 1


@given(total=amounts, ws=weights)
def test_zero_weight_gets_nothing(total, ws):
    parts = split_by_weights(total, {"zero": 0, **{i: w for i, w in enumerate(ws)}})
    assert parts["zero"] == 0


def test_ties_go_to_the_larger_weight_then_the_first_given():
    assert split_by_weights(Decimal("0.01"), {"a": 1, "b": 1, "c": 1}) == {
        "a": Decimal("0.01"),
        "b": Decimal("0.00"),
        "c": Decimal("0.00"),
    }
    assert split_by_weights(Decimal("0.02"), {"a": 1, "b": 2, "c": 2}) == {
        "a": Decimal("0.00"),
        "b": Decimal("0.01"),
        "c": Decimal("0.01"),
    }
    assert split_by_weights(Decimal("100.00"), {"x": 1, "y": 1, "z": 1}) == {
        "x": Decimal("33.34"),
        "y": Decimal("33.33"),
        "z": Decimal("33.33"),
    }


@pytest.mark.parametrize(
    "total,ws",
    [
        (Decimal("-1.00"), {"a": 1}),
        (Decimal("10.00"), {}),
        (Decimal("10.00"), {"a": 0, "b": 0}),
        (Decimal("10.00"), {"a": -1, "b": 2}),
        (Decimal("10.001"), {"a": 1}),
    ],
)
def test_split_refuses_bad_input(total, ws):
    with pytest.raises(ValueError):
        split_by_weights(total, ws)


def test_percentage_rounds_half_up_to_the_cent():
    assert percentage_of(Decimal("1000.00"), Decimal("10")) == Decimal("100.00")
    assert percentage_of(Decimal("0.05"), Decimal("10")) == Decimal("0.01")
    assert percentage_of(Decimal("123456.78"), Decimal("12.5")) == Decimal("15432.10")


def test_euro_format_follows_the_language():
    from django.utils import translation

    from werkdruk.money import format_euro

    with translation.override("nl"):
        assert format_euro(Decimal("12345.67")) == "€\u00a012.345,67"
    with translation.override("en"):
        assert format_euro(Decimal("12345.67")) == "€\u00a012,345.67"


@given(ws=weights)
def test_percentages_add_up_to_exactly_100(ws):
    from werkdruk.money import percentages

    assert sum(percentages(dict(enumerate(ws))).values()) == Decimal("100.00")


def test_percentages_of_nothing_are_zero():
    from werkdruk.money import percentages

    assert percentages({"a": 0, "b": 0}) == {"a": Decimal("0.00"), "b": Decimal("0.00")}
