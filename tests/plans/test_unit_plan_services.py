"""Step 8: the units' plans through the services: the cost of each cost type over several
school years (to the cent), the framework checks on the measures, who may edit, submit and
return, the history kept, step 8's completion, its joint close and the return notice."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from plans.models import (
    FrameworkRule,
    FunctionCost,
    Measure,
    MeasureComment,
    UnitAnnouncement,
    UnitPlan,
    WarningAcknowledgement,
    WorkloadCause,
)
from plans.selectors.unit_plan_state import plan_verdicts
from plans.services.measure_costs import measure_costs
from plans.services.unit_plan_decisions import plan_return, plan_submit, step8_close
from plans.services.unit_plans import (
    measure_comment_add,
    measure_delete,
    measure_update,
    plan_for_unit,
    plan_update,
    warning_acknowledge,
)
from processes.models import Decision, ProcessStep, SchoolYear, SignOff
from tests.fixtures.step8 import (
    account_for,
    add,
    category,
    coordinator,
    data,
    fresh,
    step,
    step8_process,
    unit_of,
    units_of,
    user,
)
from units.models import OrganisationalUnit, UnitMembership, WorkingMethod
from voting.models import Vote
from werkdruk.exceptions import DomainError

D = Decimal
State = UnitPlan.State
StepState = ProcessStep.State


# --- the process at step 8 -------------------------------------------------------------


@pytest.fixture
def process(db):
    return step8_process()


@pytest.fixture
def year(process):
    return process.school_year.start_year


@pytest.fixture(autouse=True)
def function_costs(db):
    """Own function costs instead of the seeded examples: two years of a teaching assistant
    (none later: the last year carries forward), a teacher without an hourly cost (derived
    from the norm year) and a caretaker with an hourly cost of its own."""
    FunctionCost.objects.all().delete()
    current = SchoolYear.objects.current()
    rows = [
        (current, "onderwijsassistent", D("45123.45"), None),
        (current.next(), "onderwijsassistent", D("46477.15"), None),
        (current, "docent LC", D("80000.00"), None),
        (current.next(), "conciërge", D("50000.00"), D("30.50")),
    ]
    for school_year, function, yearly, hourly in rows:
        FunctionCost.objects.create(
            school_year=school_year, function=function, yearly_cost=yearly, hourly_cost=hourly
        )


@pytest.fixture
def teacher():
    return user("docent")


@pytest.fixture
def unit(process):
    return unit_of(process, "docent")


@pytest.fixture
def plan(unit):
    return plan_for_unit(unit=unit)


def other_unit(process, *, not_of=("docent",)):
    mine = {unit_of(process, local).pk for local in not_of}
    return next(u for u in units_of(process) if u.pk not in mine and u.name != "MT")


def reload(plan):
    return UnitPlan.objects.select_related("unit", "process").get(pk=plan.pk)


def set_budget(unit, amount):
    OrganisationalUnit.objects.filter(pk=unit.pk).update(amount=amount)


def rule(process, check, severity="warning", **parameters):
    categories = parameters.pop("categories", ())
    made = FrameworkRule.objects.create(
        process=process,
        text=f"Rule {check}",
        kind="financial",
        severity=severity,
        machine_check=check,
        **parameters,
    )
    made.categories.set([category(code) for code in categories])
    return made


@pytest.fixture
def no_rules(process):
    """Only the rules each test makes (the demo's six are removed)."""
    FrameworkRule.objects.filter(process=process).delete()


def decisions(process, *actions):
    return list(Decision.objects.filter(process=process, action__in=actions).order_by("pk"))


# --- costs ------------------------------------------------------------------------------


def test_a_fixed_structural_amount_costs_every_school_year(plan, teacher, year):
    measure = add(plan, teacher, year, amount=D("1234.56"), last_year=year + 2, structural=True)

    measure.refresh_from_db()
    assert measure.cost_per_year == {str(y): "1234.56" for y in (year, year + 1, year + 2)}
    assert measure.total_cost == D("3703.68")
    assert measure.rates == {}
    assert measure.created_by == teacher


def test_a_one_off_amount_costs_only_in_its_first_school_year(plan, teacher, year):
    measure = add(plan, teacher, year, amount=D("1234.56"), last_year=year + 2, structural=False)

    measure.refresh_from_db()
    assert measure.cost_per_year == {
        str(year): "1234.56",
        str(year + 1): "0.00",
        str(year + 2): "0.00",
    }
    assert measure.total_cost == D("1234.56")


def test_fte_of_a_teaching_assistant_uses_each_school_years_cost(plan, teacher, year):
    """0.6 fte onderwijsassistent over three school years: the third has no row of its own
    and uses the second's cost."""
    measure = add(
        plan,
        teacher,
        year,
        cost_type="fte",
        amount=D("999"),  # ignored: not used by this cost type
        fte=D("0.6"),
        function="onderwijsassistent",
        last_year=year + 2,
        structural=True,
    )

    measure.refresh_from_db()
    assert measure.amount is None
    assert measure.cost_per_year == {
        str(year): "27074.07",
        str(year + 1): "27886.29",
        str(year + 2): "27886.29",
    }
    assert measure.total_cost == D("82846.65")
    assert measure.rates == {
        "function": "onderwijsassistent",
        "yearly_cost": {
            str(year): "45123.45",
            str(year + 1): "46477.15",
            str(year + 2): "46477.15",
        },
        "example": False,
    }


def test_fte_one_off_is_costed_in_its_first_year_only(plan, teacher, year):
    measure = add(
        plan,
        teacher,
        year,
        cost_type="fte",
        fte=D("0.4567"),
        function="onderwijsassistent",
        last_year=year + 1,
    )
    assert measure.cost_per_year == {str(year): "20607.88", str(year + 1): "0.00"}
    assert measure.total_cost == D("20607.88")
    assert measure.rates["yearly_cost"] == {str(year): "45123.45"}


def test_hours_times_the_hourly_cost_derived_from_a_functions_yearly_cost(plan, teacher, year):
    """80000.00 / 1659 hours = 48.22 an hour; 120 hours = 5786.40 per school year."""
    measure = add(
        plan,
        teacher,
        year,
        cost_type="hours",
        hours=D("120"),
        function="docent LC",
        hourly_rate=D("99.00"),  # a function is given: its cost applies
        last_year=year + 1,
        structural=True,
    )
    measure.refresh_from_db()
    assert measure.hourly_rate is None
    assert measure.cost_per_year == {str(year): "5786.40", str(year + 1): "5786.40"}
    assert measure.total_cost == D("11572.80")
    assert measure.rates == {
        "function": "docent LC",
        "hourly_cost": {str(year): "48.22", str(year + 1): "48.22"},
        "example": False,
    }


def test_hours_use_a_functions_own_hourly_cost(process, year):
    cost = measure_costs(
        cost_type="hours",
        hours=D("10.25"),
        function="conciërge",
        first_year=year + 1,
        last_year=year + 1,
        structural=False,
    )
    assert cost.per_year == {year + 1: D("312.63")}  # 10.25 x 30.50 = 312.625, half up
    assert cost.total == D("312.63")


def test_hours_times_an_hourly_rate_without_a_function(plan, teacher, year):
    """37.5 hours x 41.13 = 1542.375, rounded half up to 1542.38 per school year."""
    measure = add(
        plan,
        teacher,
        year,
        cost_type="hours",
        hours=D("37.5"),
        hourly_rate=D("41.13"),
        last_year=year + 1,
        structural=True,
    )
    assert measure.cost_per_year == {str(year): "1542.38", str(year + 1): "1542.38"}
    assert measure.total_cost == D("3084.76")
    assert measure.rates == {"hourly_cost": {str(year): "41.13", str(year + 1): "41.13"}}


def test_a_measure_without_cost_costs_nothing(plan, teacher, year):
    measure = add(
        plan,
        teacher,
        year,
        category="organisational",
        cost_type="none",
        amount=D("500"),
        last_year=year + 1,
        structural=True,
    )
    measure.refresh_from_db()
    assert measure.amount is None
    assert measure.cost_per_year == {str(year): "0.00", str(year + 1): "0.00"}
    assert measure.total_cost == D("0.00")


def test_example_function_costs_are_flagged_in_the_rates(process, year):
    FunctionCost.objects.filter(function="onderwijsassistent").update(is_example=True)
    cost = measure_costs(
        cost_type="fte",
        fte=D("1"),
        function="onderwijsassistent",
        first_year=year,
        last_year=year,
        structural=True,
    )
    assert cost.rates["example"] is True


def test_a_function_without_a_cost_for_the_school_year_is_refused(plan, teacher, year):
    """The caretaker has a cost from next school year only."""
    with pytest.raises(DomainError) as refused:
        add(plan, teacher, year, cost_type="hours", hours=D("10"), function="conciërge")
    assert refused.value.message == (
        f"There is no cost of conciërge for the school year {year}-{year + 1} or earlier."
    )
    with pytest.raises(DomainError) as unknown:
        add(plan, teacher, year, cost_type="fte", fte=D("1"), function="piloot")
    assert unknown.value.message == "There is no yearly cost for the function piloot."
    assert not Measure.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cost_type": "fixed"}, "Give the amount per school year."),
        ({"cost_type": "fixed", "amount": D("-1")}, "The amount per school year cannot be"),
        ({"cost_type": "fixed", "amount": 12.5}, "Give the amount per school year as a number"),
        ({"cost_type": "fixed", "amount": D("1.005")}, "Give the amount per school year as"),
        ({"cost_type": "fte", "function": "docent LC"}, "Give the fte."),
        ({"cost_type": "fte", "fte": D("1")}, "Choose the function whose yearly cost applies."),
        ({"cost_type": "fte", "fte": D("-0.1"), "function": "docent LC"}, "The fte cannot be"),
        ({"cost_type": "hours", "hours": D("3")}, "Choose a function or give the cost of one"),
        ({"cost_type": "hours"}, "Give the number of hours per school year."),
        ({"cost_type": "bitcoin"}, "Choose what kind of cost the measure has."),
        ({"cost_type": "none", "last": -1}, "The last school year cannot come before the first."),
        ({"cost_type": "none", "last": 10}, "A measure runs for at most 10 school years."),
    ],
)
def test_measure_costs_refuses_invalid_input(process, year, fields, message):
    last = year + fields.pop("last", 0)
    with pytest.raises(DomainError) as refused:
        measure_costs(first_year=year, last_year=last, structural=True, **fields)
    assert refused.value.message.startswith(message)


