"""Counting a vote: a pure function of the counts and the rule, without Django."""

from dataclasses import dataclass
from decimal import Decimal

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


# --- a unit's choice of measures within its budget ---------------------------------------------


@dataclass(frozen=True)
class MeasuresResult:
    votes: dict  # option position -> number of ballots that selected it
    chosen: tuple  # positions of the chosen options, in the order they were taken
    total: Decimal  # the chosen options' cost together, never above the budget
    budget: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.total


def selection_total(costs: dict, selection) -> Decimal:
    """What a selection of option positions costs together (``costs``: position -> cost)."""
    return sum((Decimal(costs[p]) for p in selection), Decimal("0"))


def measures_tally(*, costs: dict, selections, budget) -> MeasuresResult:
    """The chosen set of a choice of measures within ``budget``.

    ``costs`` maps each option's position to its cost; ``selections`` holds one iterable of
    positions per ballot (empty for an abstention). Every option is counted (how many ballots
    selected it); then the options with at least one vote are taken in order of votes (more
    first; on a tie the lower cost, then the lower position) and each is added if it still fits
    what is left of the budget. So the chosen set never costs more than the budget, even if no
    single ballot chose it as a whole. Decimal arithmetic only, so the boundary is exact.
    """
    budget = Decimal(budget)
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    if any(Decimal(c) < 0 for c in costs.values()):
        raise ValueError("a cost cannot be negative")
    votes = dict.fromkeys(costs, 0)
    for selection in selections:
        for position in set(selection):
            if position not in votes:
                raise ValueError(f"no option at position {position!r}")
            votes[position] += 1
    order = sorted(
        (p for p in costs if votes[p] > 0), key=lambda p: (-votes[p], Decimal(costs[p]), p)
    )
    chosen, total = [], Decimal("0")
    for position in order:
        cost = Decimal(costs[position])
        if total + cost <= budget:
            chosen.append(position)
            total += cost
    return MeasuresResult(votes=votes, chosen=tuple(chosen), total=total, budget=budget)
