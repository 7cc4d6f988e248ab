"""Paper ballots: two tellers, four eyes, and nothing counted until both agree."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from processes.models import Decision
from tests.fixtures.ballots import opened_ballots
from voting.models import Ballot, PaperBatch, Participation
from voting.services.casting import ballot_cast
from voting.services.closing import vote_close, vote_close_if_due
from voting.services.paper import paper_batch_confirm, paper_batch_discard, paper_batch_enter
from werkdruk.exceptions import DomainError

from .conftest import past_closing, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmr2(agreed):
    return user("pmr2")


@pytest.fixture
def five(open_vote):
    return list(open_vote.voters.order_by("pk")[:5])


@pytest.fixture
def batch(open_vote, pmr, five):
    return paper_batch_enter(
        vote=open_vote, actor=pmr, voters=five, yes=3, no=1, abstain=1, description="Staff meeting"
    )


def test_the_first_teller_counts_nothing_yet(batch, five):
    assert batch.state == PaperBatch.State.PENDING
    assert set(batch.voters.all()) == set(five)
    assert not Participation.objects.exists()
    assert not Ballot.objects.exists()


def test_matching_counts_of_the_second_teller_add_the_ballots(
    batch, pmr2, five, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        paper_batch_confirm(batch=batch, actor=pmr2, yes=3, no=1, abstain=1)

    batch.refresh_from_db()
    assert (batch.state, batch.confirmed_by) == (PaperBatch.State.CONFIRMED, pmr2)
    assert Participation.objects.filter(voter__in=five).count() == 5
    ballots = opened_ballots(batch.vote)
    assert sorted(ballot["c"] for ballot in ballots) == ["abstain", "no", "yes", "yes", "yes"]
    assert {ballot["r"] for ballot in ballots} == {None}  # paper ballots have no receipt
    assert not batch.voters.exists()  # the names are cleared, the counts stay
    assert Decision.objects.filter(action="voting.paper.counted").count() == 1
    # Each paper voter hears that a ballot was counted in their name, and nothing more.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(v.staff_member.email for v in five)
    assert all("Staff meeting" in m.body for m in mail.outbox)
    assert not any(word in m.body for m in mail.outbox for word in (" yes", " no ", "abstain"))


def test_differing_counts_change_nothing(batch, pmr2):
    with pytest.raises(DomainError, match="differ"):
        paper_batch_confirm(batch=batch, actor=pmr2, yes=2, no=2, abstain=1)
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.PENDING
    assert not Participation.objects.exists()
    assert not Ballot.objects.exists()


def test_the_first_teller_cannot_confirm_their_own_entry(batch, pmr):
    with pytest.raises(DomainError, match="a different PMR member"):
        paper_batch_confirm(batch=batch, actor=pmr, yes=3, no=1, abstain=1)
    assert not Ballot.objects.exists()


def test_tellers_are_pmr_members(open_vote, five, director, batch):
    with pytest.raises(PermissionDenied):
        paper_batch_enter(vote=open_vote, actor=director, voters=five, yes=5, no=0, abstain=0)
    with pytest.raises(PermissionDenied):
        paper_batch_confirm(batch=batch, actor=director, yes=3, no=1, abstain=1)


def test_counts_must_match_the_voters_ticked(open_vote, pmr, five):
    with pytest.raises(DomainError, match="must match"):
        paper_batch_enter(vote=open_vote, actor=pmr, voters=five, yes=5, no=1, abstain=0)
    assert not PaperBatch.objects.exists()


def test_someone_who_voted_online_cannot_hand_in_paper(open_vote, pmr, five):
    ballot_cast(vote=open_vote, voter=five[0], choice="no")
    with pytest.raises(DomainError) as error:
        paper_batch_enter(vote=open_vote, actor=pmr, voters=five, yes=5, no=0, abstain=0)
    assert error.value.details == [five[0].staff_member.name]
    assert not PaperBatch.objects.exists()


def test_voting_online_after_the_entry_blocks_the_confirmation(batch, pmr2, five):
    ballot_cast(vote=batch.vote, voter=five[2], choice="no")
    with pytest.raises(DomainError) as error:
        paper_batch_confirm(batch=batch, actor=pmr2, yes=3, no=1, abstain=1)
    assert error.value.details == [five[2].staff_member.name]
    assert Ballot.objects.count() == 1


def test_a_confirmed_batch_cannot_be_confirmed_again_or_discarded(batch, pmr, pmr2):
    paper_batch_confirm(batch=batch, actor=pmr2, yes=3, no=1, abstain=1)
    with pytest.raises(DomainError, match="already been counted"):
        paper_batch_confirm(batch=batch, actor=pmr2, yes=3, no=1, abstain=1)
    with pytest.raises(DomainError, match="cannot be discarded"):
        paper_batch_discard(batch=batch, actor=pmr)
    assert Ballot.objects.count() == 5


def test_discarding_a_pending_batch_is_recorded(batch, pmr2):
    paper_batch_discard(batch=batch, actor=pmr2)
    assert not PaperBatch.objects.exists()
    decision = Decision.objects.get(action="voting.paper.discarded")
    assert decision.actor == pmr2
    assert "5 paper ballots" in decision.summary


def test_closing_by_hand_waits_for_pending_paper_ballots(batch, pmr):
    vote = past_closing(batch.vote)
    with pytest.raises(DomainError, match="second teller"):
        vote_close(vote=vote, actor=pmr)


def test_the_scheduled_close_discards_pending_paper_uncounted(batch):
    vote = vote_close_if_due(past_closing(batch.vote))
    assert vote.state == vote.State.CLOSED
    assert vote.cast_count == 0
    decision = Decision.objects.get(action="voting.vote.closed")
    assert decision.content["uncounted_paper_batches"] == 1
    assert not PaperBatch.objects.exists()  # names next to counts are not kept


def test_paper_ballots_count_in_the_result(batch, pmr, pmr2):
    paper_batch_confirm(batch=batch, actor=pmr2, yes=3, no=1, abstain=1)
    vote = vote_close(vote=past_closing(batch.vote), actor=pmr)
    assert (vote.cast_count, vote.yes_count, vote.no_count, vote.abstain_count) == (5, 3, 1, 1)