def test_a_measure_cannot_start_before_the_process_school_year(plan, teacher, year):
    with pytest.raises(DomainError, match="starts in the school year"):
        add(plan, teacher, year - 1)


def test_changing_a_measure_computes_its_cost_again_and_keeps_its_history(plan, teacher, year):
    measure = add(plan, teacher, year, cost_type="fte", fte=D("0.6"), function="onderwijsassistent")
    FunctionCost.objects.filter(function="onderwijsassistent").update(yearly_cost=D("50000.00"))
    measure.refresh_from_db()
    assert measure.total_cost == D("27074.07")  # the stored amount until it is saved again

    measure_update(
        measure=measure,
        actor=teacher,
        data=data(
            year,
            title="Onderwijsassistent, hele week",
            cost_type="fte",
            fte=D("1.0"),
            function="onderwijsassistent",
        ),
    )

    measure.refresh_from_db()
    assert measure.title == "Onderwijsassistent, hele week"
    assert measure.total_cost == D("50000.00")
    assert measure.rates["yearly_cost"] == {str(year): "50000.00"}
    titles = [h.title for h in measure.history.order_by("history_id")]
    assert titles[0] == "Onderwijsassistent brugklas"
    assert titles[-1] == "Onderwijsassistent, hele week"


def test_saving_an_unchanged_measure_writes_nothing(plan, teacher, year):
    measure = add(plan, teacher, year)
    count = measure.history.count()
    measure_update(measure=measure, actor=teacher, data=data(year))
    assert measure.history.count() == count


