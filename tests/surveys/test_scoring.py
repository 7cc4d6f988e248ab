"""Scoring to exact figures on a crafted set, and groups under five never shown."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from surveys import scoring
from surveys.models import SurveyTemplate

from .conftest import answers_for


@pytest.fixture
def content(db):
    return SurveyTemplate.objects.get(key="default").content


def crafted(content):
    """Six respondents. Quantitative: item scores per respondent (means 1, 2, 8/3, 3, 4, 7/3).
    Job control (1-3): means 1, 1, 2.5, 3, 2, 1.5 (items mixed)."""
    quantitative = [(1, 1, 1), (2, 2, 2), (2, 3, 3), (3, 3, 3), (4, 4, 4), (2, 2, 3)]
    control = [(1,) * 6, (1,) * 6, (2, 3, 2, 3, 2, 3), (3,) * 6, (2,) * 6, (1, 2, 1, 2, 1, 2)]
    sets = []
    for q, c in zip(quantitative, control, strict=True):
        answers = answers_for(content, 2)
        for index, value in enumerate(q, start=1):
            answers["items"][f"quantitative_{index}"] = value
        for index, value in enumerate(c, start=1):
            answers["items"][f"control_{index}"] = value
        sets.append(answers)
    return sets


def test_means_and_high_shares_to_exact_figures(content):
    results = {r.key: r for r in scoring.dimensions(content, crafted(content))}
    quantitative = results["quantitative"]
    # Respondent means 1, 2, 8/3, 3, 4, 7/3: sum 15, mean 2.50; >= 2.5: 8/3, 3, 4 -> 3 of 6.
    assert quantitative.mean == Decimal("2.50")
    assert quantitative.high_count == 3
    assert quantitative.high_share == Decimal("50.0")
    assert quantitative.scale_max == 4
    control = results["control"]
    # Means 1, 1, 2.5, 3, 2, 1.5: sum 11, mean 11/6 = 1.833.. -> 1.83; >= 2.5: 2 of 6.
    assert control.mean == Decimal("1.83")
    assert control.high_count == 2
    assert control.high_share == Decimal("33.3")
    assert control.scale_max == 3
    assert control.high_label == "little control (mostly 'no')"
    assert quantitative.high_label == "often or always"
    # Every other dimension answered 2 by all: mean 2.00, nobody high.
    assert results["emotional"].mean == Decimal("2.00")
    assert results["emotional"].high_share == Decimal("0.0")


def test_rounding_is_half_up(content):
    # Three respondents with quantitative means 2, 2, 7/3 -> mean 19/9 = 2.111 -> 2.11;
    # one of three high on control (3) -> 33.3%; two of three -> 66.7%.
    sets = [answers_for(content, 2) for _ in range(3)]
    for i in (1, 2, 3):
        sets[2]["items"][f"quantitative_{i}"] = (2, 2, 3)[i - 1]
    for s in sets[:2]:
        for i in range(1, 7):
            s["items"][f"control_{i}"] = 3
    results = {r.key: r for r in scoring.dimensions(content, sets)}
    assert results["quantitative"].mean == Decimal("2.11")
    assert results["control"].high_share == Decimal("66.7")


def test_no_results_without_answers(content):
    assert scoring.dimensions(content, []) == []


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ({"OP": 20, "OOP": 6, "MT": 5}, {"OP", "OOP", "MT"}),
        # MT (3) hidden alone could be derived as total - OP - OOP: OOP is hidden too.
        ({"OP": 20, "OOP": 6, "MT": 3}, {"OP"}),
        # Two small groups hidden together count 5: nothing more to hide.
        ({"OP": 20, "OOP": 2, "MT": 3}, {"OP"}),
        ({"OP": 20, "OOP": 4, "": 0}, set()),  # 4 hidden: OP would reveal them; all hidden
        ({"OP": 7, "OOP": 6, "": 2}, {"OP"}),  # "not stated" counts as a group
        ({"OP": 4}, set()),
    ],
)
def test_complementary_suppression(counts, shown):
    assert scoring.shown_groups(counts) == shown


def _responses(content, groups):
    rows = []
    for name, n, value in groups:
        for _ in range(n):
            rows.append(SimpleNamespace(category=name, answers=answers_for(content, value)))
    return rows


def test_groups_under_five_are_never_shown_nor_derivable(content):
    responses = _responses(content, [("OP", 6, 3), ("OOP", 5, 2), ("MT", 2, 4)])
    groups = scoring.by_group(content, responses, "category")
    names = [g.name for g in groups]
    # MT (2) is hidden; OOP (5) is hidden with it, so MT cannot be derived by subtraction.
    assert names == ["OP", None]
    rest = groups[1]
    assert rest.n == 7
    assert all(g.n >= scoring.MIN_GROUP for g in groups)
    # The hidden groups together: (5 x 2 + 2 x 4) / 7 = 18/7 = 2.57.
    assert rest.dimensions[0].mean == Decimal("2.57")
    assert groups[0].dimensions[0].mean == Decimal("3.00")


def test_no_breakdown_at_all_below_five_respondents(content):
    responses = _responses(content, [("OP", 4, 3)])
    assert scoring.by_group(content, responses, "category") == []


def test_distribution_shares(content):
    options = content["effect"]["options"]
    result = {d.key: d for d in scoring.distribution(options, ["same", "same", "dont_know"])}
    assert result["same"].count == 2
    assert result["same"].share == Decimal("66.7")
    assert result["dont_know"].share == Decimal("33.3")
    assert result["strongly_decreased"].share == Decimal("0.0")
