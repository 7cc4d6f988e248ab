"""Step 2: the split of the school budget over the units (computation, services, blocker,
agreement section)."""
# ruff: noqa: F811 - the procedure's fixtures are imported from tests.processes.conftest

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processes import agreement, registry
from processes.models import Decision, ProcessStep
from processes.services import step_sign_off
from tests.factories import StaffMemberFactory, UserFactory
from tests.processes.conftest import sign_both, step
from units.models import BudgetLine, BudgetSplit, OrganisationalUnit, StaffMember, UnitMembership
from units.services.split import split_preview, split_save, split_status
from units.splitting import SplitChangedError, SplitError, SplitUnit, split_compute
from units.steps.split import agreement_budget, step2_needs_a_current_split
from werkdruk.money import from_cents, percentage_of, to_cents

D = Decimal
METHODS = ["fte", "headcount", "weights", "fixed", "deferred"]
# The autouse `english` fixture only sets the language: it needs no reset between examples.
FIXTURE_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


# --- the pure computation: properties ---------------------------------------------------------


@st.composite
def split_inputs(draw):
    """Any valid input: 1-12 units, totals up to ten million euros, any reserve."""
    method = draw(st.sampled_from(METHODS))
    total = from_cents(draw(st.integers(0, 10**9)))
    reserve_kind = draw(st.sampled_from(["none", "percentage", "amount"]))
    if reserve_kind == "percentage":
        reserve_value = D(draw(st.integers(0, 10000))) / 100
        reserve = percentage_of(total, reserve_value)
    elif reserve_kind == "amount":
        reserve_value = from_cents(draw(st.integers(0, to_cents(total))))
        reserve = reserve_value
    else:
        reserve_value, reserve = None, D("0.00")
    count = draw(st.integers(1, 12))
    units = []
    for key in range(1, count + 1):
        staff = draw(st.integers(1, 60))
        units.append(
            SplitUnit(
                key=key,
                name=f"Unit {key}",
                staff_count=staff,
                fte=D(draw(st.integers(1, 12000 * staff))) / 10000,
                weight=D(draw(st.integers(0, 99_999_999))) / 10000,
            )
        )
    if method == "weights" and all(unit.weight == 0 for unit in units):
        units[0] = replace(units[0], weight=D(1))
    if method == "fixed":
        cents = to_cents(total - reserve)
        cuts = sorted(draw(st.lists(st.integers(0, cents), min_size=count - 1, max_size=count - 1)))
        bounds = [0, *cuts, cents]
        units = [
            replace(unit, fixed_amount=from_cents(bounds[i + 1] - bounds[i]))
            for i, unit in enumerate(units)
        ]
    return {
        "school_total": total,
        "method": method,
        "reserve_kind": reserve_kind,
        "reserve_value": reserve_value,
        "units": units,
    }


def _basis(method, unit):
    return {"fte": unit.fte, "headcount": unit.staff_count, "weights": unit.weight}[method]


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURE_OK)
@given(split_inputs())
def test_every_split_adds_up_to_the_total_exactly_and_is_never_negative(inputs):
    preview = split_compute(**inputs)
    assert preview.reserve_amount >= 0
    assert preview.units_total >= 0
    assert preview.units_total + preview.reserve_amount == inputs["school_total"]
    if inputs["method"] == "deferred":
        assert all(unit.amount is None and unit.share is None for unit in preview.units)
        return
    amounts = [unit.amount for unit in preview.units]
    assert all(amount >= 0 for amount in amounts)
    assert all(amount == amount.quantize(D("0.01")) for amount in amounts)
    assert sum(amounts) + preview.reserve_amount == inputs["school_total"]
    if preview.units_total > 0:
        assert sum(unit.share for unit in preview.units) == D("100.00")


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(split_inputs())
def test_every_split_is_the_same_when_run_twice(inputs):
    first, second = split_compute(**inputs), split_compute(**inputs)
    assert first == second
    assert first.fingerprint == second.fingerprint


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(split_inputs().filter(lambda inputs: inputs["method"] in ("fte", "headcount", "weights")))
def test_proportional_splits_are_within_a_cent_of_the_exact_share(inputs):
    preview = split_compute(**inputs)
    units = inputs["units"]
    weight_sum = sum(Fraction(_basis(inputs["method"], unit)) for unit in units)
    for unit, share in zip(units, preview.units, strict=True):
        exact = (
            Fraction(preview.units_total) * Fraction(_basis(inputs["method"], unit)) / weight_sum
        )
        assert abs(Fraction(share.amount) - exact) < Fraction(1, 100)


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURE_OK)
@given(split_inputs(), st.data())
def test_the_fingerprint_changes_with_the_total(inputs, data):
    extra = from_cents(data.draw(st.integers(1, 10**6)))
    if inputs["method"] == "fixed":
        return  # the fixed amounts would no longer add up
    other = {**inputs, "school_total": inputs["school_total"] + extra}
    assert split_compute(**inputs).fingerprint != split_compute(**other).fingerprint


