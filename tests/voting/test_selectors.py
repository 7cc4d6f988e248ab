"""Turnout per unit never gives away the participation of fewer than five people."""

import pytest

from voting.models import Voter
from voting.selectors import vote_turnout

from .conftest import cast_many

pytestmark = pytest.mark.django_db


def place(vote, sizes):
    """Put the roll's voters, in order, into units of the given sizes; the rest in none."""
    voters = list(vote.voters.order_by("pk").values_list("pk", flat=True))
    start = 0
    for name, size in sizes:
        Voter.objects.filter(pk__in=voters[start : start + size]).update(unit_name=name)
        start += size
    Voter.objects.filter(pk__in=voters[start:]).delete()
    return voters[:start]


def test_units_of_five_or_more_are_shown_with_their_turnout(open_vote):
    place(open_vote, [("A", 6), ("B", 7), ("Small", 5)])
    cast_many(open_vote, ["yes", "no", "yes"])  # the first three: all in A

    turnout = vote_turnout(open_vote)

    assert [(r.label, r.eligible, r.voted) for r in turnout.units] == [
        ("A", 6, 3),
        ("B", 7, 0),
        ("Small", 5, 0),
    ]
    assert (turnout.total.eligible, turnout.total.voted, turnout.hidden_units) == (18, 3, 0)
    assert str(turnout.units[0].percentage) == "50.0"


def test_a_small_remainder_takes_the_smallest_unit_with_it(open_vote):
    place(open_vote, [("A", 6), ("B", 7), ("Tiny", 3)])

    turnout = vote_turnout(open_vote)

    # Total minus A and B would give away Tiny's 3 voters, so A is not shown either.
    assert [r.label for r in turnout.units] == ["B"]
    assert turnout.hidden_units == 2
    assert turnout.total.eligible == 16
