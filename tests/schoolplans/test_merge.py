"""Step 9 through the services: the school plan created from the submitted unit plans (every
measure traced to its source), totals and remainders to the cent, the framework verdicts,
minority benefit and overlaps, changing and combining measures (every change listed), who may
do what, and marking a version final (frozen with its hash, step 9 completed)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import MeasureCategory, UnitPlan
from plans.services.unit_plan_decisions import plan_return, plan_submit
from plans.services.unit_plans import MeasureData, measure_create, plan_for_unit
from processes import registry, services
from processes.agreement import content_hash
from processes.models import Decision, ProcessStep, SignOff
from schoolplans.models import MeasureSource, SchoolPlan, SchoolPlanMeasure, SchoolPlanVersion
from schoolplans.selectors.content import school_plan_content
from schoolplans.selectors.merge import step9_final_version_blocker
from schoolplans.services import merge
from tests.fixtures.step8 import coordinator, step8_process, units_of, user
from tests.fixtures.steps import assign_actor
from units.models import BudgetLine, OrganisationalUnit
from werkdruk.exceptions import DomainError

D = Decimal
StepState = ProcessStep.State
AgreedActor = ProcessStep.AgreedActor

# What each demo unit proposes: (title, category, amount per year, school years, structural,
# share of the unit that benefits).
SPECS = {
    "OP onderbouw": [
        ("Onderwijsassistenten brugklas", "extra_staff", "10000.01", 2, True, "80"),
        ("Minder vergaderingen", "task_relief", "25000.00", 1, False, "40"),
    ],
    "OP bovenbouw": [
        ("Onderwijsassistent voor de brugklassen", "extra_staff", "7777.77", 1, False, None)
    ],
    "OOP": [("Extra conciërge op het plein", "extra_staff", "3333.33", 1, False, "100")],
    "MT": [("Coaching van teamleiders", "professionalisation", "1234.56", 1, False, None)],
    "Leerlingzaken": [
        ("Training gespreksvoering", "professionalisation", "999.99", 1, False, None)
    ],
}
BUDGETS = {
    "OP onderbouw": D("50000.00"),
    "OP bovenbouw": D("10000.00"),
    "OOP": D("5000.00"),
    "MT": D("2000.00"),
    "Leerlingzaken": D("1000.00"),
}


def step(process, number):
    return process.steps.get(number=number)


def category(code):
    return MeasureCategory.objects.get(code=code)


def add_measure(plan, actor, year, spec):
    title, code, amount, years, structural, share = spec
    return measure_create(
        plan=plan,
        actor=actor,
        data=MeasureData(
            title=title,
            description=f"Voorstel: {title.lower()}.",
            category=category(code),
            cost_type="fixed",
            amount=D(amount),
            first_year=year,
            last_year=year + years - 1,
            structural=structural,
            benefit_share=D(share) if share else None,
        ),
    )


def step9_process(specs=None, *, agreed=AgreedActor.STEERING):
    """The demo school with steps 1-8 done: every unit submitted a plan with the measures of
    ``specs`` (the last submission completes step 8 and opens step 9), and the director
    recorded who carries out step 9."""
    specs = SPECS if specs is None else specs
    process = step8_process()
    year = process.school_year.start_year
    for name, amount in BUDGETS.items():
        OrganisationalUnit.objects.filter(process=process, name=name).update(amount=amount)
    for unit in units_of(process):
        leader = coordinator(unit)
        plan = plan_for_unit(unit=unit)
        for spec in specs[unit.name]:
            add_measure(plan, leader, year, spec)
        plan_submit(plan=plan, actor=leader)
    assert step(process, 9).state == StepState.OPEN
    assign_actor(step=step(process, 9), actor=user("directeur"), agreed_actor=agreed)
    return process


@pytest.fixture
def process(db):
    return step9_process()


@pytest.fixture
def year(process):
    return process.school_year.start_year


@pytest.fixture
def merger():
    """A member of the steering group: the agreed actor of step 9."""
    return user("stuurgroep")


@pytest.fixture
def school_plan(process, merger):
    return merge.school_plan_create(process=process, actor=merger)


def measures(school_plan):
    return list(SchoolPlanMeasure.objects.filter(school_plan=school_plan).order_by("order", "pk"))


def by_title(school_plan, title):
    return SchoolPlanMeasure.objects.get(school_plan=school_plan, title=title)


def content(school_plan):
    return school_plan_content(SchoolPlan.objects.get(pk=school_plan.pk))


def content_measure(data, measure):
    return next(m for m in data["measures"] if m["key"] == str(measure.pk))


def budget_row(data, name):
    return next(row for row in data["budget"]["units"] if row["name"] == name)


def update(measure, actor, **fields):
    values = {
        "title": measure.title,
        "description": measure.description,
        "category": measure.category,
        "cost_per_year": {int(y): D(v) for y, v in measure.cost_per_year.items()},
        "annotation": measure.annotation,
    }
    values.update(fields)
    return merge.school_measure_update(measure=measure, actor=actor, **values)


def decisions(process, action):
    return list(Decision.objects.filter(process=process, action=action).order_by("pk"))


def school_budget(process):
    return sum(BudgetLine.objects.filter(process=process).values_list("amount", flat=True), D(0))


# --- creating the school plan -------------------------------------------------------------


def test_every_submitted_measure_becomes_a_school_plan_measure_with_its_snapshot(
    process, school_plan, merger
):
    unit_measures = {
        m.pk: m
        for plan in UnitPlan.objects.filter(process=process)
        for m in plan.measures.select_related("category", "plan__unit")
    }
    rows = measures(school_plan)

    assert len(rows) == len(unit_measures) == 6
    assert school_plan.created and school_plan.added == 6
    for row in rows:
        (source,) = row.source_links.all()
        unit_measure = unit_measures[source.unit_measure_id]
        assert row.unit == source.unit == unit_measure.plan.unit
        assert source.unit_name == unit_measure.plan.unit.name
        assert source.plan_revision == unit_measure.plan.revision == 1
        for name in ("title", "description", "first_year", "last_year", "structural"):
            assert getattr(row, name) == getattr(source, name) == getattr(unit_measure, name)
        assert row.category == unit_measure.category
        assert source.category_code == unit_measure.category.code
        assert row.cost_per_year == source.cost_per_year == unit_measure.cost_per_year
        assert row.total_cost == source.total_cost == unit_measure.total_cost
        assert row.benefit_share == unit_measure.benefit_share
    # in unit name order, each unit's measures in their own order
    assert [r.title for r in rows][:3] == [
        "Training gespreksvoering",
        "Coaching van teamleiders",
        "Extra conciërge op het plein",
    ]
    (created,) = decisions(process, "schoolplans.school_plan.created")
    assert created.actor == merger and created.step_number == 9
    assert created.summary == (
        "School plan created from the submitted unit plans; measures taken over: 6 "
        "(Leerlingzaken, MT, OOP, OP bovenbouw, OP onderbouw)."
    )


def test_creating_again_adds_nothing_and_says_so(process, school_plan, merger):
    again = merge.school_plan_create(process=process, actor=merger)

    assert again.pk == school_plan.pk
    assert (again.created, again.added) == (False, 0)
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 6
    assert not decisions(process, "schoolplans.measures.added")


def test_a_plan_returned_and_submitted_again_adds_only_its_new_measure(
    process, school_plan, merger, year
):
    unit = OrganisationalUnit.objects.get(process=process, name="OOP")
    plan = plan_for_unit(unit=unit)
    plan_return(plan=plan, actor=user("directeur"), reason="Nog een maatregel graag.")
    assert step(process, 9).state == StepState.LOCKED
    with pytest.raises(DomainError, match="only be changed while step 9 is open"):
        merge.school_plan_create(process=process, actor=merger)
    leader = coordinator(unit)
    add_measure(plan, leader, year, ("Stiltewerkplek", "materials_ict", "450.00", 1, False, None))
    plan_submit(plan=plan, actor=leader)
    assert step(process, 9).state == StepState.OPEN

    again = merge.school_plan_create(process=process, actor=merger)

    assert (again.created, again.added) == (False, 1)
    added = by_title(school_plan, "Stiltewerkplek")
    assert added.source_links.get().plan_revision == 2
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 7
    (recorded,) = decisions(process, "schoolplans.measures.added")
    assert recorded.summary == (
        "Measures of unit plans submitted later added to the school plan: 1 (OOP)."
    )
    old = content_measure(
        content(school_plan), by_title(school_plan, "Extra conciërge op het plein")
    )
    assert old["sources"][0]["plan_revision"] == 1
    assert old["sources"][0]["current_revision"] == 2  # the unit's plan changed since


def test_who_may_create_the_school_plan(process):
    with pytest.raises(PermissionDenied):
        merge.school_plan_create(process=process, actor=user("docent"))
    with pytest.raises(PermissionDenied):
        merge.school_plan_create(process=process, actor=user("directeur.baken"))
    assert not SchoolPlan.objects.exists()
    # steering group agreed: the director and the PMR may act for it too
    merge.school_plan_create(process=process, actor=user("directeur"))
    assert SchoolPlan.objects.filter(process=process).exists()


def test_only_the_agreed_actor_merges(db):
    process = step9_process(agreed=AgreedActor.PMR)
    for local in ("directeur", "stuurgroep", "docent"):
        with pytest.raises(PermissionDenied):
            merge.school_plan_create(process=process, actor=user(local))
    merge.school_plan_create(process=process, actor=user("pmr"))


def test_the_school_plan_waits_for_step_9_and_for_its_actor(db):
    process = step8_process()
    process.steps.filter(number=9).update(agreed_actor="")
    with pytest.raises(DomainError, match="First record who carries out step 9"):
        merge.school_plan_create(process=process, actor=user("directeur"))
    process.steps.filter(number=9).update(agreed_actor=AgreedActor.DIRECTOR)
    with pytest.raises(DomainError, match="only be changed while step 9 is open"):
        merge.school_plan_create(process=process, actor=user("directeur"))


def test_without_a_submitted_plan_there_is_nothing_to_merge(process, merger):
    UnitPlan.objects.filter(process=process).update(state=UnitPlan.State.DRAFT)
    with pytest.raises(DomainError, match="There is no submitted unit plan to merge."):
        merge.school_plan_create(process=process, actor=merger)
    assert not SchoolPlan.objects.exists()


# --- totals, verdicts, minority, overlaps -----------------------------------------------------


def test_budget_cost_per_school_year_and_remainder_to_the_cent(process, school_plan, year):
    data = content(school_plan)
    y0, y1 = str(year), str(year + 1)

    assert data["years"] == [year, year + 1]
    onderbouw = budget_row(data, "OP onderbouw")
    assert onderbouw["budget"] == "50000.00"
    assert onderbouw["cost_per_year"] == {y0: "35000.01", y1: "10000.01"}
    assert onderbouw["total"] == "45000.02"
    assert onderbouw["remainder"] == "4999.98"
    assert budget_row(data, "OP bovenbouw")["remainder"] == "2222.23"
    assert budget_row(data, "Leerlingzaken")["remainder"] == "0.01"
    school = data["budget"]["school"]
    total = D("45000.02") + D("7777.77") + D("3333.33") + D("1234.56") + D("999.99")
    assert school["total"] == str(total) == "58345.67"
    assert school["cost_per_year"] == {y0: str(total - D("10000.01")), y1: "10000.01"}
    assert school["budget"] == str(school_budget(process))
    assert school["remainder"] == str(school_budget(process) - total)


def test_an_overrun_is_a_negative_remainder(process, school_plan, merger, year):
    measure = by_title(school_plan, "Training gespreksvoering")
    update(measure, merger, cost_per_year={year: D("1000.02")})

    row = budget_row(content(school_plan), "Leerlingzaken")
    assert (row["total"], row["remainder"]) == ("1000.02", "-0.02")


def test_deferred_unit_budgets_have_no_remainder(process, school_plan):
    OrganisationalUnit.objects.filter(process=process).update(amount=None)
    data = content(school_plan)
    assert {row["remainder"] for row in data["budget"]["units"]} == {None}
    assert data["budget"]["school"]["remainder"] is not None


def test_every_framework_verdict_per_unit_and_on_the_whole_plan(process, school_plan):
    data = content(school_plan)
    minority = by_title(school_plan, "Minder vergaderingen")

    groups = {group["name"]: group["verdicts"] for group in data["verdicts"]["units"]}
    assert set(groups) == set(BUDGETS)
    failing = [v for v in groups["OP onderbouw"] if not v["ok"]]
    assert [(v["severity"], v["measure"]) for v in failing] == [("warning", str(minority.pk))]
    assert failing[0]["message"] == "Minder vergaderingen benefits 40% of the unit: not a majority."
    checks = {v["rule"] for v in groups["OP onderbouw"]}
    assert len(checks) == 4  # the demo's four machine-checked frameworks
    budget_verdict = next(
        v for v in data["verdicts"]["school"] if v["measure"] is None and "budget" in v["message"]
    )
    assert budget_verdict["ok"] is True
    assert budget_verdict["rule_text"].startswith("Het plan van een eenheid blijft binnen")
    assert [v["measure"] for v in data["verdicts"]["school"] if not v["ok"]] == [str(minority.pk)]


def test_measures_that_benefit_a_minority_of_their_unit_are_flagged(school_plan):
    data = content(school_plan)
    minority = by_title(school_plan, "Minder vergaderingen")

    assert data["minority_benefit"] == [str(minority.pk)]
    assert content_measure(data, minority)["minority_benefit"] is True
    majority = by_title(school_plan, "Onderwijsassistenten brugklas")  # 80%
    unknown = by_title(school_plan, "Coaching van teamleiders")  # share not given
    assert not content_measure(data, majority)["minority_benefit"]
    assert not content_measure(data, unknown)["minority_benefit"]


def test_overlapping_measures_of_different_units_are_offered(school_plan):
    data = content(school_plan)
    first = by_title(school_plan, "Onderwijsassistent voor de brugklassen")
    second = by_title(school_plan, "Onderwijsassistenten brugklas")

    assert [(o["first"], o["second"]) for o in data["overlaps"]] == [
        (str(first.pk), str(second.pk))
    ]
    assert data["overlaps"][0]["reason"].startswith("Same category and similar titles")


def copy_measures(school_plan, times):
    """More measures in the school plan: copies of each one, each with a copy of its source
    (and so of its unit, changes and verdicts)."""
    for measure in measures(school_plan):
        sources = list(measure.source_links.all())
        for _copy in range(times):
            measure.pk = None
            measure.save()
            for source in sources:
                source.pk, source.unit_measure, source.school_measure = None, None, measure
                source.save()


def content_queries(school_plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        content(school_plan)
    return len(queries)


def test_the_content_costs_a_fixed_number_of_queries(school_plan, merger):
    few = content_queries(school_plan)
    merge.school_measures_combine(measures=measures(school_plan)[:2], actor=merger, title="Samen")
    copy_measures(school_plan, 4)
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 25

    assert content_queries(school_plan) == few


# --- changing and combining -----------------------------------------------------------------


def test_a_changed_measure_lists_every_change_from_its_unit_old_to_new(
    process, school_plan, merger, year
):
    measure = by_title(school_plan, "Onderwijsassistenten brugklas")

    update(
        measure,
        merger,
        title="Onderwijsassistent brugklas (0,8 fte)",
        category=category("task_relief"),
        cost_per_year={year: D("9000.00"), year + 1: D("10000.01")},
        annotation="Past binnen de formatie.",
    )

    measure.refresh_from_db()
    assert measure.cost_per_year == {str(year): "9000.00", str(year + 1): "10000.01"}
    assert measure.total_cost == D("19000.01")
    assert measure.source_links.count() == 1
    row = content_measure(content(school_plan), measure)
    assert row["annotation"] == "Past binnen de formatie."
    assert row["changes"] == [
        {
            "field": "title",
            "old": "Onderwijsassistenten brugklas",
            "new": "Onderwijsassistent brugklas (0,8 fte)",
            "unit": "OP onderbouw",
            "year": None,
        },
        {
            "field": "category",
            "old": "extra_staff",
            "new": "task_relief",
            "unit": "OP onderbouw",
            "year": None,
        },
        {
            "field": "cost_per_year",
            "old": "10000.01",
            "new": "9000.00",
            "unit": "OP onderbouw",
            "year": year,
        },
        {
            "field": "total_cost",
            "old": "20000.02",
            "new": "19000.01",
            "unit": "OP onderbouw",
            "year": None,
        },
    ]
    assert budget_row(content(school_plan), "OP onderbouw")["remainder"] == "5999.99"


def test_changing_the_school_years_and_structural(school_plan, merger, year):
    measure = by_title(school_plan, "Extra conciërge op het plein")
    update(
        measure,
        merger,
        first_year=year + 1,
        last_year=year + 2,
        structural=True,
        cost_per_year={year + 1: D("1000.00"), year + 2: D("1000.00")},
    )
    changes = {
        (c["field"], c["year"]): (c["old"], c["new"])
        for c in content_measure(content(school_plan), measure)["changes"]
    }
    assert changes == {
        ("first_year", None): (year, year + 1),
        ("last_year", None): (year, year + 2),
        ("structural", None): (False, True),
        ("cost_per_year", year): ("3333.33", "0.00"),
        ("cost_per_year", year + 1): ("0.00", "1000.00"),
        ("cost_per_year", year + 2): ("0.00", "1000.00"),
        ("total_cost", None): ("3333.33", "2000.00"),
    }


def test_a_changed_amount_is_listed_in_the_decision_list(process, school_plan, merger, year):
    """Issue 15, item 7: money the units agreed on, changed while merging, is on record."""
    measure = by_title(school_plan, "Onderwijsassistenten brugklas")
    before = measure.total_cost
    update(measure, merger, annotation="Alleen de toelichting.")
    assert not decisions(process, "schoolplans.measure.amount_changed")

    update(measure, merger, cost_per_year={year: D("9000.00"), year + 1: D("10000.01")})

    (decision,) = decisions(process, "schoolplans.measure.amount_changed")
    assert decision.step_number == 9 and decision.actor == merger
    assert decision.content["before"]["total"] == str(before)
    assert decision.content["after"]["total"] == "19000.01"
    assert "19,000.01" in decision.summary  # the tests here run in English


def test_unchanged_input_writes_nothing(school_plan, merger):
    measure = by_title(school_plan, "Coaching van teamleiders")
    history = measure.history.count()
    update(measure, merger)
    assert measure.history.count() == history


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "  "}, "Title is required."),
        ({"cost_per_year": {"year+5": D("1.00")}}, "outside the measure's school years"),
        ({"cost_per_year": {"year": D("-1.00")}}, "An amount cannot be negative."),
        ({"cost_per_year": {"year": D("1.001")}}, "at most two decimals"),
        ({"cost_per_year": {"year": 1.5}}, "at most two decimals"),
        ({"first_year": "year+1", "last_year": "year"}, "cannot come before the first"),
        ({"category": "extra_staff"}, "Choose the measure's category."),
    ],
)
def test_a_change_is_validated(school_plan, merger, year, fields, message):
    def resolve(value):
        if isinstance(value, str) and value.startswith("year"):
            return year + int(value[5:] or 0) if "+" in value else year
        return value

    fields = {
        name: (
            {resolve(k): v for k, v in value.items()} if isinstance(value, dict) else resolve(value)
        )
        for name, value in fields.items()
    }
    measure = by_title(school_plan, "Coaching van teamleiders")
    with pytest.raises(DomainError, match=message):
        update(measure, merger, **fields)
    measure.refresh_from_db()
    assert measure.title == "Coaching van teamleiders"


def test_a_teacher_or_another_school_cannot_change_the_school_plan(school_plan):
    measure = by_title(school_plan, "Coaching van teamleiders")
    for actor in (user("docent"), user("directeur.baken")):
        with pytest.raises(PermissionDenied):
            update(measure, actor, title="Anders")
        with pytest.raises(PermissionDenied):
            merge.school_plan_annotate(school_plan=school_plan, actor=actor, introduction="X")


def test_combining_keeps_every_source_and_sums_the_cost(process, school_plan, merger, year):
    first = by_title(school_plan, "Onderwijsassistent voor de brugklassen")
    second = by_title(school_plan, "Onderwijsassistenten brugklas")
    sources_before = MeasureSource.objects.filter(school_measure__school_plan=school_plan).count()

    combined = merge.school_measures_combine(
        measures=[first, second],
        actor=merger,
        title="Onderwijsassistenten onder- en bovenbouw",
        annotation="Eén vacature voor beide eenheden.",
    )

    assert not SchoolPlanMeasure.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert combined.unit is None  # two units
    assert combined.category.code == "extra_staff"
    assert combined.cost_per_year == {str(year): "17777.78", str(year + 1): "10000.01"}
    assert combined.total_cost == D("27777.79")
    assert (combined.first_year, combined.last_year, combined.structural) == (
        year,
        year + 1,
        True,
    )
    assert combined.benefit_share is None
    assert combined.description == (
        "Voorstel: onderwijsassistent voor de brugklassen.\n\n"
        "Voorstel: onderwijsassistenten brugklas."
    )
    assert {s.unit_name for s in combined.source_links.all()} == {"OP bovenbouw", "OP onderbouw"}
    assert (
        MeasureSource.objects.filter(school_measure__school_plan=school_plan).count()
        == sources_before
    )
    row = content_measure(content(school_plan), combined)
    # against the sum of its sources only the title changed (sources in unit name order)
    assert row["changes"] == [
        {
            "field": "title",
            "old": "Onderwijsassistent voor de brugklassen / Onderwijsassistenten brugklas",
            "new": "Onderwijsassistenten onder- en bovenbouw",
            "unit": "OP bovenbouw, OP onderbouw",
            "year": None,
        }
    ]
    (recorded,) = decisions(process, "schoolplans.measures.combined")
    assert recorded.actor == merger
    assert "Onderwijsassistenten onder- en bovenbouw" in recorded.summary
    assert content(school_plan)["overlaps"] == []


def test_a_combined_measure_counts_for_each_unit_to_the_cent(school_plan, merger, year):
    combined = merge.school_measures_combine(
        measures=[
            by_title(school_plan, "Onderwijsassistent voor de brugklassen"),
            by_title(school_plan, "Onderwijsassistenten brugklas"),
        ],
        actor=merger,
        title="Onderwijsassistenten",
    )
    update(combined, merger, cost_per_year={year: D("17777.79"), year + 1: D("10000.01")})

    data = content(school_plan)
    onderbouw, bovenbouw = budget_row(data, "OP onderbouw"), budget_row(data, "OP bovenbouw")
    # 17777.79 split 10000.01 : 7777.77; the cent left over goes to the larger remainder
    assert onderbouw["cost_per_year"][str(year)] == "35000.02"
    assert bovenbouw["cost_per_year"][str(year)] == "7777.77"
    unit_totals = sum(D(row["total"]) for row in data["budget"]["units"])
    assert unit_totals == D(data["budget"]["school"]["total"]) == D("58345.68")
    changes = content_measure(data, combined)["changes"]
    assert [(c["field"], c["old"], c["new"]) for c in changes if c["field"] != "title"] == [
        ("cost_per_year", "17777.78", "17777.79"),
        ("total_cost", "27777.79", "27777.80"),
    ]


def test_combining_measures_of_one_unit_keeps_the_unit(school_plan, merger):
    first = by_title(school_plan, "Onderwijsassistenten brugklas")
    second = by_title(school_plan, "Minder vergaderingen")
    combined = merge.school_measures_combine(
        measures=[second, first], actor=merger, title="Pakket onderbouw", description="Samen."
    )
    assert combined.unit.name == "OP onderbouw"
    assert combined.category.code == "task_relief"  # the first one's
    assert combined.benefit_share == D("80")
    assert combined.description == "Samen."


def test_combining_is_refused_for_fewer_than_two_or_foreign_measures(school_plan, merger):
    measure = by_title(school_plan, "Coaching van teamleiders")
    with pytest.raises(DomainError, match="at least two measures"):
        merge.school_measures_combine(measures=[measure, measure], actor=merger, title="X")
    with pytest.raises(DomainError, match="at least two measures"):
        merge.school_measures_combine(measures=[measure], actor=merger, title="X")
    with pytest.raises(DomainError, match="Title is required"):
        merge.school_measures_combine(measures=measures(school_plan)[:2], actor=merger, title=" ")
    with pytest.raises(PermissionDenied):
        merge.school_measures_combine(
            measures=measures(school_plan)[:2], actor=user("docent"), title="X"
        )
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 6


def test_combining_keeps_the_limits_of_a_measure_changed_by_hand(school_plan, merger):
    first, second = measures(school_plan)[:2]
    year = str(first.first_year)
    SchoolPlanMeasure.objects.filter(pk__in=[first.pk, second.pk]).update(
        cost_per_year={year: "6000000000.00"}, total_cost=D("6000000000.00")
    )
    with pytest.raises(DomainError, match="costs too much"):
        merge.school_measures_combine(measures=[first, second], actor=merger, title="Te veel")
    SchoolPlanMeasure.objects.filter(pk=second.pk).update(
        cost_per_year={year: "1.00"},
        total_cost=D("1.00"),
        first_year=first.first_year + 5,
        last_year=first.first_year + 10,
    )
    with pytest.raises(DomainError, match="at most 10 school years"):
        merge.school_measures_combine(measures=[first, second], actor=merger, title="Te lang")
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 6
    assert not Decision.objects.filter(action="schoolplans.measures.combined").exists()


def test_every_measure_keeps_a_source_and_every_change_is_listed(school_plan, merger, year):
    combined = merge.school_measures_combine(
        measures=measures(school_plan)[:3], actor=merger, title="Drie in één"
    )
    update(combined, merger, description="Nieuw.")
    update(
        by_title(school_plan, "Minder vergaderingen"),
        merger,
        cost_per_year={year: D("24999.99")},
    )

    data = content(school_plan)
    assert all(measure["sources"] for measure in data["measures"])
    assert sum(len(m["sources"]) for m in data["measures"]) == 6
    changed = {
        m["title"]: {c["field"] for c in m["changes"]} for m in data["measures"] if m["changes"]
    }
    assert changed == {
        "Drie in één": {"title", "description", "category"},
        "Minder vergaderingen": {"cost_per_year", "total_cost"},
    }


def test_the_introduction(school_plan, merger):
    merge.school_plan_annotate(school_plan=school_plan, actor=merger, introduction="  Samen.  ")
    assert SchoolPlan.objects.get().introduction == "Samen."
    assert content(school_plan)["introduction"] == "Samen."


# --- marking a version final ------------------------------------------------------------------


def test_marking_final_freezes_a_version_with_its_hash_and_completes_step_9(
    process, school_plan, merger
):
    version = merge.school_plan_mark_final(school_plan=school_plan, actor=merger)

    assert version.number == 1
    assert version.content == content(school_plan)
    assert version.content_hash == content_hash(version.content)
    assert len(version.content_hash) == 64
    assert version.created_by == merger
    assert step(process, 9).state == StepState.DONE
    assert step(process, 10).state == StepState.OPEN
    (recorded,) = decisions(process, "schoolplans.version.marked_final")
    assert recorded.summary == "School plan version 1 marked final."
    assert recorded.content == {"version": 1, "sha256": version.content_hash}
    assert decisions(process, "processes.step.completed")[-1].step_number == 9
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(DomainError, match="only be changed while step 9 is open"):
        update(by_title(school_plan, "Coaching van teamleiders"), merger, title="Later")


def test_unchanged_content_does_not_make_a_new_version(process, school_plan, merger):
    first = merge.school_plan_mark_final(school_plan=school_plan, actor=merger)
    services.step_reopen(step=step(process, 9), actor=user("directeur"), grounds="Nog eens.")

    again = merge.school_plan_mark_final(school_plan=school_plan, actor=merger)

    assert again.pk == first.pk
    assert SchoolPlanVersion.objects.count() == 1
    assert step(process, 9).state == StepState.DONE

    services.step_reopen(step=step(process, 9), actor=user("directeur"), grounds="Toch iets.")
    merge.school_plan_annotate(school_plan=school_plan, actor=merger, introduction="Nieuw.")
    second = merge.school_plan_mark_final(school_plan=school_plan, actor=merger)
    assert second.number == 2 and second.content_hash != first.content_hash
    assert SchoolPlanVersion.objects.get(number=1).content == first.content  # kept as it was


def test_only_the_agreed_actor_marks_final(db):
    process = step9_process(agreed=AgreedActor.DIRECTOR)
    school_plan = merge.school_plan_create(process=process, actor=user("directeur"))
    for local in ("pmr", "stuurgroep", "docent", "directeur.baken"):
        with pytest.raises(PermissionDenied):
            merge.school_plan_mark_final(school_plan=school_plan, actor=user(local))
    assert not SchoolPlanVersion.objects.exists()
    merge.school_plan_mark_final(school_plan=school_plan, actor=user("directeur"))
    assert step(process, 9).state == StepState.DONE


def test_a_failing_must_framework_keeps_the_plan_from_being_final(
    process, school_plan, merger, year
):
    update(
        by_title(school_plan, "Training gespreksvoering"),
        merger,
        cost_per_year={year: D("1000.01")},
    )
    with pytest.raises(DomainError, match="cannot be marked final yet") as refused:
        merge.school_plan_mark_final(school_plan=school_plan, actor=merger)
    assert refused.value.details == [
        "The plan costs €\u00a01,000.01, more than the budget of €\u00a01,000.00."
    ]
    assert not SchoolPlanVersion.objects.exists()
    assert step(process, 9).state == StepState.OPEN


def test_done_jointly_each_side_marks_final_and_a_change_voids_a_sign_off(db):
    process = step9_process(agreed=AgreedActor.BOTH)
    director, pmr = user("directeur"), user("pmr")
    with pytest.raises(PermissionDenied):
        merge.school_plan_create(process=process, actor=user("stuurgroep"))
    school_plan = merge.school_plan_create(process=process, actor=director)

    first = merge.school_plan_mark_final(school_plan=school_plan, actor=director)
    assert step(process, 9).state == StepState.OPEN
    assert [s.side for s in SignOff.objects.filter(step__process=process, step__number=9)] == [
        "director"
    ]

    merge.school_plan_annotate(school_plan=school_plan, actor=pmr, introduction="Aanvulling.")
    step9 = step(process, 9)
    assert step9.state == StepState.OPEN and step9.revision == 2  # the director's sign-off void
    assert "Changed after sign-off" in decisions(process, "processes.step.reopened")[-1].grounds

    second = merge.school_plan_mark_final(school_plan=school_plan, actor=pmr)
    assert second.number == 2 and second.pk != first.pk
    assert step(process, 9).state == StepState.OPEN
    third = merge.school_plan_mark_final(school_plan=school_plan, actor=director)
    assert third.pk == second.pk  # unchanged: the same version
    assert step(process, 9).state == StepState.DONE


def test_the_blocker_asks_for_a_final_version_equal_to_the_plan(process, merger, monkeypatch):
    blockers = {**registry._blockers, 9: [step9_final_version_blocker]}
    monkeypatch.setattr(registry, "_blockers", blockers)
    step9 = step(process, 9)
    assert step9_final_version_blocker(step9) == [
        "Create the school plan from the unit plans and mark a version final."
    ]
    school_plan = merge.school_plan_create(process=process, actor=merger)
    assert step9_final_version_blocker(step9) == ["Mark a version of the school plan final."]
    with pytest.raises(DomainError) as refused:
        services.step_complete(step=step9, actor=merger)
    assert refused.value.details == ["Mark a version of the school plan final."]

    merge.school_plan_mark_final(school_plan=school_plan, actor=merger)
    assert step9_final_version_blocker(step(process, 9)) == []
    assert step(process, 9).state == StepState.DONE
