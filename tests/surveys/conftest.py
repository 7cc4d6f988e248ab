"""A school with a process, a director, a PMR member and ten active staff members."""

from decimal import Decimal

import pytest

from surveys.services.answers import response_submit
from surveys.services.rounds import questionnaire_ensure, round_send
from tests.factories import (
    SchoolFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.fixtures.language import english  # noqa: F401 - autouse, every test here


@pytest.fixture
def school(db):
    # Overrides the shared school (tests/fixtures/people.py): no staff, `staff` below is all.
    return SchoolFactory()


@pytest.fixture
def staff(school):
    """Ten active staff members with accounts (and one inactive, never invited)."""
    StaffMemberFactory(school=school, active=False)
    return [
        StaffMemberFactory(school=school, user=UserFactory(), fte=Decimal("0.6")) for _ in range(10)
    ]


@pytest.fixture
def questionnaire(process):
    return questionnaire_ensure(process=process)


@pytest.fixture
def sent(questionnaire, pmr, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return round_send(questionnaire=questionnaire, actor=pmr, kind="baseline")


def answers_for(content, value=2, measures=(), effect="same", attendance="always"):
    """A complete answer set: every item ``value`` (an int, or a dict by dimension)."""
    items = {}
    for dimension in content["dimensions"]:
        v = value[dimension["key"]] if isinstance(value, dict) else value
        for item in dimension["items"]:
            items[item["key"]] = v(item["key"]) if callable(v) else v
    return {
        "items": items,
        "effect_school": effect,
        "effect_school_why": "",
        "effect_self": effect,
        "effect_self_why": "",
        "measures": {m["key"]: {"answer": "no", "comment": ""} for m in measures},
        "attendance": attendance,
    }


def answer(survey_round, invitee, value=2, background=None, **kwargs):
    response_submit(
        invitee=invitee,
        answers=answers_for(survey_round.content, value, survey_round.measures, **kwargs),
        background=background or {},
    )