def test_measures_are_numbered_in_the_order_they_are_added(plan, teacher, year):
    first = add(plan, teacher, year, title="Eerste")
    second = add(plan, teacher, year, title="Tweede")
    assert (first.order, second.order) == (0, 1)
    measure_delete(measure=first, actor=teacher)
    assert list(plan.measures.values_list("title", flat=True)) == ["Tweede"]
    assert Measure.history.filter(title="Eerste", history_type="-").exists()


def test_the_plan_records_its_analysis_and_causes(plan, teacher):
    plan_update(
        plan=plan,
        actor=teacher,
        analysis="  Te veel nakijkwerk in de toetsweken.  ",
        other_causes="",
        expected_effects="Minder avondwerk.",
        success_indicators="Enquête in juni.",
        causes=["marking", WorkloadCause.objects.get(code="meetings")],
    )
    plan.refresh_from_db()
    assert plan.analysis == "Te veel nakijkwerk in de toetsweken."
    assert set(plan.causes.values_list("code", flat=True)) == {"marking", "meetings"}
    count = plan.history.count()

    plan_update(
        plan=plan,
        actor=teacher,
        analysis="Te veel nakijkwerk in de toetsweken.",
        other_causes="",
        expected_effects="Minder avondwerk.",
        success_indicators="Enquête in juni.",
        causes=["meetings", "marking"],
    )
    assert plan.history.count() == count  # nothing changed, nothing written

    with pytest.raises(DomainError, match="Unknown workload cause: pizza."):
        plan_update(
            plan=plan,
            actor=teacher,
            analysis="",
            other_causes="",
            expected_effects="",
            success_indicators="",
            causes=["pizza"],
        )


# --- framework checks -------------------------------------------------------------------


def verdicts_for(plan, rule_):
    return [v for v in plan_verdicts(reload(plan)) if v.rule_key == str(rule_.pk)]


def test_max_cost_per_measure_is_checked_per_measure_over_all_years(
    process, plan, teacher, year, no_rules
):
    limit = rule(process, "max_cost_per_measure", max_amount=D("10000.00"))
    cheap = add(plan, teacher, year, amount=D("5000.00"), last_year=year + 1, structural=True)
    costly = add(plan, teacher, year, amount=D("5000.01"), last_year=year + 1, structural=True)

    verdicts = {v.measure_key: v for v in verdicts_for(plan, limit)}
    assert verdicts[str(cheap.pk)].ok
    assert not verdicts[str(costly.pk)].ok
    assert "costs €\u00a010,000.02, more than the maximum of €\u00a010,000.00" in (
        verdicts[str(costly.pk)].message
    )


