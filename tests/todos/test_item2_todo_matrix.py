"""Issue 15, item 2: everyone is told what to do next. For every state of the procedure, from
the board's distribution (step 0) through steps 1-11 to the spending and the survey after the
ratification, and for every role, the dashboard lists exactly the to-dos that wait for that
person, each linking straight to the page where it is done.

The school is the demo school, taken from state to state by the services (``world``). The
matrix is asserted on the rendered dashboard: each to-do's text and link.
"""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from processes.models import SchoolRole, SchoolYear
from tests.factories import (
    BoardAdministratorFactory,
    BoardFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from units.models import StaffCategory

from .world import ROLES, STATES, world_at

pytestmark = pytest.mark.django_db

TODO = re.compile(r'<li [^>]*data-testid="todo"[^>]*>(.*?)</li>', re.S)
LINK = re.compile(r'<a href="([^"]+)">(.*?)</a>', re.S)


def shown_todos(client, user) -> list[tuple[str, str]]:
    """The to-dos on ``user``'s dashboard: (text, link), in the order shown."""
    client.force_login(user)
    content = client.get(reverse("processes:dashboard")).content.decode()
    found = []
    for item in TODO.findall(content):
        href, text = LINK.search(item).groups()
        found.append((html.unescape(" ".join(text.split())), html.unescape(href)))
    return found


# --- the expected to-dos ------------------------------------------------------------------


def _urls(world):
    pk = world.process.pk
    return {
        "step": lambda number: reverse("processes:step-detail", args=[pk, number]),
        "agreement": reverse("processes:agreement", args=[pk]),
        "vote": reverse("voting:vote-manage", args=[pk]),
        "kickoff": reverse("units:kickoff", args=[pk]),
        "announcements": reverse("plans:announcement-overview", args=[pk]),
        "working_methods": reverse("units:working-method-overview", args=[pk]),
        "unit_plans": reverse("plans:unit-plan-overview", args=[pk]),
        "merge": reverse("schoolplans:merge", args=[pk]),
        "publication": reverse("schoolplans:publication", args=[pk]),
        "evaluation": reverse("schoolplans:evaluation", args=[pk]),
        "ratification": reverse("schoolplans:ratification", args=[pk]),
        "spending": reverse("spending:overview", args=[pk]) + f"?year={world.year}",
        "survey": reverse("surveys:survey-manage", args=[pk]),
    }


STAFF = ("director", "pmr", "steering", "coordinator", "teacher", "support")
NOBODY = {role: [] for role in ROLES}
LABELS = {
    1: "Designate organisational units",
    2: "Split the budget over the units",
    3: "Set financial and organisational frameworks",
}


def _on_staff(todo) -> dict:
    """``todo`` for every role that is on the school's staff (everyone but the board)."""
    return {**NOBODY, **{role: [todo] for role in STAFF}}


def _unit_todos(world, text, url_name, roles=STAFF) -> dict:
    """``text`` about the unit of each role in ``roles``, linking its page ``url_name``."""
    found = {}
    for role in roles:
        unit = world.unit_of(role)
        url = reverse(url_name, args=[world.process.pk, unit.pk])
        found[role] = [(text % {"unit": unit.name}, url)]
    return found


def expected(state, world) -> dict[str, list[tuple[str, str]]]:
    """What each role's dashboard lists in ``state``."""
    u = _urls(world)
    if state in ("1", "2", "3"):
        number = int(state)
        label, url = LABELS[number], u["step"](number)
        # Step 3 of the demo: the director has signed, the PMR not yet.
        director = [] if number == 3 else [(f"Sign off step {number} as director: {label}", url)]
        return {
            **NOBODY,
            "director": director,
            "pmr": [(f"Sign off step {number} for the PMR: {label}", url)],
        }
    if state == "4 freeze":
        text = "Freeze the agreement of steps 1-3 that the staff will vote on"
        return {**NOBODY, "pmr": [(text, u["agreement"])]}
    if state == "4 draft":
        return {**NOBODY, "pmr": [("Check the prepared staff vote and open it", u["vote"])]}
    if state == "4 open":
        # While staff vote, the PMR votes like everyone else and prepares nothing.
        closes = formats.date_format(timezone.localtime(world.vote.closes_at), "j F Y H:i")
        ballot = reverse("voting:ballot", args=[world.vote.pk])
        return _on_staff((f"Vote on the agreement (closes on {closes})", ballot))
    if state == "5 and 6":
        announce = (
            "Announce the amount, the frameworks and the deadline to the units (0 of 5 done)",
            u["announcements"],
        )
        plan = ("Plan the kick-off: date, place and programme", u["kickoff"])
        return {**NOBODY, "director": [announce], "steering": [plan]}
    if state == "5 and 6 under way":
        sign_up = ("Sign up for the kick-off", u["kickoff"])
        tomorrow = formats.date_format(world.session.date, "j F Y")
        invite = (f"Invite the staff to the kick-off of {tomorrow}", u["kickoff"])
        done = ("Mark step 6 as done: every unit has been told", u["step"](6))
        return {**_on_staff(sign_up), "director": [sign_up, done], "steering": [invite, sign_up]}
    if state == "7":
        found = {
            **NOBODY,
            **_unit_todos(
                world,
                "Record the working method of your unit %(unit)s",
                "units:working-method-unit",
            ),
        }
        follow = ("Follow the working methods: 0 of 5 units recorded theirs", u["working_methods"])
        found["director"] = [*found["director"], follow]
        found["pmr"] = [*found["pmr"], follow]
        return found
    if state in ("8", "8 late"):
        found = {
            **NOBODY,
            **_unit_todos(
                world,
                "Work on the plan of your unit %(unit)s with your colleagues",
                "plans:unit-plan",
            ),
            **_unit_todos(
                world,
                "Finish the plan of your unit %(unit)s and submit it",
                "plans:unit-plan",
                roles=["coordinator"],
            ),
        }
        if state == "8":
            follow = ("Follow the unit plans: 1 of 5 submitted", u["unit_plans"])
        else:
            text = (
                "Close step 8: the deadline has passed and 4 of 5 units have not submitted a plan"
            )
            follow = (text, u["unit_plans"])
            found["board"] = [_board_follow_up(world)]
        found["director"] = [*found["director"], follow]
        found["pmr"] = [*found["pmr"], follow]
        return found
    if state == "9":
        return {**NOBODY, "steering": [("Merge the unit plans into the school plan", u["merge"])]}
    if state == "10":
        return {**NOBODY, "pmr": [("Publish the school plan to all staff", u["publication"])]}
    if state in ("11", "11 consented"):
        comment = ("Read the published school plan and give your comments", u["publication"])
        readers = {role: [comment] for role in ("steering", "coordinator", "teacher", "support")}
        if state == "11":
            evaluation = (
                "Record the evaluation agreement: what is measured, when and by whom",
                u["evaluation"],
            )
            return {**NOBODY, **readers, "director": [evaluation], "pmr": [evaluation]}
        sign = (
            "Sign the ratification of the school plan: the PMR has consented",
            u["ratification"],
        )
        # The teacher has commented: nothing more is asked of them.
        return {**NOBODY, **readers, "teacher": [], "director": [sign]}
    spending = (
        f"Record the spending of {world.year}-{world.year + 1}: 5 measures have no figures yet",
        u["spending"],
    )
    if state == "ratified":
        send = ("Send the workload survey to the staff (baseline)", u["survey"])
        return {**NOBODY, "director": [spending, send], "pmr": [send]}
    if state == "survey":
        close = (
            "Close the workload survey (baseline) once enough staff have answered",
            u["survey"],
        )
        survey_round = world.process.questionnaire.rounds.get()
        answer = ("Fill in the workload survey", reverse("surveys:answer", args=[survey_round.pk]))
        return {
            **_on_staff(answer),
            "director": [spending, answer, close],
            "pmr": [answer, close],
        }
    raise AssertionError(state)


def _board_follow_up(world):
    planned = formats.date_format(timezone.localdate() - datetime.timedelta(days=1), "j F Y")
    return (
        f"Follow up with {world.process.school.name}: step 8 (Make a plan per unit) was planned "
        f"for {planned}",
        reverse("processes:process-detail", args=[world.process.pk]),
    )


# --- the matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_item2_every_role_sees_what_waits_for_them(client, state):
    world = world_at(state)
    shown = {role: shown_todos(client, world.users[role]) for role in ROLES}
    assert shown == expected(state, world)


def test_item2_step0_the_board_distributes_its_funds_for_the_current_year(client):
    """Before any school starts: only the board's administrator has something to do."""
    board = BoardFactory()
    school = SchoolFactory(board=board)
    users = {
        "director": SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user,
        "pmr": SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user,
        "steering": SchoolRoleFactory(school=school, role=SchoolRole.Role.STEERING).user,
        "board": BoardAdministratorFactory(board=board).user,
    }
    for role, category in (("teacher", StaffCategory.OP), ("support", StaffCategory.OOP)):
        users[role] = UserFactory()
        StaffMemberFactory(school=school, user=users[role], category=category)
    year = SchoolYear.objects.current().start_year
    shown = {role: shown_todos(client, user) for role, user in users.items()}
    assert shown == {
        **{role: [] for role in users},
        "board": [
            (
                f"Distribute the board's funds for {year}-{year + 1} over its schools",
                reverse("units:allocation", args=[board.pk, year]),
            )
        ],
    }
