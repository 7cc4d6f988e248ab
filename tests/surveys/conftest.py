"""A school with a process, a director, a PMR member and ten active staff members."""

from decimal import Decimal

import pytest
from django.utils import translation

from processes import services as process_services
from processes.models import SchoolRole
from surveys import services
from tests.factories import (
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages asserted in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def director(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user


@pytest.fixture
def pmr(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user


@pytest.fixture
def process(school, director):
    year = SchoolYearFactory(start_year=2026)
    return process_services.process_create(school=school, school_year=year, actor=director)


@pytest.fixture
def staff(school):
    """Ten active staff members with accounts (and one inactive, never invited)."""
    StaffMemberFactory(school=school, active=False)
    return [
        StaffMemberFactory(school=school, user=UserFactory(), fte=Decimal("0.6")) for _ in range(10)
    ]


@pytest.fixture
def questionnaire(process):
    return services.questionnaire_ensure(process=process)


@pytest.fixture
def sent(questionnaire, pmr, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.round_send(questionnaire=questionnaire, actor=pmr, kind="baseline")


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
    services.response_submit(
        invitee=invitee,
        answers=answers_for(survey_round.content, value, survey_round.measures, **kwargs),
        background=background or {},
    )