# --- the pure computation: worked examples ----------------------------------------------------


def _units(*specs):
    """SplitUnits from (name, staff_count, fte[, weight[, fixed]]) tuples, keys 1, 2, ..."""
    units = []
    for key, spec in enumerate(specs, start=1):
        name, staff, fte, *rest = spec
        units.append(
            SplitUnit(
                key=key,
                name=name,
                staff_count=staff,
                fte=D(fte),
                weight=D(rest[0]) if len(rest) > 0 and rest[0] is not None else None,
                fixed_amount=D(rest[1]) if len(rest) > 1 and rest[1] is not None else None,
            )
        )
    return units


def _amounts(preview):
    return {unit.name: unit.amount for unit in preview.units}


def test_fte_split_after_a_ten_percent_reserve():
    preview = split_compute(
        school_total=D("100000.00"),
        method="fte",
        reserve_kind="percentage",
        reserve_value=D("10"),
        units=_units(("OP", 3, "2.4"), ("OOP", 2, "1.5"), ("MT", 2, "1.1")),
    )
    assert preview.reserve_amount == D("10000.00")
    assert preview.units_total == D("90000.00")
    assert _amounts(preview) == {"OP": D("43200.00"), "OOP": D("27000.00"), "MT": D("19800.00")}
    assert [unit.share for unit in preview.units] == [D("48.00"), D("30.00"), D("22.00")]


def test_left_over_cents_go_to_the_largest_remainder_then_the_first_unit():
    preview = split_compute(
        school_total=D("1000.00"),
        method="fte",
        reserve_kind="none",
        reserve_value=None,
        units=_units(("A", 1, "1"), ("B", 1, "1"), ("C", 1, "1")),
    )
    assert _amounts(preview) == {"A": D("333.34"), "B": D("333.33"), "C": D("333.33")}
    assert [unit.share for unit in preview.units] == [D("33.34"), D("33.33"), D("33.33")]


def test_headcount_split_counts_people_not_fte():
    preview = split_compute(
        school_total=D("3000.00"),
        method="headcount",
        reserve_kind="amount",
        reserve_value=D("300.00"),
        units=_units(("OP", 2, "0.4"), ("OOP", 1, "1.0")),
    )
    assert preview.reserve_amount == D("300.00")
    assert _amounts(preview) == {"OP": D("1800.00"), "OOP": D("900.00")}


def test_weights_split_gives_relatively_more():
    preview = split_compute(
        school_total=D("1000.00"),
        method="weights",
        reserve_kind="none",
        reserve_value=None,
        units=_units(("OP", 5, "4", "2"), ("OOP", 1, "1", "1"), ("MT", 1, "1", "1")),
    )
    assert _amounts(preview) == {"OP": D("500.00"), "OOP": D("250.00"), "MT": D("250.00")}
    assert preview.units[0].weight == D("2")


def test_a_weight_of_zero_gives_nothing():
    preview = split_compute(
        school_total=D("100.00"),
        method="weights",
        reserve_kind="none",
        reserve_value=None,
        units=_units(("OP", 5, "4", "0"), ("OOP", 1, "1", "3")),
    )
    assert _amounts(preview) == {"OP": D("0.00"), "OOP": D("100.00")}


