"""The cost of measures (plans.costs): pure Decimal arithmetic, to the cent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.costs import (
    NORM_YEAR_HOURS,
    BudgetCheck,
    CostSpec,
    CostType,
    annual_cost,
    budget_per_school_year,
    compare_with_budget,
    cost_per_school_year,
    hourly_cost_from_yearly,
    measure_total,
    rate_for,
    total_cost,
    totals_per_school_year,
)

D = Decimal


# Each cost type, to the cent


def test_fixed_amount_costs_the_amount():
    assert annual_cost(CostSpec(CostType.FIXED, amount=D("2500"))) == D("2500.00")


def test_teaching_assistant_at_0_6_fte_costs_0_6_of_the_yearly_cost():
    spec = CostSpec(CostType.FTE, fte=D("0.6"), rate=D("60000.00"))
    assert annual_cost(spec) == D("36000.00")


def test_fte_cost_is_rounded_half_up_to_the_cent():
    # 0.35 x 61234.57 = 21432.0995 -> 21432.10
    assert annual_cost(CostSpec("fte", fte=D("0.35"), rate=D("61234.57"))) == D("21432.10")


def test_hours_cost_hours_times_hourly_cost():
    assert annual_cost(CostSpec(CostType.HOURS, hours=D("40"), rate=D("51.23"))) == D("2049.20")


def test_no_cost_is_zero_and_ignores_other_fields():
    assert annual_cost(CostSpec(CostType.NONE, amount=D("999"))) == D("0.00")


def test_cost_type_may_be_given_as_its_string_value():
    assert annual_cost(CostSpec("fixed", amount=D("10.5"))) == D("10.50")


def test_hourly_cost_from_yearly_cost_uses_the_1659_hour_norm_year():
    assert NORM_YEAR_HOURS == 1659
    # 60000 / 1659 = 36.1663... -> 36.17
    assert hourly_cost_from_yearly(D("60000")) == D("36.17")
    # 85000 / 1659 = 51.2356... -> 51.24
    assert hourly_cost_from_yearly(D("85000")) == D("51.24")


def test_hourly_cost_rounds_an_exact_half_cent_up():
    # 16.59 / 1659 = 0.01 exactly; 24.885 / 1659 = 0.015 exactly -> 0.02
    assert hourly_cost_from_yearly(D("16.59")) == D("0.01")
    assert hourly_cost_from_yearly(D("24.885")) == D("0.02")


@pytest.mark.parametrize(
    ("fte", "rate", "expected"),
    [
        (D("0.5"), D("0.01"), D("0.01")),  # 0.005 -> 0.01 (half up, not to even)
        (D("0.5"), D("0.03"), D("0.02")),  # 0.015 -> 0.02
        (D("0.5"), D("0.05"), D("0.03")),  # 0.025 -> 0.03 (banker's rounding would give 0.02)
        (D("0.4"), D("0.01"), D("0.00")),  # 0.004 -> 0.00
        (D("0.1"), D("12345.67"), D("1234.57")),  # 1234.567 -> 1234.57
        (D("0.1"), D("12345.65"), D("1234.57")),  # 1234.565 -> 1234.57
        (D("0.1"), D("12345.64"), D("1234.56")),  # 1234.564 -> 1234.56
    ],
)
def test_rounding_boundaries(fte, rate, expected):
    assert annual_cost(CostSpec(CostType.FTE, fte=fte, rate=rate)) == expected


def test_fixed_amount_with_fractions_of_a_cent_is_rounded_half_up():
    assert annual_cost(CostSpec(CostType.FIXED, amount=D("100.005"))) == D("100.01")


# Validation


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (CostSpec(CostType.FIXED, amount=D("-1")), "the amount cannot be negative"),
        (CostSpec(CostType.FTE, fte=D("-0.1"), rate=D("60000")), "the fte cannot be negative"),
        (
            CostSpec(CostType.HOURS, hours=D("-4"), rate=D("50")),
            "the number of hours cannot be negative",
        ),
        (CostSpec(CostType.FTE, fte=D("1"), rate=D("-1")), "the rate cannot be negative"),
        (CostSpec(CostType.FIXED), "the amount is missing"),
        (CostSpec(CostType.FTE, rate=D("60000")), "the fte is missing"),
        (CostSpec(CostType.FTE, fte=D("1")), "the rate is missing"),
        (CostSpec(CostType.HOURS, rate=D("50")), "the number of hours is missing"),
        (CostSpec("salary", amount=D("1")), "unknown cost type 'salary'"),
        (CostSpec(CostType.FIXED, amount=10.5), "must be a Decimal, not a float"),
        (CostSpec(CostType.FIXED, amount=D("NaN")), "must be a finite number"),
    ],
)
def test_invalid_costs_raise_a_clear_value_error(spec, message):
    with pytest.raises(ValueError, match=message):
        annual_cost(spec)


def test_hourly_cost_from_yearly_refuses_negative_and_zero_norm():
    with pytest.raises(ValueError, match="the yearly cost cannot be negative"):
        hourly_cost_from_yearly(D("-1"))
    with pytest.raises(ValueError, match="more than zero hours"):
        hourly_cost_from_yearly(D("1000"), norm_hours=D("0"))


def test_a_measure_needs_at_least_one_distinct_school_year():
    spec = CostSpec(CostType.FIXED, amount=D("100"))
    with pytest.raises(ValueError, match="at least one school year"):
        cost_per_school_year(spec, [], structural=True)
    with pytest.raises(ValueError, match="more than once"):
        cost_per_school_year(spec, [2026, 2026], structural=True)


# Several school years


def test_structural_measure_costs_every_school_year():
    spec = CostSpec(CostType.FTE, fte=D("0.6"), rate=D("60000.00"))
    per_year = cost_per_school_year(spec, [2026, 2027, 2028], structural=True)
    assert per_year == {2026: D("36000.00"), 2027: D("36000.00"), 2028: D("36000.00")}
    assert total_cost(per_year) == D("108000.00")
    assert measure_total(spec, [2026, 2027, 2028], structural=True) == D("108000.00")


def test_one_off_measure_costs_only_in_its_first_school_year():
    spec = CostSpec(CostType.FIXED, amount=D("4999.99"))
    per_year = cost_per_school_year(spec, [2028, 2026, 2027], structural=False)
    assert list(per_year) == [2026, 2027, 2028]
    assert per_year == {2026: D("4999.99"), 2027: D("0.00"), 2028: D("0.00")}
    assert measure_total(spec, [2026, 2027, 2028], structural=False) == D("4999.99")


def test_structural_fte_measure_uses_each_school_years_function_cost():
    rates = {2026: D("60000.00"), 2027: D("61800.00")}
    spec = CostSpec(CostType.FTE, fte=D("0.6"), rate=rates)
    per_year = cost_per_school_year(spec, [2026, 2027, 2028], structural=True)
    # 2028 has no value yet: the latest earlier year's (2027) carries forward.
    assert per_year == {2026: D("36000.00"), 2027: D("37080.00"), 2028: D("37080.00")}
    assert total_cost(per_year) == D("110160.00")


def test_rate_per_year_before_any_known_year_is_an_error():
    with pytest.raises(ValueError, match="no rate for school year 2025 or before"):
        rate_for({2026: D("1")}, 2025)
    spec = CostSpec(CostType.HOURS, hours=D("10"), rate={2026: D("50")})
    with pytest.raises(ValueError, match="give the school year"):
        annual_cost(spec)


def test_multi_year_total_rounds_per_year_not_on_the_total():
    # 0.5 x 0.05 = 0.025 per year -> 0.03 per year; three years 0.09 (not round(0.075) = 0.08)
    spec = CostSpec(CostType.FTE, fte=D("0.5"), rate=D("0.05"))
    assert measure_total(spec, [2026, 2027, 2028], structural=True) == D("0.09")


# Totals against a budget


def test_totals_of_measures_per_school_year():
    assistant = cost_per_school_year(
        CostSpec(CostType.FTE, fte=D("0.6"), rate=D("60000")), [2026, 2027], structural=True
    )
    training = cost_per_school_year(
        CostSpec(CostType.FIXED, amount=D("3500")), [2026], structural=False
    )
    fewer_meetings = cost_per_school_year(CostSpec(CostType.NONE), [2026], structural=True)
    totals = totals_per_school_year([assistant, training, fewer_meetings])
    assert totals == {2026: D("39500.00"), 2027: D("36000.00")}
    assert totals_per_school_year([]) == {}


def test_within_budget_shows_what_remains():
    check = compare_with_budget(D("39500.00"), D("45000.00"))
    assert check == BudgetCheck(total=D("39500.00"), budget=D("45000.00"))
    assert check.remaining == D("5500.00")
    assert check.overrun == D("0.00")
    assert check.within_budget


def test_over_budget_shows_the_overrun():
    check = compare_with_budget(D("45000.01"), D("45000.00"))
    assert check.remaining == D("0.00")
    assert check.overrun == D("0.01")
    assert not check.within_budget


def test_exactly_the_budget_is_within_it():
    check = compare_with_budget(D("45000.00"), D("45000"))
    assert check.within_budget
    assert check.remaining == check.overrun == D("0.00")


def test_negative_budget_or_total_is_refused():
    with pytest.raises(ValueError, match="the budget cannot be negative"):
        compare_with_budget(D("1"), D("-1"))
    with pytest.raises(ValueError, match="the total cannot be negative"):
        compare_with_budget(D("-1"), D("1"))


def test_budget_per_school_year_covers_years_with_costs_or_budget():
    assistant = cost_per_school_year(
        CostSpec(CostType.FTE, fte=D("0.6"), rate=D("60000")), [2026, 2027], structural=True
    )
    checks = budget_per_school_year([assistant], {2025: D("1000"), 2026: D("40000")})
    assert list(checks) == [2025, 2026, 2027]
    assert checks[2025].remaining == D("1000.00")
    assert checks[2026].remaining == D("4000.00")
    # No budget known for 2027: the whole cost is an overrun.
    assert checks[2027].budget == D("0.00")
    assert checks[2027].overrun == D("36000.00")


# Properties

amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)
quantities = st.decimals(min_value=0, max_value=50, places=4)
years = st.lists(st.integers(min_value=2020, max_value=2040), min_size=1, max_size=6, unique=True)
specs = st.one_of(
    st.builds(CostSpec, st.just(CostType.FIXED), amount=amounts),
    st.builds(CostSpec, st.just(CostType.FTE), fte=quantities, rate=amounts),
    st.builds(CostSpec, st.just(CostType.HOURS), hours=quantities, rate=amounts),
    st.builds(CostSpec, st.just(CostType.NONE)),
)


@given(spec=specs, school_years=years, structural=st.booleans())
def test_total_equals_the_sum_of_the_per_year_amounts(spec, school_years, structural):
    per_year = cost_per_school_year(spec, school_years, structural=structural)
    assert sorted(per_year) == sorted(school_years)
    assert all(amount == amount.quantize(D("0.01")) for amount in per_year.values())
    total = measure_total(spec, school_years, structural=structural)
    assert total == sum(per_year.values())
    yearly = annual_cost(spec)
    assert total == yearly * (len(school_years) if structural else 1)


@given(
    measures=st.lists(
        st.tuples(specs, years, st.booleans()),
        max_size=8,
    ),
    budget=amounts,
)
def test_measures_totals_add_up_and_remaining_or_overrun(measures, budget):
    per_measure = [cost_per_school_year(s, y, structural=b) for s, y, b in measures]
    totals = totals_per_school_year(per_measure)
    assert sum(totals.values(), D(0)) == sum(total_cost(m) for m in per_measure)
    for total in totals.values():
        check = compare_with_budget(total, budget)
        assert check.budget - check.total == check.remaining - check.overrun
        assert min(check.remaining, check.overrun) == 0
