"""The count under each rule: base x majority x quorum, ties, all-abstain and boundaries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voting.tally import ADOPTED, ELIGIBLE, INVALID, REJECTED, VOTES_CAST, YES_NO, tally


def outcome(eligible, yes, no, abstain, base, majority=(1, 2), quorum=None):
    return tally(
        eligible=eligible,
        yes=yes,
        no=no,
        abstain=abstain,
        base=base,
        numerator=majority[0],
        denominator=majority[1],
        quorum_percentage=quorum,
    ).outcome


@pytest.mark.parametrize(
    ("counts", "base", "expected"),
    [
        # 10 eligible; yes, no, abstain
        ((6, 4, 0), VOTES_CAST, ADOPTED),
        ((5, 5, 0), VOTES_CAST, REJECTED),  # a tie is not a majority
        ((5, 3, 2), VOTES_CAST, REJECTED),  # 5 of 10 cast: not more than half
        ((5, 3, 2), YES_NO, ADOPTED),  # abstentions left out: 5 of 8
        ((4, 4, 2), YES_NO, REJECTED),  # tie among yes and no
        ((5, 1, 1), ELIGIBLE, REJECTED),  # 5 of 10 eligible
        ((6, 1, 0), ELIGIBLE, ADOPTED),
        ((0, 0, 10), YES_NO, REJECTED),  # all abstain: 0 of 0
        ((0, 0, 10), VOTES_CAST, REJECTED),
        ((0, 0, 0), VOTES_CAST, REJECTED),  # nobody voted
        ((0, 0, 0), YES_NO, REJECTED),
        ((0, 0, 0), ELIGIBLE, REJECTED),
    ],
)
def test_simple_majority_under_each_base(counts, base, expected):
    assert outcome(10, *counts, base=base) == expected


@pytest.mark.parametrize(
    ("yes", "no", "expected"),
    [(6, 3, REJECTED), (7, 3, ADOPTED), (20, 10, REJECTED), (21, 10, ADOPTED)],
)
def test_two_thirds_is_exceeded_strictly(yes, no, expected):
    assert outcome(40, yes, no, 0, YES_NO, majority=(2, 3)) == expected


def test_two_thirds_of_all_eligible():
    assert outcome(30, 20, 0, 0, ELIGIBLE, majority=(2, 3)) == REJECTED
    assert outcome(30, 21, 0, 0, ELIGIBLE, majority=(2, 3)) == ADOPTED


def test_a_custom_fraction():
    assert outcome(100, 60, 40, 0, VOTES_CAST, majority=(3, 5)) == REJECTED
    assert outcome(100, 61, 39, 0, VOTES_CAST, majority=(3, 5)) == ADOPTED


@pytest.mark.parametrize(
    ("cast_yes", "expected"),
    [(50, ADOPTED), (49, INVALID), (100, ADOPTED)],
)
def test_quorum_exactly_met_counts_and_just_below_is_invalid(cast_yes, expected):
    assert outcome(100, cast_yes, 0, 0, VOTES_CAST, quorum=50) == expected


def test_quorum_with_uneven_numbers():
    # 2 of 3 is 66.67%: meets 66, not 67.
    assert outcome(3, 2, 0, 0, VOTES_CAST, quorum=66) == ADOPTED
    assert outcome(3, 2, 0, 0, VOTES_CAST, quorum=67) == INVALID


def test_invalid_takes_precedence_over_a_majority():
    assert outcome(10, 4, 0, 0, VOTES_CAST, quorum=50) == INVALID


def test_abstentions_count_for_the_quorum():
    assert outcome(10, 1, 0, 4, YES_NO, quorum=50) == ADOPTED


def test_zero_cast_with_a_quorum_is_invalid():
    assert outcome(10, 0, 0, 0, VOTES_CAST, quorum=1) == INVALID
    assert outcome(10, 0, 0, 0, VOTES_CAST, quorum=0) == REJECTED


def test_the_result_carries_the_counts_and_the_base_total():
    result = tally(
        eligible=10,
        yes=5,
        no=3,
        abstain=2,
        base=YES_NO,
        numerator=1,
        denominator=2,
        quorum_percentage=80,
    )
    assert (result.cast, result.base_total, result.quorum_met) == (10, 8, True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"eligible": 2, "yes": 2, "no": 1, "abstain": 0},
        {"eligible": 2, "yes": -1, "no": 0, "abstain": 0},
        {"eligible": 2, "yes": 1, "no": 0, "abstain": 0, "numerator": 2, "denominator": 2},
        {"eligible": 2, "yes": 1, "no": 0, "abstain": 0, "quorum_percentage": 101},
    ],
)
def test_impossible_input_is_refused(kwargs):
    with pytest.raises(ValueError):
        tally(**{"base": VOTES_CAST, "numerator": 1, "denominator": 2, **kwargs})


counts = st.tuples(
    st.integers(0, 300), st.integers(0, 300), st.integers(0, 300), st.integers(0, 300)
)


@given(
    counts=counts,
    base=st.sampled_from([VOTES_CAST, YES_NO, ELIGIBLE]),
    fraction=st.integers(2, 12).flatmap(lambda d: st.tuples(st.integers(1, d - 1), st.just(d))),
    quorum=st.none() | st.integers(0, 100),
)
def test_outcome_is_deterministic_and_adoption_needs_yes_and_quorum(counts, base, fraction, quorum):
    extra, yes, no, abstain = counts
    kwargs = {
        "eligible": yes + no + abstain + extra,
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "base": base,
        "numerator": fraction[0],
        "denominator": fraction[1],
        "quorum_percentage": quorum,
    }
    result = tally(**kwargs)
    assert tally(**kwargs) == result
    if result.outcome == ADOPTED:
        assert yes > 0
        assert result.quorum_met
        assert yes * fraction[1] > result.base_total * fraction[0]
    if result.outcome == INVALID:
        assert not result.quorum_met
    if (
        result.quorum_met
        and yes <= no
        and base in (VOTES_CAST, YES_NO)
        and fraction[0] * 2 >= fraction[1]
    ):
        assert result.outcome == REJECTED  # no majority without more yes than no
