"""Issue 14, item 8: no silent lost updates in the school plan (a measure, the introduction)
and the evaluation agreement: the second of two people saving from the same loaded form gets
the conflict page with their input kept, and can then save deliberately."""

from decimal import Decimal

import pytest
from django.urls import reverse

from processes.models import SchoolRole
from schoolplans.models import EvaluationAgreement, SchoolPlan
from schoolplans.services import merge
from tests.factories import SchoolRoleFactory
from tests.fixtures.edit_conflicts import browser, conflict_rows, page_version
from tests.fixtures.step8 import user
from werkdruk.edit_conflicts import EditConflict

from .test_merge import by_title, step9_process
from .test_merge_pages import form_data
from .test_ratification import EVALUATION, published  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(db):
    return step9_process()


@pytest.fixture
def school_plan(process):
    return merge.school_plan_create(process=process, actor=user("stuurgroep"))


@pytest.fixture
def mergers(process):
    """Two members of the steering group, which carries out step 9."""
    other = SchoolRoleFactory(school=process.school, role=SchoolRole.Role.STEERING).user
    return browser(user("stuurgroep")), browser(other)


def url(name, process, *args):
    return reverse(f"schoolplans:{name}", args=[process.pk, *args])


def test_item8_second_save_of_a_school_plan_measure_gets_the_conflict_page(
    process, school_plan, mergers
):
    measure = by_title(school_plan, "Coaching van teamleiders")
    year = process.school_year.start_year
    first, second = mergers
    page = url("merge-measure", process, measure.pk)
    loaded_first = page_version(first.get(page))
    loaded_second = page_version(second.get(page))

    saved = first.post(
        page, form_data(measure, year, annotation="Iets minder.", version=loaded_first)
    )
    response = second.post(
        page,
        form_data(measure, year, **{f"cost_{year}": "2000", "version": loaded_second}),
    )

    assert saved.status_code == 302
    assert response.status_code == 409
    rows = conflict_rows(response)
    assert rows["Note of the merging group changed by someone else"] == ("–", "Iets minder.", "–")
    assert rows[f"{year}-{year + 1} changed by you"] == ("€ 1,234.56", "€ 1,234.56", "€ 2,000.00")
    measure.refresh_from_db()
    assert (measure.annotation, measure.cost_per_year, measure.version) == (
        "Iets minder.",
        {str(year): "1234.56"},
        2,
    )

    again = second.post(
        page,
        form_data(
            measure,
            year,
            annotation="Iets minder.",
            **{f"cost_{year}": "2000", "version": page_version(response)},
        ),
    )
    assert again.status_code == 302
    measure.refresh_from_db()
    assert (measure.annotation, measure.cost_per_year) == ("Iets minder.", {str(year): "2000.00"})


def test_item8_school_measure_update_refuses_input_based_on_an_older_version(school_plan):
    measure = by_title(school_plan, "Coaching van teamleiders")
    change = {
        "title": measure.title,
        "description": measure.description,
        "category": measure.category,
        "cost_per_year": {measure.first_year: Decimal("1000")},
    }
    merge.school_measure_update(
        measure=measure, actor=user("stuurgroep"), annotation="A", version=1, **change
    )
    with pytest.raises(EditConflict):
        merge.school_measure_update(
            measure=measure, actor=user("stuurgroep"), annotation="B", version=1, **change
        )
    measure.refresh_from_db()
    assert (measure.annotation, measure.version) == ("A", 2)


def test_item8_second_save_of_the_introduction_gets_the_conflict_page(
    process, school_plan, mergers
):
    first, second = mergers
    page = url("merge", process)
    save = url("merge-introduction", process)
    loaded_first = page_version(first.get(page))
    loaded_second = page_version(second.get(page))

    first.post(save, {"introduction": "Samen met alle eenheden.", "version": loaded_first})
    response = second.post(save, {"introduction": "Door de stuurgroep.", "version": loaded_second})

    assert response.status_code == 409
    assert conflict_rows(response)["Introduction changed by both"] == (
        "–",
        "Samen met alle eenheden.",
        "Door de stuurgroep.",
    )
    assert SchoolPlan.objects.get().introduction == "Samen met alle eenheden."
    again = second.post(
        save, {"introduction": "Door de stuurgroep.", "version": page_version(response)}
    )
    assert again.status_code == 302
    assert SchoolPlan.objects.get().introduction == "Door de stuurgroep."


def test_item8_director_and_pmr_both_record_the_evaluation_agreement(published):  # noqa: F811
    director, pmr = browser(user("directeur")), browser(user("pmr"))
    page = reverse("schoolplans:evaluation", args=[published.process.pk])
    loaded_director = page_version(director.get(page))
    loaded_pmr = page_version(pmr.get(page))
    assert loaded_director == loaded_pmr == "0"  # nothing recorded yet

    director.post(page, {**EVALUATION, "version": loaded_director})
    response = pmr.post(page, {**EVALUATION, "when": "In juni.", "version": loaded_pmr})

    assert response.status_code == 409
    rows = conflict_rows(response)
    assert rows["When changed by both"] == ("–", EVALUATION["when"], "In juni.")
    # Both typed the same indicators: listed, as the director's came first.
    assert rows["Indicators changed by both"] == ("–", EVALUATION["indicators"]) + (
        EVALUATION["indicators"],
    )
    agreement = EvaluationAgreement.objects.get()
    assert (agreement.when, agreement.recorded_by, agreement.version) == (
        EVALUATION["when"],
        user("directeur"),
        1,
    )
    again = pmr.post(page, {**EVALUATION, "when": "In juni.", "version": page_version(response)})
    assert again.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.when, agreement.version) == ("In juni.", 2)
