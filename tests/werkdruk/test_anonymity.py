"""werkdruk.anonymity.rows_rewrite_shuffled: the rows are written again with the same content
and new ids, and the rows read from the queryset itself survive its deletion."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from voting.models import Ballot, Vote
from werkdruk.anonymity import rows_rewrite_shuffled


@pytest.mark.django_db
def test_the_rows_come_back_with_the_same_content_and_new_ids():
    now = timezone.now()
    vote = Vote.objects.create(
        round=1,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=1),
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=UserFactory(),
    )
    choices = ["yes", "no", "abstain", "yes"]
    Ballot.objects.bulk_create(Ballot(vote=vote, choice=choice) for choice in choices)
    ballots = Ballot.objects.filter(vote=vote)
    before = set(ballots.values_list("id", flat=True))

    rows_rewrite_shuffled(
        ballots,
        (Ballot(vote=vote, choice=choice) for choice in ballots.values_list("choice", flat=True)),
    )

    assert sorted(ballots.values_list("choice", flat=True)) == sorted(choices)
    assert not before & set(ballots.values_list("id", flat=True))
