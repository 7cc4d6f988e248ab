"""The machine checks of framework rules, on plain data (no database)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from plans.checks import (
    CHECKS,
    MeasureFacts,
    PlanFacts,
    RuleFacts,
    Verdict,
    check_categories_not_allowed,
    check_majority_benefit,
    check_max_cost_per_measure,
    check_max_structural_share,
    check_spend_by_date,
    check_within_unit_budget,
    run_checks,
)

D = Decimal
EUR = "€\u00a0"  # format_euro keeps the sign and the amount together


def measure(key="m1", cost="1000.00", **kwargs) -> MeasureFacts:
    kwargs.setdefault("title", f"Measure {key}")
    kwargs.setdefault("category", "extra_staff")
    return MeasureFacts(key=key, cost=D(cost), **kwargs)


def plan(*measures, budget="100000.00") -> PlanFacts:
    return PlanFacts(unit_budget=None if budget is None else D(budget), measures=tuple(measures))


def rule(check, severity="warning", key="r1", **kwargs) -> RuleFacts:
    return RuleFacts(key=key, severity=severity, check=check, **kwargs)


def oks(verdicts) -> list[bool]:
    return [verdict.ok for verdict in verdicts]


# --- maximum cost per measure ------------------------------------------------------------

MAX_COST = rule("max_cost_per_measure", max_amount=D("25000.00"))


def test_max_cost_passes_when_the_cost_equals_the_maximum():
    verdicts = check_max_cost_per_measure(MAX_COST, plan(measure(cost="25000.00")))
    assert oks(verdicts) == [True]
    assert verdicts[0].measure_key == "m1"


def test_max_cost_fails_when_the_cost_is_a_cent_above_the_maximum():
    verdicts = check_max_cost_per_measure(MAX_COST, plan(measure(cost="25000.01", title="TOA")))
    assert oks(verdicts) == [False]
    assert verdicts[0].message == (
        f"TOA costs {EUR}25,000.01, more than the maximum of {EUR}25,000.00."
    )


def test_max_cost_gives_one_verdict_per_measure():
    verdicts = check_max_cost_per_measure(
        MAX_COST, plan(measure("a", "100.00"), measure("b", "30000.00"), measure("c", "0.00"))
    )
    assert [(v.measure_key, v.ok) for v in verdicts] == [("a", True), ("b", False), ("c", True)]


def test_max_cost_of_an_empty_plan_gives_no_verdicts():
    assert check_max_cost_per_measure(MAX_COST, plan()) == []


# --- maximum share of structural commitments ---------------------------------------------

STRUCTURAL_40 = rule("max_structural_share", max_percentage=D("40.00"))


def test_structural_share_passes_at_exactly_the_maximum():
    verdicts = check_max_structural_share(
        STRUCTURAL_40,
        plan(measure("a", "400.00", structural=True), measure("b", "600.00")),
    )
    assert oks(verdicts) == [True]
    assert verdicts[0].measure_key is None
    assert verdicts[0].message == (
        "Structural commitments are 40% of the plan; at most 40% is allowed."
    )


def test_structural_share_fails_just_above_the_maximum():
    verdicts = check_max_structural_share(
        STRUCTURAL_40,
        plan(measure("a", "400.01", structural=True), measure("b", "599.99")),
    )
    assert oks(verdicts) == [False]
    # 40.001% is shown rounded up, so the share shown is above the maximum, as the verdict says.
    assert "40.01%" in verdicts[0].message


def test_structural_share_of_an_empty_plan_passes():
    verdicts = check_max_structural_share(STRUCTURAL_40, plan())
    assert oks(verdicts) == [True]
    assert "are 0%" in verdicts[0].message


def test_structural_share_of_a_plan_that_costs_nothing_passes():
    verdicts = check_max_structural_share(
        STRUCTURAL_40,
        plan(
            measure("a", "0.00", structural=True), measure("b", "0.00", category="organisational")
        ),
    )
    assert oks(verdicts) == [True]


def test_structural_share_of_zero_percent_allows_no_structural_cost():
    rule_zero = rule("max_structural_share", max_percentage=D("0"))
    assert oks(check_max_structural_share(rule_zero, plan(measure("b", "500.00")))) == [True]
    assert oks(
        check_max_structural_share(
            rule_zero, plan(measure("a", "0.01", structural=True), measure("b", "500.00"))
        )
    ) == [False]


def test_structural_share_only_counts_structural_measures():
    verdicts = check_max_structural_share(
        STRUCTURAL_40, plan(measure("a", "900.00"), measure("b", "100.00", structural=True))
    )
    assert oks(verdicts) == [True]
    assert "are 10%" in verdicts[0].message


# --- categories not allowed --------------------------------------------------------------

NO_ICT = rule("categories_not_allowed", categories=frozenset({"materials_ict", "wellbeing"}))


def test_categories_not_allowed_flags_only_measures_in_those_categories():
    verdicts = check_categories_not_allowed(
        NO_ICT,
        plan(
            measure("a", category="materials_ict", title="Laptops"),
            measure("b", category="extra_staff"),
            measure("c", category="wellbeing"),
        ),
    )
    assert [(v.measure_key, v.ok) for v in verdicts] == [("a", False), ("b", True), ("c", False)]
    assert verdicts[0].message == "Laptops is in a category the frameworks rule out."


def test_categories_not_allowed_with_no_categories_passes_everything():
    empty = rule("categories_not_allowed")
    assert oks(check_categories_not_allowed(empty, plan(measure(category="other")))) == [True]


# --- within the unit budget --------------------------------------------------------------

BUDGET = rule("within_unit_budget", severity="must")


def test_within_budget_passes_when_the_plan_costs_exactly_the_budget():
    verdicts = check_within_unit_budget(
        BUDGET, plan(measure("a", "60000.00"), measure("b", "40000.00"), budget="100000.00")
    )
    assert oks(verdicts) == [True]
    assert (
        verdicts[0].message == f"The plan costs {EUR}100,000.00 of the budget of {EUR}100,000.00."
    )


def test_within_budget_fails_a_cent_above_the_budget():
    verdicts = check_within_unit_budget(
        BUDGET, plan(measure("a", "60000.00"), measure("b", "40000.01"), budget="100000.00")
    )
    assert oks(verdicts) == [False]
    assert verdicts[0].message == (
        f"The plan costs {EUR}100,000.01, more than the budget of {EUR}100,000.00."
    )
    assert verdicts[0].blocks_submission


def test_within_budget_passes_while_budgets_are_deferred():
    verdicts = check_within_unit_budget(BUDGET, plan(measure(cost="999999.99"), budget=None))
    assert oks(verdicts) == [True]
    assert verdicts[0].message == "Budgets are assigned after the school plan."


def test_within_budget_of_an_empty_plan_passes():
    assert oks(check_within_unit_budget(BUDGET, plan(budget="0.00"))) == [True]


# --- spend by a date ---------------------------------------------------------------------

BY_JULY = rule("spend_by_date", deadline=date(2027, 7, 31))


def test_spend_by_date_fails_a_structural_commitment():
    verdicts = check_spend_by_date(
        BY_JULY, plan(measure(structural=True, title="Permanent assistant"))
    )
    assert oks(verdicts) == [False]
    assert verdicts[0].message == (
        "Permanent assistant is a structural commitment; the money must be spent by July 31, 2027."
    )


def test_spend_by_date_fails_a_measure_that_runs_past_the_date():
    verdicts = check_spend_by_date(
        BY_JULY, plan(measure(last_spending_date=date(2027, 8, 1), title="Coaching"))
    )
    assert oks(verdicts) == [False]
    assert verdicts[0].message == "Coaching runs past July 31, 2027."


def test_spend_by_date_passes_on_the_date_itself():
    verdicts = check_spend_by_date(BY_JULY, plan(measure(last_spending_date=date(2027, 7, 31))))
    assert oks(verdicts) == [True]


def test_spend_by_date_passes_a_measure_without_an_end_date():
    assert oks(check_spend_by_date(BY_JULY, plan(measure(last_spending_date=None)))) == [True]


# --- majority benefit --------------------------------------------------------------------

MAJORITY = rule("majority_benefit")


@pytest.mark.parametrize(
    "share,ok",
    [
        ("50", False),
        ("50.00", False),
        ("50.01", True),
        ("100", True),
        ("0", False),
        ("12.5", False),
    ],
)
def test_majority_benefit_needs_more_than_half(share, ok):
    assert oks(check_majority_benefit(MAJORITY, plan(measure(benefit_share=D(share))))) == [ok]


def test_majority_benefit_message_names_the_share():
    verdicts = check_majority_benefit(MAJORITY, plan(measure(benefit_share=D("50.00"), title="X")))
    assert verdicts[0].message == "X benefits 50% of the unit: not a majority."


def test_majority_benefit_passes_when_the_share_is_unknown():
    assert oks(check_majority_benefit(MAJORITY, plan(measure(benefit_share=None)))) == [True]


# --- run_checks and verdicts -------------------------------------------------------------


def test_every_check_of_the_model_has_a_function():
    from plans.models import FrameworkRule

    assert set(CHECKS) == set(FrameworkRule.Check.values) - {""}


def test_run_checks_gives_verdicts_in_the_order_of_the_rules_then_the_measures():
    rules = [
        rule("within_unit_budget", key="budget", severity="must"),
        rule("", key="words-only", severity="information"),
        rule("max_cost_per_measure", key="max", max_amount=D("500.00")),
        rule("majority_benefit", key="majority"),
    ]
    the_plan = plan(
        measure("a", "400.00", benefit_share=D("80")),
        measure("b", "600.00", benefit_share=D("20")),
        budget="900.00",
    )
    verdicts = run_checks(rules, the_plan)
    assert [(v.rule_key, v.measure_key, v.ok) for v in verdicts] == [
        ("budget", None, False),
        ("max", "a", True),
        ("max", "b", False),
        ("majority", "a", True),
        ("majority", "b", False),
    ]
    assert [v.severity for v in verdicts] == ["must", "warning", "warning", "warning", "warning"]


def test_rules_without_a_machine_check_give_no_verdicts():
    rules = [rule("", key=str(n), severity=s) for n, s in enumerate(["must", "warning"])]
    assert run_checks(rules, plan(measure(cost="1000000.00"), budget="1.00")) == []


def test_run_checks_of_no_rules_gives_no_verdicts():
    assert run_checks([], plan(measure())) == []


@pytest.mark.parametrize(
    "severity,ok,blocks",
    [
        ("must", False, True),
        ("must", True, False),
        ("warning", False, False),
        ("warning", True, False),
        ("information", False, False),
        ("information", True, False),
    ],
)
def test_only_a_failing_must_rule_blocks_submission(severity, ok, blocks):
    assert Verdict("r", severity, ok, "message").blocks_submission is blocks


def test_blocking_verdicts_from_run_checks():
    rules = [
        rule("max_cost_per_measure", key="must", severity="must", max_amount=D("100.00")),
        rule("max_cost_per_measure", key="warn", severity="warning", max_amount=D("100.00")),
    ]
    verdicts = run_checks(rules, plan(measure(cost="100.01")))
    assert [(v.rule_key, v.blocks_submission) for v in verdicts] == [
        ("must", True),
        ("warn", False),
    ]


# --- language ----------------------------------------------------------------------------


def test_messages_use_the_dutch_euro_format_in_dutch():
    with translation.override("nl"):
        [cost] = check_max_cost_per_measure(MAX_COST, plan(measure(cost="25000.01", title="TOA")))
        [budget] = check_within_unit_budget(
            BUDGET, plan(measure(cost="12345.67"), budget="10000.00")
        )
    assert f"{EUR}25.000,01" in cost.message
    assert f"{EUR}25.000,00" in cost.message
    assert f"{EUR}12.345,67" in budget.message
    assert f"{EUR}10.000,00" in budget.message
    assert cost.message.startswith("TOA kost ")


def test_percentages_use_the_dutch_decimal_comma_in_dutch():
    with translation.override("nl"):
        [majority] = check_majority_benefit(MAJORITY, plan(measure(benefit_share=D("12.5"))))
        [share] = check_max_structural_share(
            rule("max_structural_share", max_percentage=D("33.5")),
            plan(measure("a", "1.00", structural=True), measure("b", "2.00")),
        )
    assert "12,5%" in majority.message
    assert "33,34%" in share.message  # 33.333...% rounded up
    assert "33,5%" in share.message


def test_dates_use_the_dutch_format_in_dutch():
    with translation.override("nl"):
        [verdict] = check_spend_by_date(BY_JULY, plan(measure(last_spending_date=date(2028, 1, 1))))
    assert "31 juli 2027" in verdict.message
