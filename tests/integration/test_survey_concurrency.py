"""Two simultaneous answers of one invitee on PostgreSQL: one response, one clear refusal."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import translation

from processes import services as process_services
from processes.models import SchoolRole
from surveys.models import SurveyParticipation, SurveyResponse
from surveys.services.answers import AlreadyAnswered, response_submit
from surveys.services.rounds import questionnaire_ensure, round_send
from tests.factories import (
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.seeds import reference_data_seed
from tests.surveys.conftest import answers_for
from werkdruk.exceptions import DomainError

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey_round():
    reference_data_seed()  # an earlier transactional test emptied the default survey
    school = SchoolFactory()
    for _ in range(3):
        StaffMemberFactory(school=school, user=UserFactory(), fte=Decimal("0.8"))
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    process = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2026), actor=director
    )
    questionnaire = questionnaire_ensure(process=process)
    return round_send(questionnaire=questionnaire, actor=director, kind="baseline")


def answer_at_once(survey_round, invitee):
    barrier = threading.Barrier(2)
    outcomes, lock = [], threading.Lock()
    answers = answers_for(survey_round.content, 3, survey_round.measures)

    def submit():
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                response_submit(invitee=invitee, answers=answers, background={})
            result = "saved"
        except DomainError as error:
            result = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_answers_give_one_response_and_one_clear_message(survey_round):
    for invitee in survey_round.invitees.all():
        before = SurveyResponse.objects.count()

        outcomes = answer_at_once(survey_round, invitee)

        assert len(outcomes) == 2 and outcomes.count("saved") == 1
        (refusal,) = [o for o in outcomes if o != "saved"]
        assert isinstance(refusal, AlreadyAnswered)
        assert "already" in str(refusal)
        assert SurveyResponse.objects.count() == before + 1
        assert SurveyParticipation.objects.filter(invitee=invitee).count() == 1
