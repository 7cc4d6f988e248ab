"""Issue 20, item 3: the main pages' query counts on the demo, pinned (lower them when a page
gets cheaper, never raise them silently), and constant as the data grows. The pages pinned in
``tests/test_item6_chart_pages.py`` are not repeated here. ``make bench-pages`` measures the
same pages' CPU time against a floor (docs/performance.md)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes.models import Board, Process, SchoolYear
from surveys.models import Questionnaire, SurveyResponse, SurveyRound
from units.models import OrganisationalUnit

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]

DEMO = "@demo.werkdruk.nl"

# (who, page) -> queries, warm (the session and the templates loaded once before).
QUERIES = {
    ("directeur.baken", "dashboard"): 17,  # 20 before the to-dos shared reads
    ("pmr.baken", "dashboard"): 15,
    ("docent.baken", "dashboard"): 14,
    ("bestuur", "dashboard"): 9,  # no sign-offs: no card of a school of their own
    ("gmr", "dashboard"): 6,
    ("directeur.baken", "timeline"): 13,
    ("pmr.baken", "step 8"): 7,
    ("pmr.baken", "unit plan (coordinator)"): 20,  # the coordinator: one query more to know
    ("directeur.baken", "units"): 10,
    ("directeur.baken", "kickoff"): 11,  # pages that send mail: + undelivered e-mails
    ("directeur.baken", "staff list"): 6,
    ("directeur.baken", "agreement"): 7,  # a frozen version: its body from the cache
    ("directeur.baken", "evaluation"): 8,
    ("directeur.baken", "spending"): 10,
    ("directeur.baken", "publication"): 13,
    ("directeur.baken", "ratification"): 14,
    ("directeur.baken", "survey"): 10,  # + the undelivered e-mails of all its rounds in one query
    ("directeur.baken", "survey results"): 8,  # the school's rounds read once (11)
    # the report's figures: the school's survey rounds read once for the year's results and
    # the history, the units once for the split and the participation, the closed votes
    # without their keys, the contributors in one query (issue 20: 36, then 27)
    ("directeur.baken", "annual report (staff)"): 27,
    # last year's block reads only what it shows, not the whole annual report (38)
    ("directeur.baken", "factsheet"): 20,
    # the years' figures read together, not one annual report per year (58)
    ("directeur.baken", "annual report years"): 18,
    ("bestuur", "board"): 11,  # the progress table reads no sign-offs
}


def _pages():
    board = Board.objects.get()
    current = Process.objects.get(school__brin="34CD", school_year__start_year=2026)
    last = Process.objects.get(school__brin="34CD", school_year__start_year=2025)
    coordinated = OrganisationalUnit.objects.get(
        process=current, working_method__leader__user__email="pmr.baken" + DEMO
    )
    return {
        "dashboard": reverse("processes:dashboard"),
        "timeline": reverse("processes:process-detail", args=[current.pk]),
        "step 8": reverse("processes:step-detail", args=[current.pk, 8]),
        "unit plan (coordinator)": reverse("plans:unit-plan", args=[current.pk, coordinated.pk]),
        "units": reverse("units:unit-list", args=[current.pk]),
        "kickoff": reverse("units:kickoff", args=[current.pk]),
        "staff list": reverse("units:staff-list", args=[current.school_id]),
        "agreement": reverse("processes:agreement", args=[current.pk]),
        "evaluation": reverse("schoolplans:evaluation", args=[last.pk]),
        "spending": reverse("spending:overview", args=[last.pk]),
        "publication": reverse("schoolplans:publication", args=[last.pk]),
        "ratification": reverse("schoolplans:ratification", args=[last.pk]),
        "survey": reverse("surveys:survey-manage", args=[last.pk]),
        "survey results": reverse("surveys:results", args=[last.pk]),
        "annual report (staff)": reverse("reporting:school-report-staff", args=[last.pk]),
        "factsheet": reverse("reporting:factsheet", args=[current.pk]),
        "annual report years": reverse("reporting:school-years", args=[last.pk]),
        "board": reverse("processes:board-detail", args=[board.pk]),
    }


def _queries(client, url) -> int:
    client.get(url)  # warm up (session, roles, templates)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200, url
    return len(context.captured_queries)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # the demo's accounts load only then
    call_command("demo", stdout=io.StringIO())
    settings.DEBUG = False


def test_issue20_the_main_pages_query_counts(client, demo):
    User = get_user_model()
    urls = _pages()
    counts = {}
    for who, page in QUERIES:
        client.force_login(User.objects.get(email=who + DEMO))
        counts[who, page] = _queries(client, urls[page])
    assert counts == QUERIES


def _another_closed_round(process):
    """A closed round of ``process`` (a new questionnaire), a copy of the demo's baseline with
    its responses: one more round in the school's survey history."""
    baseline = SurveyRound.objects.get(
        questionnaire__process__school=process.school,
        questionnaire__process__school_year__start_year=2025,
        kind=SurveyRound.Kind.BASELINE,
    )
    responses = list(SurveyResponse.objects.filter(round=baseline))
    source = baseline.questionnaire
    source.pk, source.process = None, process
    source.save()
    baseline.pk, baseline.questionnaire = None, Questionnaire.objects.get(process=process)
    baseline.save()
    for response in responses:
        response.pk, response.round = None, baseline
    SurveyResponse.objects.bulk_create(responses)


def test_issue20_survey_history_and_turnouts_cost_the_same_however_many_rounds(client, demo):
    """The results page and the annual report read every round's responses of the school's
    history in one query, and the turnouts of the year's rounds in two (before: one query per
    round, and two per round)."""
    User = get_user_model()
    client.force_login(User.objects.get(email="directeur.baken" + DEMO))
    urls = _pages()
    pages = ("survey results", "annual report (staff)")
    before = {page: _queries(client, urls[page]) for page in pages}
    current = Process.objects.get(school__brin="34CD", school_year__start_year=2026)
    _another_closed_round(current)
    assert SurveyRound.objects.filter(state=SurveyRound.State.CLOSED).count() >= 3
    assert {page: _queries(client, urls[page]) for page in pages} == before


def test_issue20_the_years_page_costs_the_same_however_many_years(client, demo):
    """The years page reads the figures of all its years together (before: one annual report
    per year, about 25 queries each)."""
    client.force_login(get_user_model().objects.get(email="directeur.baken" + DEMO))
    url = _pages()["annual report years"]
    before = _queries(client, url)
    last = Process.objects.get(school__brin="34CD", school_year__start_year=2025)
    for start_year in (2022, 2023, 2024):
        Process.objects.create(
            school=last.school, school_year=SchoolYear.objects.create(start_year=start_year)
        )
    response = client.get(url)
    assert all(f"{year}-{year + 1}" in response.content.decode() for year in (2022, 2023, 2024))
    assert _queries(client, url) == before
