"""Issue 18 item 3: next year's unit plan carries over a measure of last year's ratified plan
only with a recorded outcome of continue or adjust (schoolplans.services.evaluation
.measure_carry_over), keeping the reference and the verdict, shown in the unit plan."""

import pytest
from django.urls import reverse

from plans.models import Measure
from plans.services.unit_plans import plan_for_unit
from processes import services as process_services
from processes.models import Decision, SchoolRole
from schoolplans.models import MeasureCarryOver
from schoolplans.services import evaluation
from tests.fixtures.step8 import step8_process, unit_of, user
from tests.schoolplans.test_evaluation_cycle import MEASURES, full, ratify
from werkdruk.exceptions import DomainError


@pytest.fixture
def process(db):
    return step8_process()


@pytest.fixture
def last_year(process):
    director = SchoolRole.objects.filter(school=process.school, role="director").first().user
    previous = process_services.process_create(
        school=process.school, school_year=process.school_year.previous(), actor=director
    )
    year = previous.school_year.start_year
    return ratify(previous, [dict(m, first_year=year, last_year=year) for m in MEASURES])


@pytest.fixture
def moment(last_year):
    director = SchoolRole.objects.filter(school=last_year.school, role="director").first().user
    return evaluation.moment_add(
        process=last_year, actor=director, date=last_year.school_year.ends_on, title="Juni"
    )


def _record(moment, outcomes):
    director = (
        SchoolRole.objects.filter(school=moment.agreement.process.school, role="director")
        .first()
        .user
    )
    evaluation.outcomes_record(moment=moment, actor=director, outcomes=outcomes)


@pytest.fixture
def teacher():
    return user("docent")


@pytest.fixture
def plan(process):
    return plan_for_unit(unit=unit_of(process, "docent"))


def _carry(process, plan, teacher, key):
    return evaluation.measure_carry_over(process=process, plan=plan, actor=teacher, measure_key=key)


def test_refused_while_last_years_evaluation_is_not_recorded(process, plan, teacher, moment):
    with pytest.raises(DomainError, match="record the evaluation first"):
        _carry(process, plan, teacher, "11")
    assert not Measure.objects.filter(plan=plan).exists()


def test_refused_without_any_evaluation_moment(process, plan, teacher, last_year):
    with pytest.raises(DomainError, match="record the evaluation first"):
        _carry(process, plan, teacher, "11")


def test_refused_for_a_measure_recorded_as_stop(process, plan, teacher, moment):
    _record(moment, full())  # 11 continue, 12 adjust, 13 stop
    with pytest.raises(DomainError, match="stop"):
        _carry(process, plan, teacher, "13")
    assert not Measure.objects.filter(plan=plan).exists()


def test_refused_for_an_outcome_of_a_moment_not_fully_recorded(process, plan, teacher, moment):
    partial = full()
    del partial["13"]
    _record(moment, partial)
    with pytest.raises(DomainError, match="record the evaluation first"):
        _carry(process, plan, teacher, "11")


@pytest.mark.parametrize(("key", "verdict"), [("11", "continue"), ("12", "adjust")])
def test_carried_over_with_continue_or_adjust_keeping_the_verdict(
    process, plan, teacher, moment, key, verdict
):
    _record(moment, full())
    measure = _carry(process, plan, teacher, key)
    assert measure.plan == plan
    assert measure.first_year == process.school_year.start_year
    carried = MeasureCarryOver.objects.get(unit_measure=measure)
    assert carried.verdict == verdict
    assert carried.outcome.measure_key == key
    assert carried.from_school_year == str(process.school_year.previous())
    assert Decision.objects.filter(
        process=process, action="schoolplans.evaluation.measure_carried_over"
    ).exists()
    with pytest.raises(DomainError, match="already"):
        _carry(process, plan, teacher, key)


def test_only_who_edits_the_unit_plan_carries_over(process, plan, moment):
    from django.core.exceptions import PermissionDenied

    _record(moment, full())
    with pytest.raises(PermissionDenied):
        _carry(process, plan, user("directeur"), "11")


def test_an_unknown_measure_is_refused(process, plan, teacher, moment):
    _record(moment, full())
    with pytest.raises(DomainError, match="not in last year"):
        _carry(process, plan, teacher, "999")


def test_the_pages_offer_and_show_the_carried_measure(client, process, plan, teacher, moment):
    _record(moment, full())
    client.force_login(teacher)
    url = reverse("schoolplans:carry-over-measures", args=[process.pk, plan.unit_id])
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b'name="measure_key"') == 2  # continue and adjust, not stop
    response = client.post(url, {"measure_key": "12"})
    assert response.status_code == 302
    plan_page = client.get(reverse("plans:unit-plan", args=[process.pk, plan.unit_id]))
    assert b"measure-note" in plan_page.content
    assert "Carried over from" in plan_page.content.decode()


def test_carry_over_page_permissions(client, process, plan, moment, other_director):
    url = reverse("schoolplans:carry-over-measures", args=[process.pk, plan.unit_id])
    client.force_login(user("directeur"))
    assert client.get(url).status_code == 403
    client.force_login(other_director)
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