def test_fixed_amounts_are_taken_as_given():
    preview = split_compute(
        school_total=D("10000.00"),
        method="fixed",
        reserve_kind="amount",
        reserve_value=D("2500.00"),
        units=_units(("OP", 5, "4", None, "6000"), ("OOP", 1, "1", None, "1500.00")),
    )
    assert _amounts(preview) == {"OP": D("6000.00"), "OOP": D("1500.00")}
    assert [unit.share for unit in preview.units] == [D("80.00"), D("20.00")]


def test_deferred_split_keeps_only_the_reserve():
    preview = split_compute(
        school_total=D("10000.00"),
        method="deferred",
        reserve_kind="percentage",
        reserve_value=D("12.5"),
        units=_units(("OP", 5, "4"), ("OOP", 0, "0")),
    )
    assert preview.reserve_amount == D("1250.00")
    assert preview.units_total == D("8750.00")
    assert _amounts(preview) == {"OP": None, "OOP": None}


def test_a_reserve_of_everything_leaves_zero_for_the_units():
    preview = split_compute(
        school_total=D("500.00"),
        method="fte",
        reserve_kind="percentage",
        reserve_value=D("100"),
        units=_units(("OP", 1, "1")),
    )
    assert _amounts(preview) == {"OP": D("0.00")}
    assert preview.units[0].share is None


# --- the pure computation: errors -------------------------------------------------------------


def _error(**overrides):
    inputs = {
        "school_total": D("1000.00"),
        "method": "fte",
        "reserve_kind": "none",
        "reserve_value": None,
        "units": _units(("OP", 2, "1.5", "1", "600"), ("OOP", 1, "1", "1", "400")),
    }
    inputs.update(overrides)
    with pytest.raises(SplitError) as caught:
        split_compute(**inputs)
    return caught.value


def test_fixed_amounts_that_are_too_much_say_by_how_much():
    error = _error(
        method="fixed", units=_units(("OP", 2, "1", None, "700"), ("OOP", 1, "1", None, "400"))
    )
    assert error.message == (
        "The fixed amounts add up to €\xa01,100.00: that is €\xa0100.00 more than the "
        "€\xa01,000.00 to divide over the units."
    )
    assert error.problems[0].field == "fixed_amount"


def test_fixed_amounts_that_are_too_little_count_the_reserve_first():
    error = _error(
        method="fixed",
        reserve_kind="percentage",
        reserve_value=D("10"),
        units=_units(("OP", 2, "1", None, "500"), ("OOP", 1, "1", None, "399.99")),
    )
    assert "€\xa0899.99" in error.message
    assert "€\xa00.01 less than the €\xa0900.00 to divide" in error.message


def test_a_unit_without_fte_is_named_under_the_fte_method():
    error = _error(units=_units(("OP", 2, "1.5"), ("Support", 0, "0")))
    assert error.message.startswith("Support has no fte: the fte method needs active staff")
    assert error.problems[0].unit == 2


def test_a_unit_without_staff_is_named_under_the_headcount_method():
    error = _error(method="headcount", units=_units(("OP", 2, "1.5"), ("Support", 0, "0")))
    assert error.message.startswith("Support has no active staff")


