"""Issue 15, item 2, beyond the matrix: what a unit plan asks of its member in each of its
states, the kick-off's to-dos as the day comes and goes, the timeline showing the same list as
the dashboard, last year's process still asking for its spending after next year's started,
the board's to-dos, and the dashboard's query count, whatever the number of units."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from plans.demo import demo_load
from plans.models import UnitAnnouncement, UnitPlan
from plans.todos import _member_todo
from processes import services as process_services
from processes.models import SchoolYear
from processes.todos import todos_for
from reporting.models import ReportJob
from schoolplans.demo import demo_ratified
from tests.fixtures.step8 import user
from units.models import OrganisationalUnit, UnitMembership, WorkingMethod
from units.services.kickoff import kickoff_sign_up
from voting.models import KeyHolder, Vote, Voter

from .test_item2_todo_matrix import shown_todos
from .world import _session, world_at

pytestmark = pytest.mark.django_db

State = UnitPlan.State
VOTE, CONSENSUS = WorkingMethod.DecisionMode.VOTE, WorkingMethod.DecisionMode.CONSENSUS


# --- a unit plan, for one of its members ------------------------------------------------


def _unit(**fields):
    values = {
        "pk": 7,
        "process_id": 3,
        "name": "Bèta",
        "plan_state": State.DRAFT,
        "plan_revision": 2,
        "approved_revision": None,
        "coordinator": 10,
        "decision_mode": CONSENSUS,
        "deadline": timezone.localdate() + datetime.timedelta(days=3),
        "voting": False,
    }
    return SimpleNamespace(**{**values, **fields})


COORDINATOR, MEMBER = SimpleNamespace(pk=10), SimpleNamespace(pk=11)


@pytest.mark.parametrize(
    "unit,member,text",
    [
        (_unit(), COORDINATOR, "Finish the plan of your unit Bèta and submit it"),
        (_unit(), MEMBER, "Work on the plan of your unit Bèta with your colleagues"),
        # Without a coordinator any member hands the plan in.
        (_unit(coordinator=None), MEMBER, "Finish the plan of your unit Bèta and submit it"),
        (
            _unit(decision_mode=VOTE),
            COORDINATOR,
            "Finish the plan of your unit Bèta and let your unit vote on it",
        ),
        # Approved in an earlier version only: the unit votes again.
        (
            _unit(decision_mode=VOTE, approved_revision=1),
            COORDINATOR,
            "Finish the plan of your unit Bèta and let your unit vote on it",
        ),
        (
            _unit(decision_mode=VOTE, approved_revision=2),
            COORDINATOR,
            "Submit the plan of your unit Bèta: your unit has approved it",
        ),
        (
            _unit(plan_state=State.RETURNED),
            COORDINATOR,
            "Revise the plan of your unit Bèta and submit it again",
        ),
        (
            _unit(plan_state=State.RETURNED),
            MEMBER,
            "Revise the plan of your unit Bèta: it was returned",
        ),
        # A unit without a plan yet is drafting.
        (_unit(plan_state=None), COORDINATOR, "Finish the plan of your unit Bèta and submit it"),
        (_unit(plan_state=State.SUBMITTED), COORDINATOR, None),
        # While the unit votes, its ballot is the to-do (voting.todos.vote_todos).
        (_unit(decision_mode=VOTE, voting=True), COORDINATOR, None),
    ],
)
def test_item2_a_unit_plan_asks_its_member_what_its_state_needs(unit, member, text):
    step = SimpleNamespace(number=8, planned_date=None)
    todo = _member_todo(unit, member, step)
    if text is None:
        assert todo is None
        return
    assert todo.text == text
    assert todo.url == reverse("plans:unit-plan", args=[3, 7])
    assert todo.due == unit.deadline and not todo.urgent
    past = _unit(**{**vars(unit), "deadline": datetime.date(2020, 1, 1)})
    assert _member_todo(past, member, step).urgent


# --- the kick-off ------------------------------------------------------------------------


def test_item2_the_kickoff_asks_to_record_it_once_it_began_and_sign_up_once(client):
    world = world_at("5 and 6 under way")
    kickoff = reverse("units:kickoff", args=[world.process.pk])
    today = _session(world, date=timezone.localdate(), sign_up=False)  # began at 0:00
    held = f"Record that the kick-off of {formats.date_format(today.date, 'j F Y')} was held"
    assert shown_todos(client, world.users["steering"]) == [
        (held, kickoff),
        ("Sign up for the kick-off", kickoff),
    ]
    kickoff_sign_up(session=world.session, actor=world.users["teacher"])
    assert shown_todos(client, world.users["teacher"]) == []
    # With nothing to do, the card says what is under way.
    content = client.get(reverse("processes:dashboard")).content.decode()
    under_way = content.split('data-testid="under-way"', 1)[1].split("</p>", 1)[0]
    for number in (5, 6):
        assert reverse("processes:step-detail", args=[world.process.pk, number]) in under_way


# --- the timeline ------------------------------------------------------------------------


def test_item2_the_timeline_lists_what_the_dashboard_lists(client):
    """While the staff vote, the PMR's timeline asks for the PMR's vote, not to prepare step 4."""
    world = world_at("4 open")
    pmr = world.users["pmr"]
    client.force_login(pmr)
    page = client.get(reverse("processes:process-detail", args=[world.process.pk]))
    content = page.content.decode()
    assert reverse("voting:ballot", args=[world.vote.pk]) in content
    assert "Prepare step 4" not in content
    assert [(t.text, t.url) for t in todos_for(pmr, world.process)] == shown_todos(client, pmr)


# --- last year's plan, next year's procedure ---------------------------------------------------


def test_item2_last_years_plan_still_asks_for_its_spending_when_next_year_started(client):
    world = world_at("ratified")
    director = world.users["director"]
    next_year = SchoolYear.objects.get_or_create(start_year=world.year + 1)[0]
    upcoming = process_services.process_create(
        school=world.process.school, school_year=next_year, actor=director
    )
    shown = shown_todos(client, director)
    label = f"{world.year}-{world.year + 1}"
    assert shown == [
        (
            "Sign off step 1 as director: Designate organisational units",
            reverse("processes:step-detail", args=[upcoming.pk, 1]),
        ),
        (
            f"Record the spending of {label}: 5 measures have no figures yet",
            reverse("spending:overview", args=[world.process.pk]) + f"?year={world.year}",
        ),
        (
            "Send the workload survey to the staff (baseline)",
            reverse("surveys:survey-manage", args=[world.process.pk]),
        ),
    ]
    # The card is about next year: the older year's to-dos say which year they are of.
    content = client.get(reverse("processes:dashboard")).content.decode()
    assert content.count(f'<span class="badge text-bg-light">{label}</span>') == 2


# --- the board ---------------------------------------------------------------------------------


def test_item2_the_board_distributes_next_years_funds_once_a_school_waits_for_them(client):
    demo = demo_load()
    board_admin = user("bestuur")
    assert shown_todos(client, board_admin) == []  # this year's is fixed
    year = SchoolYear.objects.current().next()
    process_services.process_create(
        school=demo["schools"][1], school_year=year, actor=user("directeur.baken")
    )
    assert shown_todos(client, board_admin) == [
        (
            f"Distribute the board's funds for {year} over its schools",
            reverse("units:allocation", args=[demo["board"].pk, year.start_year]),
        )
    ]


def test_item2_the_board_writes_last_years_annual_report_until_it_is_written(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    demo = demo_load()
    ratified = demo_ratified(demo)
    board_admin = get_user_model().objects.get(email="bestuur@demo.werkdruk.nl")
    year = ratified.school_year
    report = reverse("reporting:board-report", args=[demo["board"].pk, year.start_year])
    assert shown_todos(client, board_admin) == [(f"Write the annual report on {year}", report)]
    page = client.get(reverse("processes:board-detail", args=[demo["board"].pk])).content.decode()
    assert f'href="{report}"' in page  # the board's page lists it too
    job = ReportJob.objects.create(
        board=demo["board"], school_year=year, format="pdf", state=ReportJob.State.FAILED
    )
    assert shown_todos(client, board_admin) == [(f"Write the annual report on {year}", report)]
    job.state = ReportJob.State.DONE
    job.file.save("report.pdf", ContentFile(b"%PDF-1.7"))
    assert shown_todos(client, board_admin) == []


# --- query counts ----------------------------------------------------------------------------


def _queries(client, user_obj) -> int:
    client.force_login(user_obj)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("processes:dashboard")).status_code == 200
    return len(captured)


def test_item2_the_dashboard_costs_the_same_queries_however_many_units(client):
    """At step 8 the director, a member of a unit and following every unit, needs the same
    number of queries with 5 units as with 8 (each with members, a plan and a deadline)."""
    world = world_at("8")
    director = world.users["director"]
    _queries(client, director)  # warm up the session
    small = _queries(client, director)
    deadline = UnitAnnouncement.objects.filter(process=world.process).first()
    staff = list(world.process.school.staff_members.filter(user__isnull=True)[:6])
    for index in range(3):
        unit = OrganisationalUnit.objects.create(process=world.process, name=f"Extra {index}")
        for member in staff[index * 2 : index * 2 + 2]:
            UnitMembership.objects.filter(process=world.process, staff_member=member).update(
                unit=unit
            )
        UnitPlan.objects.create(process=world.process, unit=unit)
        deadline.pk, deadline.unit, deadline.current = None, unit, True
        deadline.save()
    assert _queries(client, director) == small
    # Pinned: the 13 of a director's dashboard at step 1 (tests/processes/test_views.py; the
    # open votes and the survey rounds are read there already, for the key holders and the
    # rounds to close, and now also give this director's ballots and surveys to fill in:
    # voting.todos.vote_and_key_todos, surveys.todos.workload_survey_todos), one for step 8
    # (the units with their plans, the director's own among them), and one for the ideas
    # round the director could put an idea forward in (plans.todos).
    assert small == 15  # 20 before issue 20; 18 before the to-dos shared their reads


def test_the_dashboard_costs_the_same_queries_however_many_processes_and_votes(client):
    """The to-do providers read once per page (their reads shared: the open votes for the
    ballots and the key holders, the survey rounds for the staff and those who run them, the
    units for their members and the director): a director with last year's and next year's
    processes too, and open unit votes with the director on the roll and holding a key, needs
    the same number of queries as without."""
    world = world_at("8")
    director = world.users["director"]
    school = world.process.school
    next_year = SchoolYear.objects.get_or_create(start_year=world.year + 1)[0]
    process_services.process_create(school=school, school_year=next_year, actor=director)
    _queries(client, director)  # warm up the session
    small = _queries(client, director)
    last_year = SchoolYear.objects.get_or_create(start_year=world.year - 1)[0]
    process_services.process_create(school=school, school_year=last_year, actor=director)
    member = school.staff_members.get(user=director)
    now = timezone.now()
    units = list(OrganisationalUnit.objects.filter(process=world.process).order_by("pk")[:3])
    for unit in units:
        vote = Vote.objects.create(
            process=world.process,
            unit=unit,
            kind=Vote.Kind.UNIT_PLAN,
            round=1,
            state=Vote.State.OPEN,
            keys_ready=True,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=3),
            base=Vote.Base.VOTES_CAST,
            majority_numerator=1,
            majority_denominator=2,
            created_by=world.users["pmr"],
        )
        Voter.objects.create(vote=vote, staff_member=member, category="OP")
        KeyHolder.objects.create(vote=vote, user=director, position=1)
    assert _queries(client, director) == small
    content = client.get(reverse("processes:dashboard")).content.decode()
    for unit in units:
        assert f"Vote on the plan of {unit.name}" in content
    assert content.count("Take over your key share of the staff vote (round 1)") == 3
