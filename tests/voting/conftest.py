"""A fully agreed demo process (steps 1-3 signed, agreement frozen) to vote on."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from plans.demo import demo_load
from processes import agreement, services
from voting.models import Vote
from voting.services.casting import ballot_cast
from voting.services.vote import vote_create, vote_open


def user(local):
    return get_user_model().objects.get(email=f"{local}@demo.werkdruk.nl")


@pytest.fixture(autouse=True)
def english(settings):
    """Messages asserted in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def pmr(agreed):
    return user("pmr")


@pytest.fixture
def director(agreed):
    return user("directeur")


@pytest.fixture
def agreed(db):
    """The demo school with steps 1-3 signed off and the agreement frozen: step 4 is open."""
    process = demo_load()["process"]
    services.step_sign_off(step=process.steps.get(number=3), actor=user("pmr"))
    agreement.agreement_freeze(process=process, actor=user("pmr"))
    return process


def window(days=7):
    now = timezone.now()
    return {
        "opens_at": now - datetime.timedelta(minutes=1),
        "closes_at": now + datetime.timedelta(days=days),
    }


def create_vote(process, actor, **rule):
    return vote_create(
        process=process,
        actor=actor,
        **{**window(), "base": Vote.Base.VOTES_CAST, "numerator": 1, "denominator": 2, **rule},
    )


@pytest.fixture
def draft(agreed, pmr):
    return create_vote(agreed, pmr)


@pytest.fixture
def open_vote(draft, pmr):
    return vote_open(vote=draft, actor=pmr)


def past_closing(vote):
    """Move the closing time into the past (as if the clock had passed it)."""
    Vote.objects.filter(pk=vote.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )
    vote.refresh_from_db()
    return vote


def cast_many(vote, choices):
    """Cast ``choices`` for the first voters on the roll; returns their receipt codes."""
    voters = list(vote.voters.order_by("pk")[: len(choices)])
    return [
        ballot_cast(vote=vote, voter=voter, choice=choice)
        for voter, choice in zip(voters, choices, strict=True)
    ]