@pytest.mark.parametrize(
    "overrides, message, field",
    [
        (
            {"reserve_kind": "percentage", "reserve_value": D("-1")},
            "The central reserve cannot be negative.",
            "reserve_value",
        ),
        (
            {"reserve_kind": "amount", "reserve_value": D("-0.01")},
            "The central reserve cannot be negative.",
            "reserve_value",
        ),
        (
            {"reserve_kind": "percentage", "reserve_value": D("100.01")},
            "The central reserve cannot be more than 100 percent of the budget.",
            "reserve_value",
        ),
        (
            {"reserve_kind": "amount", "reserve_value": D("1000.01")},
            "The central reserve (€\xa01,000.01) is larger than the school budget (€\xa01,000.00).",
            "reserve_value",
        ),
        (
            {"reserve_kind": "amount", "reserve_value": D("10.005")},
            "Give the central reserve in whole cents.",
            "reserve_value",
        ),
        (
            {"reserve_kind": "amount", "reserve_value": None},
            "Give the size of the central reserve.",
            "reserve_value",
        ),
        ({"units": []}, "There are no units yet: designate the units in step 1 first.", None),
        (
            {"method": "weights", "units": _units(("OP", 2, "1", "-1"), ("OOP", 1, "1", "2"))},
            "The weight of OP cannot be negative.",
            "weight",
        ),
        (
            {"method": "weights", "units": _units(("OP", 2, "1", "0"), ("OOP", 1, "1", "0"))},
            "The weights add up to zero: give at least one unit a weight above zero.",
            "weight",
        ),
        (
            {"method": "weights", "units": _units(("OP", 2, "1", None), ("OOP", 1, "1", "1"))},
            "Give OP a weight (0 is allowed).",
            "weight",
        ),
        (
            {"method": "fixed", "units": _units(("OP", 2, "1", None, "-5"), ("OOP", 1, "1"))},
            "The fixed amount of OP cannot be negative.",
            "fixed_amount",
        ),
        (
            {"method": "nonsense"},
            "Choose how the budget is split.",
            "method",
        ),
    ],
)
def test_errors_are_clear_and_point_at_their_field(overrides, message, field):
    error = _error(**overrides)
    assert message in error.details
    assert any(problem.field == field for problem in error.problems)


def test_every_problem_is_reported_at_once():
    error = _error(
        method="fixed",
        reserve_kind="amount",
        reserve_value=D("-1"),
        units=_units(("OP", 2, "1", None, "-5"), ("OOP", 1, "1", None, None)),
    )
    assert error.message == "The budget cannot be split this way: 3 problems."
    assert error.details == [
        "The central reserve cannot be negative.",
        "The fixed amount of OP cannot be negative.",
        "Give OOP a fixed amount (0 is allowed).",
    ]


# --- the services -----------------------------------------------------------------------------


def _member(process, unit, fte, **kwargs):
    member = StaffMemberFactory(school=process.school, fte=D(fte), **kwargs)
    UnitMembership.objects.create(process=process, unit=unit, staff_member=member)
    return member


@pytest.fixture
def units(process):
    """OP (2.4 fte), OOP (1.5) and MT (1.1) hold all active staff; the budget is 100,000."""
    # The school fixture's staff leave; staff with an account (staff_user) stay to sign in.
    StaffMember.objects.filter(school=process.school, user__isnull=True).update(active=False)
    made = {}
    for name, ftes in {"MT": ["1", "0.1"], "OOP": ["1", "0.5"], "OP": ["1", "0.8", "0.6"]}.items():
        made[name] = OrganisationalUnit.objects.create(process=process, name=name)
        for fte in ftes:
            _member(process, made[name], fte)
    BudgetLine.objects.create(
        process=process, kind="allocation", description="Allocation", amount=D("90000.00")
    )
    BudgetLine.objects.create(
        process=process, kind="carry_over", description="Carry-over", amount=D("10000.00")
    )
    return made


FTE_10 = {
    "method": "fte",
    "reserve_kind": "percentage",
    "reserve_value": D("10"),
    "weights": {},
    "fixed_amounts": {},
}


def _stored(process):
    """Everything the split stores, to compare before and after."""
    return (
        list(BudgetSplit.objects.filter(process=process).values()),
        list(
            OrganisationalUnit.objects.filter(process=process)
            .order_by("pk")
            .values_list("pk", "weight", "fixed_amount", "amount")
        ),
        Decision.objects.filter(process=process).count(),
        list(process.steps.order_by("number").values_list("number", "state", "revision")),
    )


def test_preview_stores_nothing(process, units):
    before = _stored(process)
    preview = split_preview(process=process, **FTE_10)
    assert {u.name: u.amount for u in preview.units} == {
        "MT": D("19800.00"),
        "OOP": D("27000.00"),
        "OP": D("43200.00"),
    }
    assert [(u.name, u.staff_count, u.fte) for u in preview.units] == [
        ("MT", 2, D("1.1000")),
        ("OOP", 2, D("1.5000")),
        ("OP", 3, D("2.4000")),
    ]
    assert _stored(process) == before


