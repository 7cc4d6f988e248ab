"""Anonymous by construction: nothing on a response leads to a person, and nothing orders them."""

import os
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import models

from processes.models import Decision
from surveys.models import Invitee, SurveyParticipation, SurveyResponse, SurveyRound, SurveyToken
from surveys.services.rounds import round_close
from tests.fixtures.ballots import opened_responses
from units.models import StaffMember
from voting import keys

from .conftest import answer

PERSON_MODELS = {Invitee, SurveyToken, SurveyParticipation, StaffMember, get_user_model()}


def test_a_response_has_no_relation_to_a_person_or_token():
    for field in SurveyResponse._meta.get_fields(include_hidden=True):
        if field.is_relation:
            assert field.related_model not in PERSON_MODELS, field.name
    names = {f.name for f in SurveyResponse._meta.get_fields(include_hidden=True)}
    assert names == {"id", "round", "category", "unit_name", "fte_band", "answers", "sealed"}


def test_no_person_model_has_a_reverse_relation_to_responses():
    for model in PERSON_MODELS:
        related = {f.related_model for f in model._meta.get_fields(include_hidden=True)}
        assert SurveyResponse not in related, model


def test_responses_and_participations_carry_no_time_and_have_random_ids():
    for model in (SurveyResponse, SurveyParticipation):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.TimeField), field.name
        assert isinstance(model._meta.pk, models.UUIDField)
        assert model._meta.pk.default is uuid.uuid4
    assert SurveyResponse._meta.ordering == ["id"]
    assert not SurveyParticipation._meta.ordering


def test_the_participation_holds_only_its_invitee():
    assert {f.name for f in SurveyParticipation._meta.get_fields()} == {"id", "invitee"}
    assert SurveyParticipation._meta.get_field("invitee").one_to_one


def test_stored_rows_hold_no_name_email_or_token(sent, staff, mailoutbox):
    invitee = sent.invitees.select_related("staff_member").first()
    answer(sent, invitee, background={"category": "OP"})
    response = SurveyResponse.objects.get()
    stored = repr(
        {f.name: getattr(response, f.attname) for f in SurveyResponse._meta.concrete_fields}
    )
    member = invitee.staff_member
    for secret in (member.name, member.email):
        assert secret not in stored
    tokens = [m.body.split("/survey/code/")[1].split("/")[0] for m in mailoutbox]
    assert not any(token in stored for token in tokens)
    participation = SurveyParticipation.objects.get()
    assert {f.attname for f in SurveyParticipation._meta.concrete_fields} == {"id", "invitee_id"}
    assert participation.id != response.id


def test_the_background_is_what_the_respondent_chose_not_their_record(sent):
    invitee = sent.invitees.first()  # an OP teacher at 0.6 fte
    answer(sent, invitee, background={})
    [response] = opened_responses(sent)
    assert response["b"] == {"category": "", "unit_name": "", "fte_band": ""}


# --- sealed while the round is open (issue 14, item 4, for the survey too) -----------------


def test_item4_an_open_rounds_responses_hold_nothing_readable(sent):
    invitees = list(sent.invitees.order_by("pk")[:2])
    for invitee in invitees:
        answer(sent, invitee, background={"category": "OP", "fte_band": "05_08"})

    rows = list(SurveyResponse.objects.filter(round=sent).values())
    assert {(r["category"], r["unit_name"], r["fte_band"], str(r["answers"])) for r in rows} == {
        ("", "", "", "{}")
    }
    assert all(r["sealed"] for r in rows)
    assert [c["b"]["category"] for c in opened_responses(sent)] == ["OP", "OP"]
    round_key = SurveyRound.objects.get(pk=sent.pk)
    assert round_key.public_key and keys.secret_exists(round_key.key_id, keys.PRIVATE)


def test_item4_closing_opens_the_responses_and_destroys_the_key(
    sent, pmr, django_capture_on_commit_callbacks
):
    answer(sent, sent.invitees.first(), background={"category": "OOP"})
    key_id = SurveyRound.objects.get(pk=sent.pk).key_id

    with django_capture_on_commit_callbacks(execute=True):
        round_close(survey_round=sent, actor=pmr)

    response = SurveyResponse.objects.get(round=sent)
    assert (response.category, response.sealed) == ("OOP", None)
    assert response.answers
    assert not list(keys.key_dir().glob(f"{key_id}.*"))


def test_item4_a_round_whose_key_is_lost_closes_without_results_on_record(sent, pmr):
    answer(sent, sent.invitees.first(), background={})
    keys.secrets_destroy(SurveyRound.objects.get(pk=sent.pk).key_id)

    survey_round = round_close(survey_round=sent, actor=pmr)

    assert survey_round.state == SurveyRound.State.CLOSED
    assert not SurveyResponse.objects.filter(round=sent).exists()
    assert Decision.objects.filter(action="surveys.round.key_lost").count() == 1


def test_item4_a_key_folder_that_is_not_there_leaves_the_round_open(sent, pmr, settings, tmp_path):
    answer(sent, sent.invitees.first(), background={})
    settings.VOTE_KEY_DIR = str(tmp_path / "not-mounted")

    with pytest.raises(keys.FolderUnavailable):
        round_close(survey_round=sent, actor=pmr)
    assert SurveyRound.objects.get(pk=sent.pk).state == SurveyRound.State.OPEN


def test_item4_the_key_sweep_keeps_an_open_rounds_key(sent):
    key_id = SurveyRound.objects.get(pk=sent.pk).key_id
    old = time.time() - 7200
    for path in keys.key_dir().glob(f"{key_id}.*"):
        os.utime(path, (old, old))
    keys.sweep(open_key_ids=[])
    assert keys.secret_exists(key_id, keys.PRIVATE)
