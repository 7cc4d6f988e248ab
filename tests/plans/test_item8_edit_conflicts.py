"""Issue 14, item 8: no silent lost updates on a unit plan's measures and analysis, and on
the framework rules. Two people load the same form and both save: the first wins, the second
gets the conflict page (what they loaded, what is saved now, what they typed; who saved and
what to do) with their input kept, and can save again deliberately."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from plans.models import FrameworkRule, Measure, UnitPlan, WorkloadCause
from plans.services import frameworks as framework_services
from plans.services import unit_plans as services
from tests.fixtures.edit_conflicts import browser, conflict_rows, page_version
from werkdruk.edit_conflicts import EditConflict

from .test_unit_plan_pages import World, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return World()


def measure_post(world, version, **changes):
    data = {
        "title": "Extra lessons",
        "category": world.category.code,
        "cost_type": "fixed",
        "amount": "5000",
        "first_year": "2026",
        "last_year": "2026",
        "version": version,
    }
    data.update(changes)
    return data


# --- a measure ------------------------------------------------------------------------------


def test_item8_second_save_of_a_measure_gets_the_conflict_page_and_loses_nothing(world):
    measure = world.measure()  # "Extra lessons", 5000.00, by the coordinator
    first, second = browser(world.member_a), browser(world.coordinator)
    page = url("measure-update", world, measure.pk)
    loaded_first = page_version(first.get(page))
    loaded_second = page_version(second.get(page))
    assert loaded_first == loaded_second == "1"

    saved = first.post(page, measure_post(world, loaded_first, title="Fewer lessons"))
    response = second.post(
        page, measure_post(world, loaded_second, title="More lessons", amount="6000")
    )

    assert saved.status_code == 302
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="edit-conflict"' in html
    assert f"Saved by {escape(str(world.member_a))} on" in html
    assert "check the values saved now, adjust your changes" in html
    rows = conflict_rows(response)
    assert rows["Title changed by both"] == ("Extra lessons", "Fewer lessons", "More lessons")
    assert rows["Amount per school year (€) changed by you"] == (
        "€ 5,000.00",
        "€ 5,000.00",
        "€ 6,000.00",
    )
    assert 'value="More lessons"' in html  # the form keeps what they typed
    measure.refresh_from_db()
    assert (measure.title, measure.amount, measure.version) == (
        "Fewer lessons",
        Decimal("5000.00"),
        2,
    )

    assert page_version(response) == "2"  # saving again is deliberate now
    again = second.post(
        page, measure_post(world, page_version(response), title="More lessons", amount="6000")
    )
    assert again.status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.amount, measure.version) == (
        "More lessons",
        Decimal("6000.00"),
        3,
    )


def test_item8_measure_update_refuses_input_based_on_an_older_version(world):
    measure = world.measure()
    data = services.MeasureData(
        title="Fewer lessons",
        category=world.category,
        cost_type=Measure.CostType.FIXED,
        amount=Decimal("4000.00"),
        first_year=2026,
        last_year=2026,
    )
    services.measure_update(measure=measure, actor=world.member_a, data=data, version=1)

    stale = services.MeasureData(**{**data.__dict__, "title": "More lessons"})
    with pytest.raises(EditConflict) as conflict:
        services.measure_update(measure=measure, actor=world.coordinator, data=stale, version=1)

    assert (conflict.value.pk, conflict.value.loaded_version) == (measure.pk, 1)
    measure.refresh_from_db()
    assert (measure.title, measure.version) == ("Fewer lessons", 2)
    # The same input twice (a double click) is no conflict and writes nothing.
    services.measure_update(measure=measure, actor=world.member_a, data=data, version=1)
    measure.refresh_from_db()
    assert measure.version == 2


def test_item8_a_changed_cause_alone_counts_as_a_change(world):
    measure = world.measure()
    cause = WorkloadCause.objects.order_by("order").first()
    data = services.MeasureData(
        title="Extra lessons",
        category=world.category,
        cost_type=Measure.CostType.FIXED,
        amount=Decimal("5000.00"),
        first_year=2026,
        last_year=2026,
        causes=[cause],
    )
    services.measure_update(measure=measure, actor=world.member_a, data=data, version=1)
    measure.refresh_from_db()
    assert measure.version == 2
    with pytest.raises(EditConflict):
        services.measure_update(
            measure=measure,
            actor=world.coordinator,
            data=services.MeasureData(**{**data.__dict__, "causes": []}),
            version=1,
        )


# --- the plan's analysis --------------------------------------------------------------------


def test_item8_second_save_of_the_analysis_gets_the_conflict_page(world):
    world.plan()
    first, second = browser(world.member_a), browser(world.coordinator)
    plan_page = url("unit-plan", world)
    save = url("unit-plan-analysis", world)
    loaded_first = page_version(first.get(plan_page))
    loaded_second = page_version(second.get(plan_page))

    first.post(save, {"analysis": "Too many meetings.", "version": loaded_first})
    response = second.post(save, {"analysis": "Marking in May.", "version": loaded_second})

    assert response.status_code == 409
    rows = conflict_rows(response)
    assert rows["Analysis changed by both"] == ("–", "Too many meetings.", "Marking in May.")
    assert "Marking in May." in response.content.decode()
    plan = UnitPlan.objects.get(unit=world.unit_a)
    assert plan.analysis == "Too many meetings."

    again = second.post(save, {"analysis": "Marking in May.", "version": page_version(response)})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert (plan.analysis, plan.version) == ("Marking in May.", 3)


def test_item8_plan_update_refuses_input_based_on_an_older_version(world):
    plan = world.plan()
    texts = {"other_causes": "", "expected_effects": "", "success_indicators": "", "causes": []}
    services.plan_update(plan=plan, actor=world.member_a, analysis="A", version=1, **texts)
    with pytest.raises(EditConflict):
        services.plan_update(plan=plan, actor=world.coordinator, analysis="B", version=1, **texts)
    plan.refresh_from_db()
    assert (plan.analysis, plan.version) == ("A", 2)


# --- a framework rule -----------------------------------------------------------------------


RULE = {"kind": "financial", "severity": "warning", "machine_check": ""}


def test_item8_second_save_of_a_framework_rule_gets_the_conflict_page(process, director, pmr):
    rule = framework_services.framework_rule_create(
        process=process,
        actor=director,
        text="Stay within the budget.",
        kind="financial",
        machine_check="categories_not_allowed",
        categories=["other"],
    )
    first, second = browser(director), browser(pmr)
    page = reverse("plans:framework-update", args=[process.pk, rule.pk])
    loaded_first = page_version(first.get(page))
    loaded_second = page_version(second.get(page))

    first.post(page, {**RULE, "text": "Stay within the unit budget.", "version": loaded_first})
    response = second.post(page, {**RULE, "text": "Spend it all.", "version": loaded_second})

    assert response.status_code == 409
    rows = conflict_rows(response)
    assert rows["Rule changed by both"] == (
        "Stay within the budget.",
        "Stay within the unit budget.",
        "Spend it all.",
    )
    assert rows["Machine check changed by both"] == (
        "categories not allowed",
        "no machine check",
        "no machine check",
    )
    assert rows["Categories that are not allowed changed by both"] == ("Other", "–", "–")
    rule.refresh_from_db()
    assert (rule.text, rule.version) == ("Stay within the unit budget.", 2)

    again = second.post(page, {**RULE, "text": "Spend it all.", "version": page_version(response)})
    assert again.status_code == 302
    rule.refresh_from_db()
    assert (rule.text, rule.version) == ("Spend it all.", 3)


def test_item8_framework_rule_update_refuses_input_based_on_an_older_version(process, director):
    rule = framework_services.framework_rule_create(
        process=process, actor=director, text="A", kind="financial"
    )
    framework_services.framework_rule_update(
        rule=rule, actor=director, text="B", kind="financial", severity="warning", version=1
    )
    with pytest.raises(EditConflict):
        framework_services.framework_rule_update(
            rule=rule, actor=director, text="C", kind="financial", severity="warning", version=1
        )
    assert FrameworkRule.objects.get().text == "B"
