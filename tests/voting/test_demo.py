"""The demo's open vote: ballots cast by about two thirds of the staff, the demo teacher not."""

import pytest

from plans.demo import demo_load
from processes.models import Decision
from voting.demo import demo_vote
from voting.models import Ballot, Participation, Vote, VoterMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    result = demo_load()
    return result, demo_vote(result["process"], result["users"])


def test_the_demo_vote_is_open_with_about_two_thirds_voted(demo):
    (result, vote) = demo
    assert vote.state == Vote.State.OPEN and vote.questions.count() == 3
    eligible = vote.voters.count()
    cast = Participation.objects.filter(voter__vote=vote).count()
    assert 0.55 * eligible <= cast <= 0.75 * eligible
    assert Ballot.objects.filter(vote=vote).count() == cast
    assert result["process"].steps.get(number=3).state == "done"
    teacher = vote.voters.get(staff_member__user=result["users"]["docent"])
    assert not Participation.objects.filter(voter=teacher).exists()
    assert not VoterMessage.objects.filter(voter=teacher).exists()  # its invitation is due


def test_the_demo_vote_is_made_once(demo):
    (result, vote) = demo
    decisions = Decision.objects.count()
    assert demo_vote(result["process"], result["users"]) == vote
    assert Vote.objects.count() == 1 and Decision.objects.count() == decisions