def test_save_stores_exactly_the_preview_and_records_a_decision(process, units, director):
    preview = split_preview(process=process, **FTE_10)
    split = split_save(
        process=process, actor=director, expected_fingerprint=preview.fingerprint, **FTE_10
    )
    assert (split.method, split.reserve_kind, split.reserve_value) == ("fte", "percentage", 10)
    assert (split.school_total, split.reserve_amount) == (D("100000.00"), D("10000.00"))
    stored = {u.name: u.amount for u in OrganisationalUnit.objects.filter(process=process)}
    assert stored == {unit.name: unit.amount for unit in preview.units}
    decision = Decision.objects.get(action="units.split.saved")
    assert decision.step_number == 2
    assert decision.summary == (
        "Budget split over the units saved (by fte): €\xa090,000.00 for the units and "
        "€\xa010,000.00 central reserve, of a school budget of €\xa0100,000.00."
    )
    assert decision.content["fingerprint"] == preview.fingerprint
    assert decision.content["units"][2] == {
        "unit": units["OP"].pk,
        "name": "OP",
        "staff_count": 3,
        "fte": "2.4000",
        "amount": "43200.00",
    }


def test_decision_is_recorded_in_the_school_language(process, units, director, settings):
    settings.LANGUAGE_CODE = "nl"
    process.school.language = "nl"  # a Dutch school: the tests' schools speak English
    process.school.save()
    split_save(process=process, actor=director, **FTE_10)
    summary = Decision.objects.get(action="units.split.saved").summary
    assert "€\xa090.000,00" in summary


def test_save_stores_the_weights_and_fixed_amounts_the_method_uses(process, units, director):
    pks = {name: unit.pk for name, unit in units.items()}
    weights = {pks["OP"]: D("2"), pks["OOP"]: D("1"), pks["MT"]: D("1")}
    split_save(
        process=process,
        actor=director,
        method="weights",
        reserve_kind="none",
        reserve_value=None,
        weights=weights,
        fixed_amounts={},
    )
    rows = {u.name: (u.weight, u.fixed_amount, u.amount) for u in process.units.all()}
    assert rows == {
        "OP": (D("2"), None, D("50000.00")),
        "OOP": (D("1"), None, D("25000.00")),
        "MT": (D("1"), None, D("25000.00")),
    }
    fixed = {pks["OP"]: D("60000"), pks["OOP"]: D("30000"), pks["MT"]: D("10000")}
    split_save(
        process=process,
        actor=director,
        method="fixed",
        reserve_kind="none",
        reserve_value=D("5"),  # ignored without a reserve
        weights={},
        fixed_amounts=fixed,
    )
    split = BudgetSplit.objects.get(process=process)
    assert (split.method, split.reserve_value, split.reserve_amount) == ("fixed", 0, 0)
    rows = {u.name: (u.weight, u.fixed_amount, u.amount) for u in process.units.all()}
    assert rows == {  # the weights stay for when the method is switched back
        "OP": (D("2"), D("60000.00"), D("60000.00")),
        "OOP": (D("1"), D("30000.00"), D("30000.00")),
        "MT": (D("1"), D("10000.00"), D("10000.00")),
    }


def test_deferred_split_stores_no_unit_amounts(process, units, director):
    split_save(process=process, actor=director, **FTE_10)
    split_save(process=process, actor=director, **{**FTE_10, "method": "deferred"})
    assert set(process.units.values_list("amount", flat=True)) == {None}
    assert BudgetSplit.objects.get(process=process).reserve_amount == D("10000.00")


