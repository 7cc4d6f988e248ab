"""Issue 15, item 6: every page where people would rather look than read shows its chart, in
Dutch, with bars proportional to the figures in the table next to it, on the demo as a school
sees it. One demo for all pages (building it takes a while)."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes.models import Board, Process
from tests.charts import assert_accessible, assert_proportional, bars, charts_in, texts
from units.models import BudgetSplit, OrganisationalUnit
from voting.models import Vote
from werkdruk.charts import WIDTH

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]

DEMO = "@demo.werkdruk.nl"
EURO = re.compile(r"^€\xa0-?\d{1,3}(\.\d{3})*,\d{2}( |$)")  # € 12.345,67 (te veel)
PERCENT = re.compile(r"\d+,\d%")


def pages():
    """(who, name, url, {chart testid: (how many, scale)}): scale None is the largest bar."""
    board = Board.objects.get()
    current = Process.objects.get(school__brin="34CD", school_year__start_year=2026)
    last_year = Process.objects.get(school__brin="34CD", school_year__start_year=2025)
    erasmus = Process.objects.exclude(school__brin="34CD").get()
    unit = OrganisationalUnit.objects.filter(process=current).order_by("name").first()
    result = Vote.objects.get(process=current, kind=Vote.Kind.AGREEMENT)
    return [
        (
            "bestuur",
            "step 0",
            reverse("units:allocation", args=[board.pk, 2026]),
            {"allocation-chart": (1, None)},
        ),
        (
            "bestuur",
            "board dashboard",
            reverse("reporting:board-dashboard", args=[board.pk]) + "?year=2025",
            {"money-chart": (1, None)},
        ),
        (
            "bestuur",
            "board report",
            reverse("reporting:board-report", args=[board.pk, 2025]),
            {"allocation-chart": (1, None), "money-chart": (1, None)},
        ),
        (
            "directeur.baken",
            "step 2",
            reverse("units:split", args=[current.pk]),
            {"split-chart": (2, None)},
        ),  # the preview and the split as saved
        (
            "directeur.baken",
            "agreement",
            reverse("processes:agreement", args=[current.pk]),
            {"split-chart": (1, None)},
        ),
        (
            "directeur.baken",
            "step 8",
            reverse("plans:unit-plan-overview", args=[current.pk]),
            {"cost-chart": (1, None)},
        ),
        (
            "directeur.baken",
            "unit plan",
            reverse("plans:unit-plan", args=[current.pk, unit.pk]),
            {"cost-chart": (1, None)},
        ),
        (
            "directeur.baken",
            "merge",
            reverse("schoolplans:merge", args=[last_year.pk]),
            {"cost-chart": (1, None)},
        ),
        (
            "directeur.baken",
            "spending",
            reverse("spending:overview", args=[last_year.pk]),
            {"spending-chart": (1, None)},
        ),
        (
            "directeur.baken",
            "vote result",
            reverse("voting:vote-result", args=[result.pk]),
            {"result-chart": (1, "total")},
        ),
        (
            "directeur.baken",
            "school report",
            reverse("reporting:school-report", args=[last_year.pk]),
            {"split-chart": (1, None), "result-chart": (1, "total"), "spending-chart": (1, None)},
        ),
        (
            "pmr",
            "vote turnout",
            reverse("voting:vote-manage", args=[erasmus.pk]),
            {"turnout-chart": (1, 100)},
        ),
    ]


@pytest.fixture
def demo(settings):
    settings.LANGUAGE_CODE = "nl"  # as a school sees it (tests elsewhere read the msgids)
    settings.DEBUG = True  # the demo's accounts load only then
    call_command("demo", stdout=io.StringIO())


def _check(svg, scale):
    assert_accessible(svg)
    if scale == "total":  # a share bar: the parts of the whole width
        assert_proportional(svg, scale=sum(value for value, _w in bars(svg)), area=WIDTH)
    else:
        assert_proportional(svg, scale=scale)
    words = texts(svg)
    assert all(EURO.match(t) for t in words if t.startswith("€")), words
    assert not any(re.search(r"\d\.\d{2}$", t) for t in words), words  # no decimal points
    if scale in (100, "total"):
        assert any(PERCENT.search(t) for t in words), words


def test_item6_every_page_shows_its_chart_in_dutch_proportional_to_its_figures(client, demo):
    User = get_user_model()
    seen = []
    for who, name, url, expected in pages():
        client.force_login(User.objects.get(email=who + DEMO))
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        for testid, (count, scale) in expected.items():
            found = charts_in(html, testid)
            assert len(found) == count, (name, testid, len(found))
            for svg in found:
                _check(svg, scale)
            seen.append((name, testid))
    assert len(seen) == 15
    # the bars stand for exactly the amounts of the split saved in step 2
    client.force_login(User.objects.get(email="directeur.baken" + DEMO))
    current = Process.objects.get(school__brin="34CD", school_year__start_year=2026)
    html = client.get(reverse("units:split", args=[current.pk])).content.decode()
    saved = charts_in(html, "split-chart")[-1]
    units = {unit.name: unit.amount for unit in current.units.all()}
    reserve = BudgetSplit.objects.get(process=current).reserve_amount
    assert sorted(value for value, _width in bars(saved)) == sorted([*units.values(), reserve])
    for name in units:
        assert name in texts(saved)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# The pages' query counts before the charts came (measured on the demo): a chart is drawn from
# what the page already loaded, never with a query of its own. Issue 20 lowered them: the
# reader's roles in one query instead of three (every page), and the reads named below.
QUERIES = {
    "step 0": 8,  # the board, then the reader's roles (its administrators and its GMR read it)
    "board dashboard": 13,  # the progress table reads no sign-offs
    "board report": 13,
    "step 2": 9,
    # a frozen version's body from the cache; the live content is built only while a vote
    # can still be prepared (issue 20: 15 before)
    "agreement": 7,
    "step 8": 9,
    # the choice of measures by vote, carried-over notes, the ideas (issue 18); the approval
    # vote and the coordinator read once (issue 20: 24 before); for who may return the
    # plan, its e-mails that could not be delivered (issue 19); the approval vote and the
    # choice of measures in one query
    "unit plan": 20,
    "merge": 17,  # the process, its units and their plans read once (issue 20: 22 before)
    "spending": 10,
    "vote result": 8,
    # section d reads the factsheet and the evaluation outcomes; the ratified version, the
    # units' plans, the survey rounds' responses, turnouts and history once (issue 20: 44,
    # then 35: the school's rounds once for the year and the history, the units once, the
    # votes without their keys, the contributors in one query)
    "school report": 26,
    "vote turnout": 12,  # with the vote's e-mails that could not be delivered (issue 19)
}


def test_item6_the_charts_cost_no_queries(client, demo):
    User = get_user_model()
    counts = {}
    for who, name, url, _expected in pages():
        client.force_login(User.objects.get(email=who + DEMO))
        _queries(client, url)  # warm up (session, roles)
        counts[name] = _queries(client, url)
    assert counts == QUERIES
