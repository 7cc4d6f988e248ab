"""Personal links, casting once, and who may not vote."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.utils import timezone

from processes.models import Decision
from tests.factories import StaffMemberFactory, UserFactory
from tests.fixtures.ballots import opened_ballots
from voting.models import AppreciationQuestion, Ballot, Participation, Vote, VoterToken
from voting.services.casting import (
    ballot_cast,
    ballot_cast_by_token,
    ballot_cast_signed_in,
    voter_for_token,
    voter_sheets_issue,
    voter_token_issue,
)
from voting.services.closing import vote_close
from voting.services.common import sha256
from voting.services.vote import vote_open
from werkdruk.exceptions import DomainError

from .conftest import create_vote, past_closing, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(open_vote):
    return open_vote.voters.get(staff_member__user=user("docent"))


def test_a_code_is_returned_once_and_only_its_hash_is_stored(teacher):
    token = voter_token_issue(voter=teacher)

    assert len(token) == 24 and token.count("-") == 4  # five groups of four: 100 bits
    row = VoterToken.objects.get(voter=teacher)
    assert (row.token_hash, row.channel) == (sha256(token), VoterToken.Channel.EMAIL)
    assert token not in str(model_to_dict(row).values())
    assert token not in str(list(VoterToken.objects.values_list()))


def test_a_code_finds_its_voter_also_typed_loosely(open_vote, teacher):
    token = voter_token_issue(voter=teacher)
    assert voter_for_token(vote=open_vote, token=token) == teacher
    typed = token.replace("-", " ").lower()
    assert voter_for_token(token=typed) == teacher


def test_emailed_codes_add_up_but_a_new_sheet_replaces_the_old_sheet(open_vote, teacher):
    invitation = voter_token_issue(voter=teacher)
    reminder = voter_token_issue(voter=teacher)
    old_sheet = voter_token_issue(voter=teacher, channel=VoterToken.Channel.SHEET)
    new_sheet = voter_token_issue(voter=teacher, channel=VoterToken.Channel.SHEET)

    for token in (invitation, reminder, new_sheet):
        assert voter_for_token(vote=open_vote, token=token) == teacher
    with pytest.raises(DomainError, match="not valid"):
        voter_for_token(vote=open_vote, token=old_sheet)


def test_an_unknown_code_is_refused(open_vote):
    with pytest.raises(DomainError, match="not valid for this vote"):
        voter_for_token(vote=open_vote, token="made-up")


def test_a_code_of_another_vote_is_refused(open_vote, pmr):
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
    token = voter_token_issue(voter=stranger)

    with pytest.raises(DomainError, match="not valid for this vote"):
        voter_for_token(vote=open_vote, token=token)
    with pytest.raises(DomainError, match="not valid for this vote"):
        ballot_cast_by_token(vote=open_vote, token=token, choice="yes")
    assert not Ballot.objects.exists()


def test_a_code_expires_at_the_closing_time(open_vote, teacher):
    token = voter_token_issue(voter=teacher)
    past_closing(open_vote)
    with pytest.raises(DomainError, match="not open"):
        ballot_cast_by_token(vote=open_vote, token=token, choice="yes")
    assert not Ballot.objects.exists()


def test_a_code_is_refused_after_closing(open_vote, teacher, pmr):
    token = voter_token_issue(voter=teacher)
    vote = vote_close(vote=past_closing(open_vote), actor=pmr)
    with pytest.raises(DomainError, match="no longer works"):
        voter_for_token(vote=vote, token=token)
    with pytest.raises(DomainError, match="closed"):
        voter_token_issue(voter=teacher)


def test_a_code_does_not_work_before_the_opening_time(agreed, pmr):
    vote = create_vote(
        agreed,
        pmr,
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=8),
    )
    vote = vote_open(vote=vote, actor=pmr)
    voter = vote.voters.get(staff_member__user=user("docent"))
    token = voter_token_issue(voter=voter)
    with pytest.raises(DomainError, match="opens on"):
        ballot_cast_by_token(token=token, choice="yes")
    assert not Participation.objects.exists()


def test_casting_by_token_returns_a_receipt_code(open_vote, teacher):
    token = voter_token_issue(voter=teacher)

    code = ballot_cast_by_token(vote=open_vote, token=token, choice="no")

    assert len(code) == 19 and code.count("-") == 3
    [ballot] = opened_ballots(open_vote)
    assert (ballot["c"], ballot["r"]) == ("no", sha256(code))
    assert Participation.objects.get().voter == teacher
    assert code not in str(list(Ballot.objects.values_list()))


def test_casting_twice_is_refused_and_adds_nothing(open_vote, teacher):
    token = voter_token_issue(voter=teacher)
    ballot_cast_by_token(vote=open_vote, token=token, choice="yes")

    with pytest.raises(DomainError, match="already voted"):
        ballot_cast_by_token(vote=open_vote, token=token, choice="no")
    with pytest.raises(DomainError, match="already voted"):
        ballot_cast_signed_in(vote=open_vote, user=user("docent"), choice="no")

    assert [ballot["c"] for ballot in opened_ballots(open_vote)] == ["yes"]
    assert Participation.objects.count() == 1


def test_a_signed_in_staff_member_votes_without_a_link(open_vote, teacher):
    ballot_cast_signed_in(vote=open_vote, user=user("docent"), choice="abstain")
    assert Participation.objects.get().voter == teacher


def test_a_voter_of_another_school_cannot_vote(open_vote, agreed):
    other_school = agreed.school.board.schools.exclude(pk=agreed.school_id).get()
    elsewhere = UserFactory()
    StaffMemberFactory(school=other_school, user=elsewhere, email=elsewhere.email)

    with pytest.raises(DomainError, match="not on the voters' roll"):
        ballot_cast_signed_in(vote=open_vote, user=elsewhere, choice="yes")
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
        ballot_cast(vote=open_vote, voter=stranger, choice="yes")


def test_an_invalid_choice_is_refused(open_vote, teacher):
    with pytest.raises(DomainError, match="yes, no or abstain"):
        ballot_cast(vote=open_vote, voter=teacher, choice="maybe")
    assert not Participation.objects.exists()


def test_no_ballot_before_opening(agreed, pmr):
    draft = create_vote(agreed, pmr)
    staff = agreed.school.staff_members.first()
    voter = draft.voters.create(staff_member=staff, category=staff.category)
    with pytest.raises(DomainError, match="not open"):
        ballot_cast(vote=draft, voter=voter, choice="yes")


def test_casting_records_no_decision(open_vote, teacher):
    before = Decision.objects.count()
    ballot_cast(vote=open_vote, voter=teacher, choice="yes")
    assert Decision.objects.count() == before


@pytest.fixture
def with_questions(agreed, pmr):
    vote = create_vote(agreed, pmr, questions=["The units", "The split"])
    return vote_open(vote=vote, actor=pmr)


def test_appreciation_answers_are_stored_on_the_ballot_by_position(with_questions):
    voter = with_questions.voters.first()
    ballot_cast(vote=with_questions, voter=voter, choice="yes", appreciation={"1": "4", "2": ""})
    assert [ballot["a"] for ballot in opened_ballots(with_questions)] == [{"1": 4}]


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"1": 6}, "from 1 to 5"),
        ({"1": 0}, "from 1 to 5"),
        ({"1": "x"}, "from 1 to 5"),
        ({"3": 4}, "no such question"),
    ],
)
def test_a_wrong_appreciation_is_refused_and_nothing_is_saved(with_questions, answers, message):
    voter = with_questions.voters.first()
    with pytest.raises(DomainError, match=message):
        ballot_cast(vote=with_questions, voter=voter, choice="yes", appreciation=answers)
    assert not Participation.objects.exists()
    assert not Ballot.objects.exists()


def test_questions_are_numbered_in_order(with_questions):
    assert list(
        AppreciationQuestion.objects.filter(vote=with_questions).values_list("position", "text")
    ) == [(1, "The units"), (2, "The split")]


def test_printing_sheets_is_a_recorded_pmr_decision_without_codes(open_vote, pmr, director):
    voters = list(open_vote.voters.order_by("pk")[:2])
    with pytest.raises(PermissionDenied):
        voter_sheets_issue(vote=open_vote, actor=director, voters=voters)

    codes = voter_sheets_issue(vote=open_vote, actor=pmr, voters=voters)

    assert [voter_for_token(token=c) for c in codes] == voters
    decision = Decision.objects.get(action="voting.sheets.printed")
    assert not any(v.staff_member.name in decision.summary for v in voters)
    assert decision.content["staff_members"] == [v.staff_member_id for v in voters]
    assert not any(c in str(decision.content) + decision.summary for c in codes)
