"""Secrecy by construction: nothing on a ballot leads to a voter, and nothing orders them."""

import uuid

from django.contrib.auth import get_user_model
from django.db import models

from units.models import StaffMember
from voting.models import Ballot, Participation, Voter, VoterMessage, VoterToken

PERSON_MODELS = {Voter, VoterToken, VoterMessage, Participation, StaffMember, get_user_model()}


def test_a_ballot_has_no_relation_to_a_person():
    for field in Ballot._meta.get_fields(include_hidden=True):
        if field.is_relation:
            assert field.related_model not in PERSON_MODELS, field.name
    names = {f.name for f in Ballot._meta.get_fields(include_hidden=True)}
    # "selection": the options chosen in a choice of measures (positions, nothing personal).
    assert names == {
        "id",
        "vote",
        "choice",
        "appreciation",
        "selection",
        "receipt_hash",
        "sealed",
    }


def test_no_person_model_has_a_reverse_relation_to_ballots():
    for model in PERSON_MODELS:
        related = {f.related_model for f in model._meta.get_fields(include_hidden=True)}
        assert Ballot not in related, model


def test_ballots_and_participations_carry_no_time():
    for model in (Ballot, Participation):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.TimeField), field.name


def test_ballots_and_participations_have_random_ids():
    for model in (Ballot, Participation):
        pk = model._meta.pk
        assert isinstance(pk, models.UUIDField)
        assert pk.default is uuid.uuid4


def test_ballots_are_ordered_by_their_random_id_only():
    assert Ballot._meta.ordering == ["id"]
    assert not Participation._meta.ordering


def test_a_participation_holds_only_its_voter():
    assert {f.name for f in Participation._meta.get_fields()} == {"id", "voter"}
    assert Participation._meta.get_field("voter").one_to_one