ERRORS = {
    "negative-reserve": ({"reserve_value": D("-5")}, "The central reserve cannot be negative."),
    "percentage-over-100": ({"reserve_value": D("101")}, "more than 100 percent"),
    "reserve-over-budget": (
        {"reserve_kind": "amount", "reserve_value": D("100000.01")},
        "is larger than the school budget",
    ),
    "no-weights": ({"method": "weights", "weights": {}}, "Give MT a weight"),
    "negative-weight": ({"method": "weights", "weights": {"OP": D("-1")}}, "cannot be negative"),
    "weights-zero": (
        {"method": "weights", "weights": {"OP": 0, "OOP": 0, "MT": 0}},
        "The weights add up to zero",
    ),
    "no-fixed-amounts": ({"method": "fixed", "fixed_amounts": {}}, "Give MT a fixed amount"),
    "negative-fixed": (
        {"method": "fixed", "fixed_amounts": {"OP": D("-1"), "OOP": 0, "MT": 0}},
        "The fixed amount of OP cannot be negative.",
    ),
}


@pytest.mark.parametrize("case", ERRORS)
def test_an_error_leaves_the_stored_split_unchanged(process, units, director, case):
    overrides, message = ERRORS[case]
    by_pk = {
        key: {units[name].pk: value for name, value in overrides[key].items()}
        for key in ("weights", "fixed_amounts")
        if key in overrides
    }
    split_save(process=process, actor=director, **FTE_10)
    before = _stored(process)
    with pytest.raises(SplitError) as caught:
        split_save(process=process, actor=director, **{**FTE_10, **overrides, **by_pk})
    assert any(message in detail for detail in caught.value.details)
    assert _stored(process) == before


def test_a_unit_without_staff_is_refused_under_headcount_and_nothing_is_stored(
    process, units, director
):
    split_save(process=process, actor=director, **FTE_10)
    OrganisationalUnit.objects.create(process=process, name="Support")
    before = _stored(process)
    with pytest.raises(SplitError, match="Support has no active staff"):
        split_save(process=process, actor=director, **{**FTE_10, "method": "headcount"})
    assert _stored(process) == before


def test_a_process_without_units_cannot_be_split(process, director):
    BudgetLine.objects.create(process=process, kind="allocation", description="A", amount=1)
    before = _stored(process)
    with pytest.raises(SplitError, match="There are no units yet"):
        split_save(process=process, actor=director, **FTE_10)
    assert _stored(process) == before


def test_fixed_amounts_that_do_not_add_up_are_refused_and_nothing_is_stored(
    process, units, director
):
    pks = {name: unit.pk for name, unit in units.items()}
    before = _stored(process)
    with pytest.raises(SplitError, match="€\xa01.00 more than the €\xa090,000.00"):
        split_save(
            process=process,
            actor=director,
            **{
                **FTE_10,
                "method": "fixed",
                "fixed_amounts": {
                    pks["OP"]: D("50000"),
                    pks["OOP"]: D("30000"),
                    pks["MT"]: D("10001"),
                },
            },
        )
    assert _stored(process) == before


def test_a_unit_without_fte_is_refused_and_nothing_is_stored(process, units, director):
    OrganisationalUnit.objects.create(process=process, name="Support")
    split_before = _stored(process)
    with pytest.raises(SplitError, match="Support has no fte"):
        split_save(process=process, actor=director, **FTE_10)
    assert _stored(process) == split_before


def test_save_is_refused_when_the_budget_changed_since_the_preview(process, units, director):
    preview = split_preview(process=process, **FTE_10)
    BudgetLine.objects.create(
        process=process, kind="extra_tranche", description="Extra", amount=D("1000.00")
    )
    before = _stored(process)
    with pytest.raises(SplitChangedError, match="changed since it was calculated"):
        split_save(
            process=process, actor=director, expected_fingerprint=preview.fingerprint, **FTE_10
        )
    assert _stored(process) == before


def test_save_is_refused_when_the_staff_changed_since_the_preview(process, units, director):
    preview = split_preview(process=process, **FTE_10)
    StaffMember.objects.filter(unit_memberships__unit=units["OP"], fte=D("0.6")).update(
        fte=D("0.7")
    )
    before = _stored(process)
    with pytest.raises(SplitChangedError):
        split_save(
            process=process, actor=director, expected_fingerprint=preview.fingerprint, **FTE_10
        )
    assert _stored(process) == before


