"""The questionnaire per school year, sending rounds with personal links, one answer each."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from processes.models import Decision
from surveys.models import (
    Questionnaire,
    SurveyParticipation,
    SurveyResponse,
    SurveyRound,
    SurveyTemplate,
    SurveyToken,
)
from surveys.services.answers import (
    AlreadyAnswered,
    RoundClosed,
    fte_band,
    invitee_for_token,
    response_submit,
)
from surveys.services.rounds import (
    questionnaire_edit,
    questionnaire_ensure,
    round_close,
    round_send,
)
from voting.services.common import sha256
from werkdruk.exceptions import DomainError

from .conftest import answer, answers_for


def test_the_default_questionnaire_is_shipped_as_data_with_four_dimensions(db):
    content = SurveyTemplate.objects.get(key="default").content
    assert [d["key"] for d in content["dimensions"]] == [
        "quantitative",
        "emotional",
        "cognitive",
        "control",
    ]
    assert [len(d["items"]) for d in content["dimensions"]] == [3, 3, 3, 6]
    assert [o["value"] for o in content["scales"]["control"]] == [1, 2, 3]
    assert len(content["attendance"]["options"]) == 8
    assert all(
        item["text"]["nl"] and item["text"]["en"]
        for d in content["dimensions"]
        for item in d["items"]
    )


def test_a_school_year_starts_from_the_default_then_from_last_years(questionnaire, director):
    assert questionnaire.based_on == "default"
    questionnaire_edit(
        questionnaire=questionnaire,
        actor=director,
        texts={"item:quantitative_1": {"nl": "Werk je snel?", "en": "Do you work fast?"}},
    )
    from processes import services as process_services
    from tests.factories import SchoolYearFactory

    next_process = process_services.process_create(
        school=questionnaire.process.school,
        school_year=SchoolYearFactory(start_year=2027),
        actor=director,
        copy_from=questionnaire.process,
    )
    following = questionnaire_ensure(process=next_process)
    assert following.based_on == str(questionnaire.process.school_year)
    assert following.content["dimensions"][0]["items"][0]["text"]["en"] == "Do you work fast?"
    # The default itself is untouched.
    default = SurveyTemplate.objects.get(key="default").content
    assert default["dimensions"][0]["items"][0]["text"]["en"] != "Do you work fast?"


def test_editing_keeps_keys_and_refuses_empty_texts_and_unknown_questions(questionnaire, director):
    with pytest.raises(DomainError, match="Dutch and an English"):
        questionnaire_edit(
            questionnaire=questionnaire,
            actor=director,
            texts={"effect:school": {"nl": "Hoe?", "en": " "}},
        )
    with pytest.raises(DomainError, match="no such question"):
        questionnaire_edit(
            questionnaire=questionnaire, actor=director, texts={"item:nope": {"nl": "a", "en": "b"}}
        )


def test_only_the_director_or_pmr_edits_the_questionnaire(questionnaire, staff):
    with pytest.raises(PermissionDenied):
        questionnaire_edit(
            questionnaire=questionnaire,
            actor=staff[0].user,
            texts={"effect:why": {"nl": "Waarom?", "en": "Why?"}},
        )


def test_the_sent_round_freezes_this_years_version(sent, questionnaire, director):
    with pytest.raises(DomainError, match="fixed"):
        questionnaire_edit(
            questionnaire=questionnaire,
            actor=director,
            texts={"effect:why": {"nl": "Waarom?", "en": "Why?"}},
        )
    Questionnaire.objects.filter(pk=questionnaire.pk).update(content={"changed": True})
    sent.refresh_from_db()
    assert sent.content["dimensions"][0]["key"] == "quantitative"
    assert len(sent.content_hash) == 64


def test_sending_invites_every_active_staff_member_with_a_hashed_personal_link(sent, staff):
    assert sent.invitees.count() == 10
    assert len(mail.outbox) == 10
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in staff)
    token = mail.outbox[0].body.split("/survey/code/")[1].split("/")[0]
    assert SurveyToken.objects.filter(token_hash=sha256(token)).exists()
    assert not SurveyToken.objects.filter(token_hash=token).exists()
    invitee = invitee_for_token(token=token.lower())
    assert invitee.staff_member.email == mail.outbox[0].to[0]
    assert Decision.objects.filter(action="surveys.round.sent").count() == 1


def test_an_unknown_link_is_refused(sent):
    with pytest.raises(DomainError, match="not valid"):
        invitee_for_token(token="AAAA-BBBB-CCCC-DDDD-EEEE")


def test_each_round_is_sent_once_and_the_follow_up_after_the_baseline_closed(
    sent, questionnaire, pmr
):
    with pytest.raises(DomainError, match="already been sent"):
        round_send(questionnaire=questionnaire, actor=pmr, kind="baseline")
    with pytest.raises(DomainError, match="Close the baseline"):
        round_send(questionnaire=questionnaire, actor=pmr, kind="follow_up")
    round_close(survey_round=sent, actor=pmr)
    follow_up = round_send(questionnaire=questionnaire, actor=pmr, kind="follow_up")
    assert follow_up.content_hash == sent.content_hash


def test_staff_may_not_send_or_close(questionnaire, staff, sent):
    with pytest.raises(PermissionDenied):
        round_send(questionnaire=questionnaire, actor=staff[0].user, kind="follow_up")
    with pytest.raises(PermissionDenied):
        round_close(survey_round=sent, actor=staff[0].user)


def test_one_response_per_person(sent):
    invitee = sent.invitees.first()
    answer(sent, invitee)
    with pytest.raises(AlreadyAnswered):
        answer(sent, invitee, value=3)
    assert SurveyResponse.objects.filter(round=sent).count() == 1
    assert SurveyParticipation.objects.filter(invitee__round=sent).count() == 1


def test_a_participation_written_meanwhile_stops_the_second_answer(sent, monkeypatch):
    """The race: the first check passes, then the one-to-one constraint refuses the second."""
    invitee = sent.invitees.first()
    answer(sent, invitee)
    real_filter = SurveyParticipation.objects.filter

    class Never:
        def exists(self):
            return False

    monkeypatch.setattr(SurveyParticipation.objects, "filter", lambda **kw: Never())
    with pytest.raises(AlreadyAnswered):
        answer(sent, invitee, value=3)
    monkeypatch.setattr(SurveyParticipation.objects, "filter", real_filter)
    assert SurveyResponse.objects.filter(round=sent).count() == 1


def test_incomplete_answers_and_bad_background_are_refused(sent):
    invitee = sent.invitees.first()
    answers = answers_for(sent.content)
    del answers["items"]["control_6"]
    with pytest.raises(DomainError, match="every question about your work"):
        response_submit(invitee=invitee, answers=answers, background={})
    answers = answers_for(sent.content)
    answers["items"]["control_6"] = 4  # job control goes to 3
    with pytest.raises(DomainError, match="every question about your work"):
        response_submit(invitee=invitee, answers=answers, background={})
    with pytest.raises(DomainError, match="unit from the list"):
        answer(sent, invitee, background={"unit_name": "Made up"})
    with pytest.raises(DomainError, match="effect"):
        answer(sent, invitee, effect="fantastic")
    assert not SurveyParticipation.objects.exists()


def test_a_closed_round_takes_no_answers_and_closing_again_changes_nothing(sent, pmr):
    round_close(survey_round=sent, actor=pmr)
    with pytest.raises(DomainError, match="closed"):
        answer(sent, sent.invitees.first())
    closed_at = SurveyRound.objects.get(pk=sent.pk).closed_at
    again = round_close(survey_round=sent, actor=pmr)
    assert again.closed_at == closed_at
    assert Decision.objects.filter(action="surveys.round.closed").count() == 1


def test_a_closed_rounds_codes_do_not_work(sent, pmr):
    token = mail.outbox[0].body.split("/survey/code/")[1].split("/")[0]
    round_close(survey_round=sent, actor=pmr)
    with pytest.raises(RoundClosed, match="This survey is closed."):
        invitee_for_token(token=token)


def test_closing_rewrites_responses_with_new_ids(sent, pmr):
    for invitee in sent.invitees.all()[:6]:
        answer(sent, invitee)
    before = set(SurveyResponse.objects.values_list("id", flat=True))
    participations = set(SurveyParticipation.objects.values_list("id", flat=True))
    round_close(survey_round=sent, actor=pmr)
    assert SurveyResponse.objects.count() == 6
    assert not before & set(SurveyResponse.objects.values_list("id", flat=True))
    assert not participations & set(SurveyParticipation.objects.values_list("id", flat=True))
    assert SurveyRound.objects.get(pk=sent.pk).state == "closed"


@pytest.mark.parametrize(
    ("fte", "band"), [("0.4", "lt05"), ("0.5", "05_08"), ("0.8", "05_08"), ("0.8001", "gt08")]
)
def test_fte_bands(fte, band):
    assert fte_band(fte) == band
