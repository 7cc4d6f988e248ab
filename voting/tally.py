"""Counting a vote: a pure function of the counts and the rule, without Django."""

from dataclasses import dataclass

ADOPTED = "adopted"
REJECTED = "rejected"
INVALID = "invalid"

VOTES_CAST = "votes_cast"
YES_NO = "yes_no"
ELIGIBLE = "eligible"


@dataclass(frozen=True)
class TallyResult:
    outcome: str  # adopted, rejected or invalid (quorum not met)
    eligible: int
    cast: int
    yes: int
    no: int
    abstain: int
    base_total: int  # what counted as 100% under the rule
    quorum_met: bool


def tally(
    *, eligible, yes, no, abstain, base, numerator, denominator, quorum_percentage=None
) -> TallyResult:
    """The outcome of a vote under its rule.

    The quorum is met when cast / eligible * 100 >= quorum_percentage (exactly at the quorum
    counts); without it the vote is invalid. Otherwise the proposal is adopted only if
    yes / base_total is strictly more than numerator / denominator: a tie is not a majority,
    and nothing is adopted without a yes vote (all abstaining with base yes_no gives 0 of 0).
    Integer arithmetic only, so boundaries are exact.
    """
    if min(eligible, yes, no, abstain) < 0:
        raise ValueError("counts cannot be negative")
    cast = yes + no + abstain
    if cast > eligible:
        raise ValueError("more votes cast than voters on the roll")
    if not 0 < numerator < denominator:
        raise ValueError("the majority must be a fraction between 0 and 1")
    if quorum_percentage is not None and not 0 <= quorum_percentage <= 100:
        raise ValueError("the quorum is a percentage from 0 to 100")
    base_total = {VOTES_CAST: cast, YES_NO: yes + no, ELIGIBLE: eligible}[base]
    quorum_met = quorum_percentage is None or cast * 100 >= quorum_percentage * eligible
    if not quorum_met:
        outcome = INVALID
    elif yes * denominator > base_total * numerator:
        outcome = ADOPTED
    else:
        outcome = REJECTED
    return TallyResult(
        outcome=outcome,
        eligible=eligible,
        cast=cast,
        yes=yes,
        no=no,
        abstain=abstain,
        base_total=base_total,
        quorum_met=quorum_met,
    )