def test_max_structural_share(process, plan, teacher, year, no_rules):
    limit = rule(process, "max_structural_share", severity="must", max_percentage=D("50"))
    add(plan, teacher, year, amount=D("5000.00"), structural=True)
    add(plan, teacher, year, amount=D("5000.00"), structural=False)
    (verdict,) = verdicts_for(plan, limit)
    assert verdict.ok

    add(plan, teacher, year, amount=D("0.01"), structural=True)
    (verdict,) = verdicts_for(plan, limit)
    assert not verdict.ok and verdict.blocks_submission


def test_categories_not_allowed(process, plan, teacher, year, no_rules):
    banned = rule(process, "categories_not_allowed", categories=["materials_ict"])
    laptops = add(plan, teacher, year, title="Laptops", category="materials_ict")
    assistant = add(plan, teacher, year)
    verdicts = {v.measure_key: v for v in verdicts_for(plan, banned)}
    assert not verdicts[str(laptops.pk)].ok
    assert verdicts[str(laptops.pk)].message == (
        "Laptops is in a category the frameworks rule out."
    )
    assert verdicts[str(assistant.pk)].ok


def test_within_unit_budget_counts_every_school_year(process, unit, plan, teacher, year, no_rules):
    budget = rule(process, "within_unit_budget", severity="must")
    set_budget(unit, D("10000.00"))
    add(plan, teacher, year, amount=D("3333.33"), last_year=year + 2, structural=True)
    add(plan, teacher, year, amount=D("0.01"))
    (verdict,) = verdicts_for(plan, budget)
    assert verdict.ok
    assert verdict.message == "The plan costs €\u00a010,000.00 of the budget of €\u00a010,000.00."

    add(plan, teacher, year, amount=D("0.01"))
    (verdict,) = verdicts_for(plan, budget)
    assert not verdict.ok
    assert (
        verdict.message
        == "The plan costs €\u00a010,000.01, more than the budget of €\u00a010,000.00."
    )


def test_spend_by_date(process, plan, teacher, year, no_rules):
    by_date = rule(process, "spend_by_date", deadline=datetime.date(year + 1, 7, 31))
    this_year = add(plan, teacher, year, title="Dit jaar")
    next_year = add(plan, teacher, year, title="Ook volgend jaar", last_year=year + 1)
    lasting = add(plan, teacher, year, title="Vaste baan", structural=True)
    verdicts = {v.measure_key: v for v in verdicts_for(plan, by_date)}
    assert verdicts[str(this_year.pk)].ok
    assert not verdicts[str(next_year.pk)].ok
    assert "runs past" in verdicts[str(next_year.pk)].message
    assert not verdicts[str(lasting.pk)].ok
    assert "structural commitment" in verdicts[str(lasting.pk)].message


def test_majority_benefit(process, plan, teacher, year, no_rules):
    majority = rule(process, "majority_benefit")
    half = add(plan, teacher, year, title="Half", benefit_share=D("50"))
    more = add(plan, teacher, year, title="Meer", benefit_share=D("50.01"))
    unknown = add(plan, teacher, year, title="Onbekend")
    verdicts = {v.measure_key: v for v in verdicts_for(plan, majority)}
    assert not verdicts[str(half.pk)].ok
    assert verdicts[str(half.pk)].message == "Half benefits 50% of the unit: not a majority."
    assert verdicts[str(more.pk)].ok and verdicts[str(unknown.pk)].ok


def test_verdicts_on_prefetched_objects_need_no_queries(
    process, unit, plan, teacher, year, django_assert_num_queries
):
    add(plan, teacher, year, amount=D("2000.00"))
    add(plan, teacher, year, amount=D("3000.00"), structural=True)
    loaded = reload(plan)
    measures = list(loaded.measures.select_related("category"))
    rules = list(FrameworkRule.objects.filter(process=process).prefetch_related("categories"))
    with django_assert_num_queries(0):
        verdicts = plan_verdicts(loaded, measures=measures, rules=rules)
    assert len(verdicts) == len(plan_verdicts(loaded))
    assert {v.rule_key for v in verdicts} == {str(r.pk) for r in rules if r.machine_check}


def test_the_benefit_share_is_a_percentage(plan, teacher, year):
    with pytest.raises(DomainError, match="percentage from 0 to 100"):
        add(plan, teacher, year, benefit_share=D("100.01"))