def test_save_is_refused_when_the_inputs_differ_from_the_preview(process, units, director):
    preview = split_preview(process=process, **FTE_10)
    with pytest.raises(SplitChangedError):
        split_save(
            process=process,
            actor=director,
            expected_fingerprint=preview.fingerprint,
            **{**FTE_10, "reserve_value": D("11")},
        )
    assert not BudgetSplit.objects.exists()


def test_only_the_director_and_pmr_may_save(process, units, staff_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        split_save(process=process, actor=staff_user, **FTE_10)
    with pytest.raises(PermissionDenied):
        split_save(process=process, actor=UserFactory(), **FTE_10)
    assert not BudgetSplit.objects.exists()


def _finish_step_1(process, director, pmr):
    sign_both(process, 1, director, pmr)
    assert step(process, 2).state == ProcessStep.State.OPEN


def test_saving_after_step_2_was_signed_reopens_it_with_a_recorded_decision(
    process, units, director, pmr
):
    _finish_step_1(process, director, pmr)
    split_save(process=process, actor=director, **FTE_10)
    sign_both(process, 2, director, pmr)
    assert step(process, 2).state == ProcessStep.State.DONE
    assert step(process, 3).state == ProcessStep.State.OPEN

    split_save(process=process, actor=pmr, **{**FTE_10, "reserve_value": D("5")})

    step2 = step(process, 2)
    assert (step2.state, step2.revision) == (ProcessStep.State.OPEN, 2)
    assert step(process, 3).state == ProcessStep.State.LOCKED
    reopened = Decision.objects.get(action="processes.step.reopened", step_number=2)
    assert reopened.grounds == "Changed after sign-off: the split of the budget over the units"
    saved = Decision.objects.filter(action="units.split.saved").latest("pk")
    assert saved.pk > reopened.pk
    assert BudgetSplit.objects.get(process=process).reserve_amount == D("5000.00")


def test_saving_the_stored_split_again_changes_nothing(process, units, director, pmr):
    _finish_step_1(process, director, pmr)
    preview = split_preview(process=process, **FTE_10)
    split_save(process=process, actor=director, **FTE_10)
    sign_both(process, 2, director, pmr)
    before = _stored(process)
    split_save(process=process, actor=pmr, expected_fingerprint=preview.fingerprint, **FTE_10)
    assert _stored(process) == before


# --- the blocker of step 2 ----------------------------------------------------------------------


def test_step_2_is_blocked_without_a_budget(process, director):
    reasons = step2_needs_a_current_split(step(process, 2))
    assert reasons[0].startswith("Enter the school budget first")


def test_step_2_is_blocked_until_a_split_is_saved(process, units, director, pmr):
    _finish_step_1(process, director, pmr)
    assert step2_needs_a_current_split(step(process, 2)) == [
        "No split of the budget over the units has been saved yet."
    ]
    with pytest.raises(Exception, match="Step 2 cannot be finished yet"):
        step_sign_off(step=step(process, 2), actor=director)
    split_save(process=process, actor=director, **FTE_10)
    assert step2_needs_a_current_split(step(process, 2)) == []
    assert step2_needs_a_current_split in registry._blockers[2]


OUT_OF_DATE = "The split is out of date: recalculate and save it again."


def test_split_is_out_of_date_after_a_budget_line_changes(process, units, director, pmr):
    _finish_step_1(process, director, pmr)
    split_save(process=process, actor=director, **FTE_10)
    BudgetLine.objects.filter(process=process, kind="carry_over").update(amount=D("10000.01"))
    assert step2_needs_a_current_split(step(process, 2)) == [OUT_OF_DATE]
    before = _stored(process)
    with pytest.raises(Exception, match="Step 2 cannot be finished yet") as caught:
        step_sign_off(step=step(process, 2), actor=director)
    assert caught.value.details == [OUT_OF_DATE]
    assert _stored(process) == before


def test_split_is_out_of_date_when_the_staff_of_a_unit_changes(process, units, director):
    split_save(process=process, actor=director, **FTE_10)
    _member(process, units["MT"], "0.5")
    assert split_status(process=process).reasons == [OUT_OF_DATE]


def test_split_is_out_of_date_when_a_member_leaves(process, units, director):
    split_save(process=process, actor=director, **{**FTE_10, "method": "headcount"})
    StaffMember.objects.filter(unit_memberships__unit=units["OOP"], fte=D("0.5")).update(
        active=False
    )
    assert split_status(process=process).reasons == [OUT_OF_DATE]


def test_split_is_out_of_date_when_a_unit_is_added(process, units, director):
    split_save(process=process, actor=director, **FTE_10)
    unit = OrganisationalUnit.objects.create(process=process, name="Support")
    _member(process, unit, "1")
    assert split_status(process=process).reasons == [OUT_OF_DATE]


def test_split_stays_current_when_staff_change_the_same_way(process, units, director):
    split_save(process=process, actor=director, **FTE_10)
    # Everyone's fte halves: the proportions, and so the split, stay as they were.
    for member in StaffMember.objects.filter(school=process.school, active=True):
        member.fte = member.fte / 2
        member.save()
    assert split_status(process=process).reasons == []


def test_deferred_split_is_not_affected_by_staff_changes(process, units, director):
    split_save(process=process, actor=director, **{**FTE_10, "method": "deferred"})
    _member(process, units["MT"], "0.5")
    assert split_status(process=process).reasons == []


def test_a_zero_budget_blocks_even_with_a_split(process, units, director):
    split_save(process=process, actor=director, **FTE_10)
    BudgetLine.objects.filter(process=process).update(amount=0)
    reasons = split_status(process=process).reasons
    assert reasons[0].startswith("Enter the school budget first")
    assert reasons[1] == OUT_OF_DATE


# --- the agreement section ----------------------------------------------------------------------


def test_agreement_section_holds_the_budget_and_the_split(process, units, director):
    split_save(process=process, actor=director, **FTE_10)
    section = agreement.agreement_content(process)["sections"]["budget"]
    assert section == {
        "budget_lines": [
            {
                "kind": "allocation",
                "kind_label": "this year's allocation",
                "description": "Allocation",
                "amount": "90000.00",
            },
            {
                "kind": "carry_over",
                "kind_label": "carry-over from earlier years",
                "description": "Carry-over",
                "amount": "10000.00",
            },
        ],
        "school_total": "100000.00",
        "method": {"code": "fte", "label": "by fte"},
        "reserve": {
            "kind": "percentage",
            "label": "a percentage",
            "value": "10.00",
            "amount": "10000.00",
        },
        "units_total": "90000.00",
        "units": [
            {
                "name": "MT",
                "staff_count": 2,
                "fte": "1.1000",
                "share": "22.00",
                "amount": "19800.00",
            },
            {
                "name": "OOP",
                "staff_count": 2,
                "fte": "1.5000",
                "share": "30.00",
                "amount": "27000.00",
            },
            {
                "name": "OP",
                "staff_count": 3,
                "fte": "2.4000",
                "share": "48.00",
                "amount": "43200.00",
            },
        ],
    }


def test_agreement_section_without_a_split(process, units):
    section = agreement_budget(process)
    assert section["method"] is None and section["reserve"] is None
    assert [unit["amount"] for unit in section["units"]] == [None, None, None]


def test_agreement_section_of_a_deferred_split(process, units, director):
    split_save(process=process, actor=director, **{**FTE_10, "method": "deferred"})
    section = agreement_budget(process)
    assert section["method"]["code"] == "deferred"
    assert [(u["share"], u["amount"]) for u in section["units"]] == [(None, None)] * 3


def test_agreement_section_renders_dutch_amounts(process, units, director, settings):
    settings.LANGUAGE_CODE = "nl"
    split_save(process=process, actor=director, **FTE_10)
    section = agreement_budget(process)
    assert section["method"]["label"] != "by fte"  # in the school's language
    with translation.override("nl"):
        html = render_to_string("units/includes/_agreement_budget.html", {"section": section})
    for amount in ("100.000,00", "90.000,00", "10.000,00", "43.200,00", "27.000,00", "19.800,00"):
        assert f"€\xa0{amount}" in html
    assert "48,00 %" in html
    assert "OP" in html and "2,4" in html
