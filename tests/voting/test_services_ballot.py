"""Personal links, casting once, and who may not vote."""

import pytest
from django.forms.models import model_to_dict

from processes.models import Decision
from tests.factories import StaffMemberFactory, UserFactory
from voting import services as voting
from voting.models import Ballot, Participation, Vote
from werkdruk.exceptions import DomainError

from .conftest import create_vote, past_closing, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(open_vote):
    return open_vote.voters.get(staff_member__user=user("docent"))


def test_a_token_is_returned_once_and_only_its_hash_is_stored(teacher):
    token = voting.voter_token_issue(voter=teacher)

    teacher.refresh_from_db()
    assert len(token) >= 40
    assert teacher.token_hash == voting.sha256(token)
    assert token not in str(model_to_dict(teacher).values())
    assert token not in str(list(type(teacher).objects.values_list()))


def test_a_token_finds_its_voter(open_vote, teacher):
    token = voting.voter_token_issue(voter=teacher)
    assert voting.voter_for_token(vote=open_vote, token=token) == teacher


def test_issuing_again_replaces_the_earlier_token(open_vote, teacher):
    old = voting.voter_token_issue(voter=teacher)
    new = voting.voter_token_issue(voter=teacher)
    with pytest.raises(DomainError, match="not valid"):
        voting.voter_for_token(vote=open_vote, token=old)
    assert voting.voter_for_token(vote=open_vote, token=new) == teacher


def test_an_unknown_token_is_refused(open_vote):
    with pytest.raises(DomainError, match="not valid for this vote"):
        voting.voter_for_token(vote=open_vote, token="made-up")


def test_a_token_of_another_vote_is_refused(open_vote, pmr):
    other = Vote.objects.create(
        kind=Vote.Kind.AGREEMENT,
        round=1,
        state=Vote.State.OPEN,
        opens_at=open_vote.opens_at,
        closes_at=open_vote.closes_at,
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=pmr,
    )
    stranger = other.voters.create(staff_member=StaffMemberFactory(), category="OP")
    token = voting.voter_token_issue(voter=stranger)

    with pytest.raises(DomainError, match="not valid for this vote"):
        voting.voter_for_token(vote=open_vote, token=token)
    with pytest.raises(DomainError, match="not valid for this vote"):
        voting.ballot_cast_by_token(vote=open_vote, token=token, choice="yes")
    assert not Ballot.objects.exists()


def test_a_token_expires_at_the_closing_time(open_vote, teacher):
    token = voting.voter_token_issue(voter=teacher)
    past_closing(open_vote)
    with pytest.raises(DomainError, match="not open"):
        voting.voter_for_token(vote=open_vote, token=token)
    with pytest.raises(DomainError, match="not open"):
        voting.ballot_cast_by_token(vote=open_vote, token=token, choice="yes")


def test_a_token_is_refused_after_closing(open_vote, teacher, pmr):
    token = voting.voter_token_issue(voter=teacher)
    vote = voting.vote_close(vote=past_closing(open_vote), actor=pmr)
    with pytest.raises(DomainError, match="not open"):
        voting.voter_for_token(vote=vote, token=token)
    with pytest.raises(DomainError, match="closed"):
        voting.voter_token_issue(voter=teacher)


def test_a_token_does_not_work_before_opening(draft, pmr):
    with pytest.raises(DomainError, match="not open"):
        voting.voter_for_token(vote=draft, token="anything")


def test_casting_by_token_returns_a_receipt_code(open_vote, teacher):
    token = voting.voter_token_issue(voter=teacher)

    code = voting.ballot_cast_by_token(vote=open_vote, token=token, choice="no")

    assert len(code) == 19 and code.count("-") == 3
    ballot = Ballot.objects.get()
    assert (ballot.choice, ballot.receipt_hash) == ("no", voting.sha256(code))
    assert Participation.objects.get().voter == teacher
    assert code not in str(list(Ballot.objects.values_list()))


def test_casting_twice_is_refused_and_adds_nothing(open_vote, teacher):
    token = voting.voter_token_issue(voter=teacher)
    voting.ballot_cast_by_token(vote=open_vote, token=token, choice="yes")

    with pytest.raises(DomainError, match="already voted"):
        voting.ballot_cast_by_token(vote=open_vote, token=token, choice="no")
    with pytest.raises(DomainError, match="already voted"):
        voting.ballot_cast_signed_in(vote=open_vote, user=user("docent"), choice="no")

    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]
    assert Participation.objects.count() == 1


def test_a_signed_in_staff_member_votes_without_a_link(open_vote, teacher):
    voting.ballot_cast_signed_in(vote=open_vote, user=user("docent"), choice="abstain")
    assert Participation.objects.get().voter == teacher


def test_a_voter_of_another_school_cannot_vote(open_vote, agreed):
    other_school = agreed.school.board.schools.exclude(pk=agreed.school_id).get()
    elsewhere = UserFactory()
    StaffMemberFactory(school=other_school, user=elsewhere, email=elsewhere.email)

    with pytest.raises(DomainError, match="not on the voters' roll"):
        voting.ballot_cast_signed_in(vote=open_vote, user=elsewhere, choice="yes")
    assert not open_vote.voters.filter(staff_member__school=other_school).exists()
    assert not Ballot.objects.exists()
    assert not Participation.objects.exists()


def test_a_voter_row_of_another_vote_cannot_be_used(open_vote, pmr):
    other = Vote.objects.create(
        kind=Vote.Kind.AGREEMENT,
        round=1,
        state=Vote.State.OPEN,
        opens_at=open_vote.opens_at,
        closes_at=open_vote.closes_at,
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=pmr,
    )
    stranger = other.voters.create(staff_member=StaffMemberFactory(), category="OP")
    with pytest.raises(DomainError, match="not on the voters' roll"):
        voting.ballot_cast(vote=open_vote, voter=stranger, choice="yes")


def test_an_invalid_choice_is_refused(open_vote, teacher):
    with pytest.raises(DomainError, match="yes, no or abstain"):
        voting.ballot_cast(vote=open_vote, voter=teacher, choice="maybe")
    assert not Participation.objects.exists()


def test_no_ballot_before_opening(agreed, pmr):
    draft = create_vote(agreed, pmr)
    staff = agreed.school.staff_members.first()
    voter = draft.voters.create(staff_member=staff, category=staff.category)
    with pytest.raises(DomainError, match="not open"):
        voting.ballot_cast(vote=draft, voter=voter, choice="yes")


def test_casting_records_no_decision(open_vote, teacher):
    before = Decision.objects.count()
    voting.ballot_cast(vote=open_vote, voter=teacher, choice="yes")
    assert Decision.objects.count() == before