def test_a_failing_must_rule_blocks_submission_and_a_warning_does_not(
    process, unit, plan, teacher, year, no_rules
):
    rule(process, "within_unit_budget", severity="must")
    warning = rule(process, "max_cost_per_measure", max_amount=D("1000.00"))
    set_budget(unit, D("5000.00"))
    measure = add(plan, teacher, year, amount=D("6000.00"))

    with pytest.raises(DomainError) as refused:
        plan_submit(plan=plan, actor=teacher)
    assert refused.value.message == "The plan cannot be submitted yet."
    assert refused.value.details == [
        "The plan costs €\u00a06,000.00, more than the budget of €\u00a05,000.00."
    ]
    assert reload(plan).state == State.DRAFT
    assert not decisions(process, "plans.unit_plan.submitted")

    measure_update(measure=measure, actor=teacher, data=data(year, amount=D("4000.00")))
    assert not verdicts_for(plan, warning)[0].ok  # the warning still fails
    plan_submit(plan=plan, actor=teacher)
    assert reload(plan).state == State.SUBMITTED


def test_a_plan_without_measures_cannot_be_submitted(plan, teacher):
    with pytest.raises(DomainError) as refused:
        plan_submit(plan=plan, actor=teacher)
    assert refused.value.details == ["Add at least one measure."]


def test_a_warning_is_acknowledged_with_a_reason(process, plan, teacher, year, no_rules):
    warning = rule(process, "max_cost_per_measure", max_amount=D("1000.00"))
    must = rule(process, "max_cost_per_measure", severity="must", max_amount=D("1500.00"))
    costly = add(plan, teacher, year, amount=D("2000.00"))
    cheap = add(plan, teacher, year, amount=D("500.00"))

    made = warning_acknowledge(
        plan=plan, actor=teacher, rule=warning, measure=costly, reason="Past binnen het budget."
    )
    assert (made.reason, made.acknowledged_by, made.measure) == (
        "Past binnen het budget.",
        teacher,
        costly,
    )
    again = warning_acknowledge(
        plan=plan, actor=teacher, rule=warning, measure=costly, reason="Besproken met de MR."
    )
    assert again.pk == made.pk and again.reason == "Besproken met de MR."
    assert WarningAcknowledgement.objects.count() == 1

    with pytest.raises(DomainError, match="Give the reason"):
        warning_acknowledge(plan=plan, actor=teacher, rule=warning, measure=costly, reason=" ")
    with pytest.raises(DomainError, match="There is no warning to acknowledge here."):
        warning_acknowledge(plan=plan, actor=teacher, rule=must, measure=costly, reason="Toch.")
    with pytest.raises(DomainError, match="There is no warning to acknowledge here."):
        warning_acknowledge(plan=plan, actor=teacher, rule=warning, measure=cheap, reason="Ok.")
    with pytest.raises(DomainError, match="There is no warning to acknowledge here."):
        warning_acknowledge(plan=plan, actor=teacher, rule=warning, reason="Plan-wide.")
    assert WarningAcknowledgement.objects.count() == 1


# --- who may do what, and when -------------------------------------------------------------


def test_a_member_of_unit_a_cannot_edit_unit_bs_plan(process, teacher, year):
    other = other_unit(process)
    other_plan = plan_for_unit(unit=other)
    member = fresh(account_for(other).user)
    theirs = add(other_plan, member, year)
    warning = rule(process, "max_cost_per_measure", max_amount=D("1.00"))
    for actor in (teacher, user("directeur")):
        with pytest.raises(PermissionDenied):
            add(other_plan, actor, year)
        with pytest.raises(PermissionDenied):
            measure_update(measure=theirs, actor=actor, data=data(year, title="Gekaapt"))
        with pytest.raises(PermissionDenied):
            measure_delete(measure=theirs, actor=actor)
        with pytest.raises(PermissionDenied):
            plan_update(
                plan=other_plan,
                actor=actor,
                analysis="Gekaapt",
                other_causes="",
                expected_effects="",
                success_indicators="",
                causes=[],
            )
        with pytest.raises(PermissionDenied):
            warning_acknowledge(
                plan=other_plan, actor=actor, rule=warning, measure=theirs, reason="Gekaapt"
            )
    theirs.refresh_from_db()
    assert theirs.title == "Onderwijsassistent brugklas"
    assert other_plan.measures.count() == 1


def test_only_the_coordinator_submits(process, unit, plan, teacher, year):
    add(plan, teacher, year)
    member = fresh(account_for(unit).user)
    for actor in (member, user("directeur"), user("pmr2")):
        with pytest.raises(PermissionDenied):
            plan_submit(plan=plan, actor=actor)
    assert reload(plan).state == State.DRAFT
    plan_submit(plan=plan, actor=teacher)
    assert reload(plan).submitted_by == teacher


def test_without_a_coordinator_any_member_submits(process, unit, plan, teacher, year):
    """Step 7 skipped in a light process leaves a unit without a coordinator: its members
    then hand in the plan themselves; the director still cannot."""
    add(plan, teacher, year)
    WorkingMethod.objects.filter(unit=unit).delete()
    with pytest.raises(PermissionDenied):
        plan_submit(plan=plan, actor=user("directeur"))
    member = fresh(account_for(unit).user)
    plan_submit(plan=plan, actor=member)
    assert reload(plan).submitted_by == member


