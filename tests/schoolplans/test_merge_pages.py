"""Step 9's pages: the school plan page (budget, checks, minority, overlaps, measures with
their trace and changes), the measure form, combining, the introduction and marking final;
who may read and do what; a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from processes.models import ProcessStep
from schoolplans.models import SchoolPlan, SchoolPlanMeasure, SchoolPlanVersion
from schoolplans.services import merge
from tests.fixtures.step8 import user
from werkdruk.money import format_euro

from .test_merge import by_title, copy_measures, measures, step9_process, update

D = Decimal
StepState = ProcessStep.State


def euro(amount) -> str:
    return escape(format_euro(D(amount)))


@pytest.fixture
def process(db):
    return step9_process()


@pytest.fixture
def year(process):
    return process.school_year.start_year


@pytest.fixture
def merger():
    return user("stuurgroep")


@pytest.fixture
def school_plan(process, merger):
    return merge.school_plan_create(process=process, actor=merger)


def url(name, process, *args):
    return reverse(f"schoolplans:{name}", args=[process.pk, *args])


def page_as(client, process, local):
    client.force_login(user(local))
    return client.get(url("merge", process))


def step(process, number):
    return process.steps.get(number=number)


# --- reading --------------------------------------------------------------------------------


def test_before_the_plan_exists_the_merger_sees_the_plans_and_creates_it(client, process):
    response = page_as(client, process, "stuurgroep")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="create"' in html
    assert "OP onderbouw" in html

    response = client.post(url("merge-create", process), follow=True)

    assert response.redirect_chain == [(url("merge", process), 302)]
    assert "The school plan was created with 6 measures from the unit plans." in (
        response.content.decode()
    )
    assert SchoolPlanMeasure.objects.filter(school_plan__process=process).count() == 6

    response = client.post(url("merge-create", process), follow=True)
    assert "Every measure of the submitted plans is already in the school plan." in (
        response.content.decode()
    )


def test_the_page_shows_budget_checks_minority_overlaps_trace_and_changes(
    client, process, school_plan, merger, year
):
    measure = by_title(school_plan, "Onderwijsassistenten brugklas")
    update(
        measure,
        merger,
        cost_per_year={year: D("9000.00"), year + 1: D("10000.01")},
        annotation="Past binnen de formatie.",
    )

    response = page_as(client, process, "stuurgroep")

    html = response.content.decode()
    assert response.status_code == 200
    # budget, cost per school year and remainder, per unit and for the school
    assert euro("50000.00") in html and euro("44000.01") in html  # onderbouw budget, cost
    assert euro("5999.99") in html  # its remainder
    assert html.count('data-testid="budget-unit"') == 5
    assert 'data-testid="budget-school"' in html
    # every verdict, passed or not
    assert 'data-ok="true"' in html and 'data-ok="false"' in html
    assert "Minder vergaderingen benefits 40% of the unit: not a majority." in html
    # the minority and the overlap, offered for combining
    assert 'data-testid="minority"' in html
    assert html.count('data-testid="overlap"') == 1
    assert 'data-testid="combine-pair"' in html
    # the change old -> new with the unit's original, and the trace
    assert f"was {euro('10000.01')} (OP onderbouw)" in html
    assert 'data-testid="change"' in html
    assert "Past binnen de formatie." in html
    assert html.count('data-testid="source"') == 6
    assert html.count('data-testid="edit"') == 6
    assert 'data-testid="mark-final"' in html


@pytest.mark.parametrize("local", ["directeur", "pmr", "stuurgroep"])
def test_the_director_the_pmr_and_the_merger_always_read_it(client, process, school_plan, local):
    assert page_as(client, process, local).status_code == 200


def test_staff_read_the_plan_once_step_9_is_done_and_see_every_change(
    client, process, school_plan, merger, year
):
    update(
        by_title(school_plan, "Coaching van teamleiders"),
        merger,
        cost_per_year={year: D("1200.00")},
    )
    assert page_as(client, process, "docent").status_code == 403

    merge.school_plan_mark_final(school_plan=school_plan, actor=merger)

    response = page_as(client, process, "docent")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"was {euro('1234.56')} (MT)" in html
    assert 'data-testid="edit"' not in html and 'data-testid="mark-final"' not in html
    assert 'data-testid="current-version"' in html


def test_another_school_sees_nothing(client, process, school_plan, merger):
    merge.school_plan_mark_final(school_plan=school_plan, actor=merger)
    measure = measures(school_plan)[0]
    client.force_login(user("directeur.baken"))
    assert client.get(url("merge", process)).status_code == 404
    assert client.get(url("merge-measure", process, measure.pk)).status_code == 404
    assert client.post(url("merge-final", process)).status_code == 404


def test_a_teacher_cannot_change_anything(client, process, school_plan, year):
    measure = measures(school_plan)[0]
    client.force_login(user("docent"))
    assert client.get(url("merge-measure", process, measure.pk)).status_code == 403
    for name, data in (
        ("merge-create", {}),
        ("merge-final", {}),
        ("merge-introduction", {"introduction": "Ik ook"}),
        ("merge-combine", {"measures": [m.pk for m in measures(school_plan)[:2]], "title": "X"}),
    ):
        assert client.post(url(name, process), data).status_code == 403
    assert client.post(url("merge-measure", process, measure.pk), {"title": "X"}).status_code == 403
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 6
    assert not SchoolPlanVersion.objects.exists()


# --- acting ---------------------------------------------------------------------------------


def form_data(measure, year, **changes):
    data = {
        "title": measure.title,
        "description": measure.description,
        "category": measure.category_id,
        "first_year": measure.first_year,
        "last_year": measure.last_year,
        "annotation": "",
        **{f"cost_{y}": measure.cost_per_year.get(str(y), "") for y in range(year, year + 5)},
    }
    if measure.structural:
        data["structural"] = "on"
    data.update(changes)
    return data


def test_the_measure_form_changes_a_measure(client, process, school_plan, year):
    measure = by_title(school_plan, "Coaching van teamleiders")
    client.force_login(user("stuurgroep"))
    response = client.get(url("merge-measure", process, measure.pk))
    assert response.status_code == 200
    assert 'data-testid="source"' in response.content.decode()

    response = client.post(
        url("merge-measure", process, measure.pk),
        form_data(measure, year, **{f"cost_{year}": "1.000,50", "annotation": "Iets minder."}),
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#measure-{measure.pk}")
    measure.refresh_from_db()
    assert measure.cost_per_year == {str(year): "1000.50"}
    assert measure.annotation == "Iets minder."


def test_an_amount_outside_the_measures_years_is_refused(client, process, school_plan, year):
    measure = by_title(school_plan, "Coaching van teamleiders")
    client.force_login(user("stuurgroep"))

    response = client.post(
        url("merge-measure", process, measure.pk),
        form_data(measure, year, **{f"cost_{year + 2}": "100"}),
    )

    assert response.status_code == 400
    assert "This school year is outside the measure&#x27;s school years." in (
        response.content.decode()
    )
    measure.refresh_from_db()
    assert measure.cost_per_year == {str(year): "1234.56"}


def test_a_measure_of_another_process_is_not_found(client, process, school_plan):
    client.force_login(user("stuurgroep"))
    missing = max(SchoolPlanMeasure.objects.values_list("pk", flat=True)) + 1
    assert client.get(url("merge-measure", process, missing)).status_code == 404


def test_combining_an_overlapping_pair(client, process, school_plan):
    first = by_title(school_plan, "Onderwijsassistent voor de brugklassen")
    second = by_title(school_plan, "Onderwijsassistenten brugklas")
    client.force_login(user("stuurgroep"))

    response = client.post(
        url("merge-combine", process),
        {"measures": [first.pk, second.pk], "title": "Onderwijsassistenten", "annotation": ""},
    )

    combined = SchoolPlanMeasure.objects.get(title="Onderwijsassistenten")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#measure-{combined.pk}")
    assert combined.source_links.count() == 2
    html = client.get(url("merge", process)).content.decode()
    assert 'data-testid="no-overlaps"' in html
    assert "Onderwijsassistent voor de brugklassen / Onderwijsassistenten brugklas" in html


def test_combining_one_measure_is_refused_on_the_page(client, process, school_plan):
    client.force_login(user("stuurgroep"))
    response = client.post(
        url("merge-combine", process),
        {"measures": [measures(school_plan)[0].pk], "title": "Alleen"},
    )
    assert response.status_code == 400
    assert "Choose at least two measures to combine." in response.content.decode()
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 6


def test_writing_the_introduction(client, process, school_plan):
    client.force_login(user("stuurgroep"))
    response = client.post(
        url("merge-introduction", process), {"introduction": "Samen met alle eenheden."}
    )
    assert response.status_code == 302
    assert SchoolPlan.objects.get().introduction == "Samen met alle eenheden."
    assert "Samen met alle eenheden." in client.get(url("merge", process)).content.decode()


def test_marking_final_on_the_page_completes_step_9(client, process, school_plan):
    client.force_login(user("stuurgroep"))

    response = client.post(url("merge-final", process), follow=True)

    html = response.content.decode()
    assert "Version 1 is final; step 9 is done." in html
    assert step(process, 9).state == StepState.DONE
    version = SchoolPlanVersion.objects.get()
    assert version.content_hash in html
    assert 'data-testid="mark-final"' not in html  # the step is done


def test_a_failing_must_framework_is_shown_instead_of_the_button(
    client, process, school_plan, merger, year
):
    update(
        by_title(school_plan, "Training gespreksvoering"),
        merger,
        cost_per_year={year: D("1000.01")},
    )
    client.force_login(user("stuurgroep"))
    html = client.get(url("merge", process)).content.decode()
    assert 'data-testid="refusals"' in html and 'data-testid="mark-final"' not in html

    response = client.post(url("merge-final", process), follow=True)
    assert "The school plan cannot be marked final yet." in response.content.decode()
    assert not SchoolPlanVersion.objects.exists()


# --- queries --------------------------------------------------------------------------------


def page_queries(client, process) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("merge", process))
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_with_many_measures(client, process, school_plan, merger):
    client.force_login(user("stuurgroep"))
    few = page_queries(client, process)
    merge.school_measures_combine(measures=measures(school_plan)[:2], actor=merger, title="Samen")
    copy_measures(school_plan, 4)
    assert SchoolPlanMeasure.objects.filter(school_plan=school_plan).count() == 25

    assert page_queries(client, process) == few


def test_anonymous_visitors_are_sent_to_sign_in(client, process):
    response = client.get(url("merge", process))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
