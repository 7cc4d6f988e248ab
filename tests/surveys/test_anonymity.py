"""Anonymous by construction: nothing on a response leads to a person, and nothing orders them."""

import uuid

from django.contrib.auth import get_user_model
from django.db import models

from surveys.models import Invitee, SurveyParticipation, SurveyResponse, SurveyToken
from units.models import StaffMember

from .conftest import answer

PERSON_MODELS = {Invitee, SurveyToken, SurveyParticipation, StaffMember, get_user_model()}


def test_a_response_has_no_relation_to_a_person_or_token():
    for field in SurveyResponse._meta.get_fields(include_hidden=True):
        if field.is_relation:
            assert field.related_model not in PERSON_MODELS, field.name
    names = {f.name for f in SurveyResponse._meta.get_fields(include_hidden=True)}
    assert names == {"id", "round", "category", "unit_name", "fte_band", "answers"}


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
    response = SurveyResponse.objects.get()
    assert (response.category, response.unit_name, response.fte_band) == ("", "", "")