def test_a_leader_who_left_the_unit_no_longer_submits_but_the_members_do(
    process, unit, plan, teacher, year
):
    add(plan, teacher, year)
    member = fresh(account_for(unit).user)
    UnitMembership.objects.filter(staff_member__user=teacher, unit=unit).update(
        unit=other_unit(process)
    )
    with pytest.raises(PermissionDenied):
        plan_submit(plan=plan, actor=fresh(teacher))
    plan_submit(plan=plan, actor=member)
    assert reload(plan).state == State.SUBMITTED


@pytest.mark.parametrize("state", [StepState.LOCKED, StepState.DONE])
def test_nothing_is_edited_while_step_8_is_not_open(process, plan, teacher, year, state):
    measure = add(plan, teacher, year)
    process.steps.filter(number=8).update(state=state)
    message = "Plans can only be changed while step 8 is open."
    with pytest.raises(DomainError, match=message):
        add(plan, teacher, year)
    with pytest.raises(DomainError, match=message):
        measure_update(measure=measure, actor=teacher, data=data(year, title="Later"))
    with pytest.raises(DomainError, match=message):
        plan_submit(plan=plan, actor=teacher)
    assert plan.measures.count() == 1


def test_a_submitted_plan_is_not_edited(plan, teacher, year):
    measure = add(plan, teacher, year)
    plan_submit(plan=plan, actor=teacher)
    message = "The plan has been submitted"
    with pytest.raises(DomainError, match=message):
        add(plan, teacher, year)
    with pytest.raises(DomainError, match=message):
        measure_update(measure=measure, actor=teacher, data=data(year, title="Later"))
    with pytest.raises(DomainError, match=message):
        measure_delete(measure=measure, actor=teacher)
    with pytest.raises(DomainError, match=message):
        plan_submit(plan=plan, actor=teacher)


def test_a_unit_that_decides_by_vote_submits_only_the_approved_version(
    process, unit, plan, teacher, year
):
    WorkingMethod.objects.filter(unit=unit).update(decision_mode="vote")
    add(plan, teacher, year)
    with pytest.raises(DomainError) as refused:
        plan_submit(plan=plan, actor=teacher)
    assert refused.value.details == [
        "The unit decides by a vote: its members must first approve this version."
    ]
    now = timezone.now()
    vote = Vote.objects.create(
        process=process,
        unit=unit,
        kind=Vote.Kind.UNIT_PLAN,
        subject_revision=1,
        round=1,
        state=Vote.State.CLOSED,
        outcome=Vote.Outcome.ADOPTED,
        opens_at=now - datetime.timedelta(days=2),
        closes_at=now - datetime.timedelta(days=1),
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=teacher,
    )
    UnitPlan.objects.filter(pk=plan.pk).update(approval_vote=vote, approved_revision=1)

    # A change after the vote voids the approval: the voters did not see it.
    add(plan, teacher, year, title="Na de stemming")
    assert reload(plan).approved_revision is None
    with pytest.raises(DomainError):
        plan_submit(plan=plan, actor=teacher)

    UnitPlan.objects.filter(pk=plan.pk).update(approval_vote=vote, approved_revision=1)
    plan_submit(plan=plan, actor=teacher)
    assert reload(plan).state == State.SUBMITTED


def test_a_plan_is_frozen_while_its_unit_votes_on_it(process, unit, plan, teacher, year):
    measure = add(plan, teacher, year)
    now = timezone.now()
    Vote.objects.create(
        process=process,
        unit=unit,
        kind=Vote.Kind.UNIT_PLAN,
        subject_revision=1,
        round=1,
        state=Vote.State.OPEN,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=3),
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=teacher,
    )
    message = "The unit is voting on this plan"
    with pytest.raises(DomainError, match=message):
        add(plan, teacher, year)
    with pytest.raises(DomainError, match=message):
        measure_delete(measure=measure, actor=teacher)
    with pytest.raises(DomainError, match=message):
        plan_submit(plan=plan, actor=teacher)
    assert plan.measures.count() == 1


# --- returning and resubmitting ------------------------------------------------------------


