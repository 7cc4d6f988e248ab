"""Changes to a frozen roll are recorded decisions of the PMR."""

import pytest
from django.core.exceptions import PermissionDenied

from processes.models import Decision
from tests.factories import StaffMemberFactory
from voting.models import Voter
from voting.services.casting import ballot_cast
from voting.services.roll import voter_add, voter_remove
from werkdruk.exceptions import DomainError

from .conftest import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(agreed):
    return StaffMemberFactory(school=agreed.school, name="Nieuwe Collega")


def test_adding_someone_to_an_open_vote_is_a_decision(open_vote, newcomer, pmr):
    voter = voter_add(vote=open_vote, staff_member=newcomer, actor=pmr, grounds="Started on Monday")
    assert voter.vote == open_vote
    decision = Decision.objects.get(action="voting.roll.added")
    assert "Nieuwe Collega" in decision.summary
    assert decision.grounds == "Started on Monday"
    assert decision.actor == pmr


@pytest.mark.parametrize("grounds", ["", "   "])
def test_a_roll_change_needs_grounds(open_vote, newcomer, pmr, grounds):
    with pytest.raises(DomainError, match="reason"):
        voter_add(vote=open_vote, staff_member=newcomer, actor=pmr, grounds=grounds)
    assert not Voter.objects.filter(staff_member=newcomer).exists()


def test_someone_on_the_roll_cannot_be_added_twice(open_vote, pmr):
    teacher = open_vote.voters.get(staff_member__user=user("docent")).staff_member
    with pytest.raises(DomainError, match="already on the roll"):
        voter_add(vote=open_vote, staff_member=teacher, actor=pmr, grounds="x")


def test_staff_of_another_school_cannot_be_added(open_vote, agreed, pmr):
    other_school = agreed.school.board.schools.exclude(pk=agreed.school_id).get()
    stranger = StaffMemberFactory(school=other_school)
    with pytest.raises(DomainError, match="Only staff of this school"):
        voter_add(vote=open_vote, staff_member=stranger, actor=pmr, grounds="x")


def test_only_the_pmr_changes_the_roll(open_vote, newcomer, director):
    with pytest.raises(PermissionDenied):
        voter_add(vote=open_vote, staff_member=newcomer, actor=director, grounds="x")
    voter = open_vote.voters.first()
    with pytest.raises(PermissionDenied):
        voter_remove(voter=voter, actor=director, grounds="x")


def test_the_roll_only_changes_while_the_vote_is_open(draft, newcomer, pmr):
    with pytest.raises(DomainError, match="while the vote is open"):
        voter_add(vote=draft, staff_member=newcomer, actor=pmr, grounds="x")


def test_removing_someone_who_has_not_voted_is_a_decision(open_vote, pmr):
    voter = open_vote.voters.get(staff_member__user=user("docent"))
    voter_remove(voter=voter, actor=pmr, grounds="Left the school")
    assert not Voter.objects.filter(pk=voter.pk).exists()
    decision = Decision.objects.get(action="voting.roll.removed")
    assert decision.grounds == "Left the school"


def test_someone_who_voted_cannot_be_removed(open_vote, pmr):
    voter = open_vote.voters.get(staff_member__user=user("docent"))
    ballot_cast(vote=open_vote, voter=voter, choice="yes")
    with pytest.raises(DomainError, match="already voted"):
        voter_remove(voter=voter, actor=pmr, grounds="x")
    assert Voter.objects.filter(pk=voter.pk).exists()
    assert not Decision.objects.filter(action="voting.roll.removed").exists()
