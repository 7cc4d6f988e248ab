"""A unit's choice of measures: the chosen set is built from the votes per option and never
costs more than the budget (a property over random costs, budgets and ballots)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting.tally import measures_tally, selection_total

D = Decimal


def chosen(costs, selections, budget):
    return measures_tally(costs=costs, selections=selections, budget=budget)


def test_options_are_taken_in_order_of_votes_while_they_fit():
    costs = {1: D("5000"), 2: D("3000"), 3: D("4000"), 4: D("1000")}
    # votes: 1 -> 3, 2 -> 2, 3 -> 2, 4 -> 1
    ballots = [[1, 2], [1, 3], [1], [2, 3, 4]]
    result = chosen(costs, ballots, D("9000"))
    assert result.votes == {1: 3, 2: 2, 3: 2, 4: 1}
    # 1 (5000) fits; 2 and 3 tie on 2 votes: the cheaper (2, 3000) first and fits (8000);
    # 3 (4000) no longer fits; 4 (1000) still does (9000 exactly: at the budget is within it).
    assert result.chosen == (1, 2, 4)
    assert result.total == D("9000")
    assert result.remaining == D("0")


def test_a_tie_on_votes_and_cost_goes_to_the_lower_position():
    costs = {1: D("10"), 2: D("10")}
    assert chosen(costs, [[2], [1]], D("10")).chosen == (1,)


def test_an_option_nobody_chose_is_not_chosen_even_if_it_fits():
    result = chosen({1: D("10"), 2: D("1")}, [[1], []], D("100"))
    assert result.chosen == (1,)
    assert result.votes[2] == 0


def test_abstentions_only_choose_nothing():
    result = chosen({1: D("10"), 2: D("20")}, [[], []], D("100"))
    assert result.chosen == ()
    assert result.total == D("0")


def test_each_ballot_counts_an_option_once():
    assert chosen({1: D("1"), 2: D("1")}, [[1, 1, 1]], D("5")).votes == {1: 1, 2: 0}


def test_an_unknown_option_or_a_negative_amount_is_a_programming_error():
    with pytest.raises(ValueError):
        chosen({1: D("1")}, [[2]], D("5"))
    with pytest.raises(ValueError):
        chosen({1: D("-1")}, [[1]], D("5"))
    with pytest.raises(ValueError):
        chosen({1: D("1")}, [[1]], D("-5"))


cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c) / 100)


@st.composite
def elections(draw):
    count = draw(st.integers(min_value=1, max_value=12))
    costs = {p: draw(cents) for p in range(1, count + 1)}
    budget = draw(cents)
    positions = st.sets(st.integers(min_value=1, max_value=count))
    ballots = draw(st.lists(positions, max_size=25))
    return costs, ballots, budget


# No deadline: on a machine shared with other test runs one example is slow now and then.
@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_the_chosen_set_never_costs_more_than_the_budget(election):
    costs, ballots, budget = election
    result = measures_tally(costs=costs, selections=ballots, budget=budget)
    assert result.total == selection_total(costs, result.chosen)
    assert result.total <= budget
    assert len(set(result.chosen)) == len(result.chosen)
    # Every chosen option had votes, and they were taken in order of votes.
    assert all(result.votes[p] > 0 for p in result.chosen)
    order = [result.votes[p] for p in result.chosen]
    assert order == sorted(order, reverse=True)
    # Greedy: an option with votes that was left out did not fit when its turn came, so it
    # does not fit in what is left now either.
    for position, count in result.votes.items():
        if count and position not in result.chosen:
            assert costs[position] > result.remaining
    assert sum(result.votes.values()) == sum(len(b) for b in ballots)