def test_return_and_resubmit_keeps_the_history(process, plan, teacher, year):
    measure = add(plan, teacher, year, title="Versie 1")
    plan_submit(plan=plan, actor=teacher)

    director = user("directeur")
    returned = plan_return(plan=plan, actor=director, reason="Kosten per jaar ontbreken.")
    assert returned.state == State.RETURNED
    assert returned.revision == 2
    assert returned.return_reason == "Kosten per jaar ontbreken."
    assert returned.submitted_at is None

    measure_update(measure=measure, actor=teacher, data=data(year, title="Versie 2"))
    plan_submit(plan=plan, actor=teacher)

    plan = reload(plan)
    assert (plan.state, plan.revision) == (State.SUBMITTED, 2)
    states = [(h.state, h.revision) for h in plan.history.order_by("history_id")]
    assert states[0] == (State.DRAFT, 1)
    assert (State.SUBMITTED, 1) in states
    assert (State.RETURNED, 2) in states
    assert states[-1] == (State.SUBMITTED, 2)
    titles = [h.title for h in measure.history.order_by("history_id")]
    assert titles[0] == "Versie 1" and titles[-1] == "Versie 2"

    submitted, back, again = decisions(
        process,
        "plans.unit_plan.submitted",
        "plans.unit_plan.returned",
        "plans.unit_plan.resubmitted",
    )
    assert submitted.action == "plans.unit_plan.submitted"
    assert submitted.actor == teacher and submitted.step_number == 8
    assert submitted.content["measures"][0]["title"] == "Versie 1"
    assert submitted.content["revision"] == 1
    assert back.action == "plans.unit_plan.returned"
    assert back.actor == director
    assert back.grounds == "Kosten per jaar ontbreken."
    assert again.action == "plans.unit_plan.resubmitted"
    assert again.content["measures"][0]["title"] == "Versie 2"
    assert again.content["revision"] == 2
    assert "version 2" in again.summary


def test_returning_needs_the_director_or_pmr_a_reason_and_a_submitted_plan(
    process, plan, teacher, year
):
    add(plan, teacher, year)
    with pytest.raises(DomainError, match="Only a submitted plan can be returned."):
        plan_return(plan=plan, actor=user("pmr"), reason="Te vroeg.")
    plan_submit(plan=plan, actor=teacher)
    for actor in (teacher, user("stuurgroep"), user("directeur.baken")):
        with pytest.raises(PermissionDenied):
            plan_return(plan=plan, actor=actor, reason="Niet goed.")
    with pytest.raises(DomainError, match="Give the reason for returning the plan."):
        plan_return(plan=plan, actor=user("pmr"), reason="  ")
    assert reload(plan).state == State.SUBMITTED


def test_a_return_is_emailed_to_the_units_members_with_an_account(
    process, unit, plan, teacher, year, mailoutbox, django_capture_on_commit_callbacks
):
    member = account_for(unit)
    add(plan, teacher, year)
    plan_submit(plan=plan, actor=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        plan_return(plan=plan, actor=user("pmr"), reason="Graag meer over de effecten.")

    with_account = set(
        UnitMembership.objects.filter(
            unit=unit, staff_member__active=True, staff_member__user__isnull=False
        ).values_list("staff_member__user__email", flat=True)
    )
    assert {teacher.email, member.user.email} <= with_account
    assert {m.to[0] for m in mailoutbox} == with_account
    message = mailoutbox[0]
    assert f"The plan of {unit.name} was returned for revision" in message.subject
    assert "Graag meer over de effecten." in message.body
    assert f"/process/{process.pk}/unit-plans/unit/{unit.pk}/" in message.body


# --- step 8 completes ----------------------------------------------------------------------


def submit_every_plan(process, year, *, skip=()):
    for unit in units_of(process):
        if unit.name in skip:
            continue
        leader = coordinator(unit)
        plan = plan_for_unit(unit=unit)
        add(plan, leader, year, amount=D("10.00"))
        assert step(process, 8).state == StepState.OPEN
        plan_submit(plan=plan, actor=leader)


def test_step_8_completes_when_the_last_unit_submits_and_not_before(process, year):
    *first, last = units_of(process)
    submit_every_plan(process, year, skip={last.name})
    assert step(process, 8).state == StepState.OPEN

    leader = coordinator(last)
    plan = plan_for_unit(unit=last)
    add(plan, leader, year)
    plan_submit(plan=plan, actor=leader)

    assert step(process, 8).state == StepState.DONE
    assert step(process, 9).state == StepState.OPEN
    completed = decisions(process, "processes.step.completed")[-1]
    assert completed.step_number == 8
    assert completed.summary == "Step 8 completed: every unit has submitted its plan."
    assert completed.content["last_unit"] == last.name


def test_returning_a_plan_after_completion_reopens_step_8(process, year):
    submit_every_plan(process, year)
    assert step(process, 8).state == StepState.DONE
    unit = units_of(process)[0]

    plan_return(plan=plan_for_unit(unit=unit), actor=user("directeur"), reason="Onvolledig.")

    step8 = step(process, 8)
    assert step8.state == StepState.OPEN and step8.revision == 2
    assert step(process, 9).state == StepState.LOCKED
    reopened = decisions(process, "processes.step.reopened")[-1]
    assert reopened.step_number == 8
    assert unit.name in reopened.grounds

    leader = coordinator(unit)
    plan_submit(plan=plan_for_unit(unit=unit), actor=leader)
    assert step(process, 8).state == StepState.DONE


# --- the joint close -----------------------------------------------------------------------


def deadline_passed(process):
    UnitAnnouncement.objects.filter(process=process).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )


def test_the_joint_close_waits_for_the_deadline(process):
    with pytest.raises(DomainError, match="once the deadline"):
        step8_close(process=process, actor=user("directeur"))
    UnitAnnouncement.objects.filter(process=process).update(deadline=timezone.localdate())
    with pytest.raises(DomainError, match="once the deadline"):
        step8_close(process=process, actor=user("directeur"))
    assert not SignOff.objects.filter(step__process=process, step__number=8).exists()


def test_the_director_and_the_pmr_close_step_8_jointly_naming_the_units_without_a_plan(
    process, year
):
    submit_every_plan(process, year, skip={"MT", "OOP"})
    deadline_passed(process)
    with pytest.raises(PermissionDenied):
        step8_close(process=process, actor=user("docent"))
    with pytest.raises(PermissionDenied):
        step8_close(process=process, actor=user("stuurgroep"))

    step8_close(process=process, actor=user("directeur"), grounds="Termijn verstreken.")
    assert step(process, 8).state == StepState.OPEN
    with pytest.raises(DomainError, match="already confirmed"):
        step8_close(process=process, actor=user("directeur"))

    step8_close(process=process, actor=user("pmr"))

    assert step(process, 8).state == StepState.DONE
    assert step(process, 9).state == StepState.OPEN
    confirmations = decisions(process, "plans.unit_plans.close_confirmed")
    assert [d.content["side"] for d in confirmations] == ["director", "pmr"]
    assert confirmations[0].grounds == "Termijn verstreken."
    completed = decisions(process, "processes.step.completed")[-1]
    missing = [{"unit": u.pk, "name": u.name} for u in units_of(process) if u.name in ("MT", "OOP")]
    assert completed.content["units_without_plan"] == missing
    assert completed.summary == (
        "Step 8 closed by the director and the PMR after the deadline; "
        "units without a submitted plan: 2 (MT, OOP)."
    )


def test_the_joint_close_needs_step_8_open(process):
    deadline_passed(process)
    process.steps.filter(number=8).update(state=StepState.DONE)
    with pytest.raises(DomainError, match="Step 8 is not open"):
        step8_close(process=process, actor=user("directeur"))


# --- comments ------------------------------------------------------------------------------


def test_comments_by_whoever_can_see_the_plan(process, unit, plan, teacher, year):
    measure = add(plan, teacher, year)
    comment = measure_comment_add(measure=measure, actor=teacher, text="  Goed idee.  ")
    assert (comment.text, comment.author, comment.author_name) == (
        "Goed idee.",
        teacher,
        str(teacher),
    )
    outsider = fresh(account_for(other_unit(process)).user)
    with pytest.raises(PermissionDenied):  # a draft is the unit's own
        measure_comment_add(measure=measure, actor=outsider, text="Mag ik meedenken?")
    with pytest.raises(PermissionDenied):
        measure_comment_add(measure=measure, actor=user("directeur"), text="Nog niet.")

    plan_submit(plan=plan, actor=teacher)
    measure_comment_add(measure=measure, actor=outsider, text="Mooi plan.")
    measure_comment_add(measure=measure, actor=user("directeur"), text="Akkoord.")
    with pytest.raises(DomainError, match="Write a comment."):
        measure_comment_add(measure=measure, actor=teacher, text=" ")
    assert list(MeasureComment.objects.values_list("text", flat=True)) == [
        "Goed idee.",
        "Mooi plan.",
        "Akkoord.",
    ]


# --- who sees what ---------------------------------------------------------------------------


def test_a_draft_is_the_units_own_and_a_submitted_plan_the_schools(process, unit, plan, year):
    teacher = user("docent")
    add(plan, teacher, year)
    outsider = fresh(account_for(other_unit(process)).user)
    school = [user(local) for local in ("directeur", "pmr", "stuurgroep", "bestuur")]
    stranger = user("directeur.baken")

    def seen_by(actor):
        return fresh(actor).has_perm("plans.view_unit_plan", reload(plan))

    assert seen_by(teacher)
    assert not any(seen_by(actor) for actor in [outsider, stranger, *school])

    plan_submit(plan=plan, actor=teacher)
    assert all(seen_by(actor) for actor in [teacher, outsider, *school])
    assert not seen_by(stranger)

    plan_return(plan=plan, actor=user("pmr"), reason="Nog een keer.")
    assert seen_by(teacher) and not seen_by(outsider)
    process.steps.filter(number=8).update(state=StepState.DONE)
    assert seen_by(outsider)  # step 8 is done: every plan is public within the school


def test_the_director_and_the_pmr_see_the_overview_and_close_the_step(process):
    for local, allowed in (("directeur", True), ("pmr", True), ("docent", False)):
        for perm in ("plans.view_unit_plan_overview", "plans.close_unit_plans"):
            assert user(local).has_perm(perm, process) is allowed
    assert not user("directeur.baken").has_perm("plans.view_unit_plan_overview", process)
