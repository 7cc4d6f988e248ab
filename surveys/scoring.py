"""Scoring the workload survey. Pure functions on a round's content and its responses.

A respondent's dimension score is the mean of their answers to its items. A dimension's result
is the mean of those scores and the "high" share: the share of respondents whose score is at
least 2.5 (on the 1-4 frequency scale: "often or always"; job control is scored 1-3 with a high
score meaning LESS control, so its high share reads "little control, mostly 'no'"; its mean is
reported on its own 1-3 scale, as in the TNO study, and charts scale each bar to its maximum).
Exact arithmetic (Fraction), rounded half up at the end: means to 0.01, shares to 0.1%.

Groups (staff category, unit) are shown only with at least ``MIN_GROUP`` respondents. To keep
a hidden group from being derived as "total minus the shown groups", the hidden groups must
together count at least ``MIN_GROUP`` too: otherwise the smallest shown groups are hidden as
well, until they do (complementary suppression). Respondents who did not state their group form
a group of their own in this count. Hidden groups are reported together as one row.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from . import content as content_module

MIN_GROUP = 5
HIGH_THRESHOLD = Fraction(5, 2)
NOT_STATED = ""


def _round(value: Fraction, places: str) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


def respondent_scores(content, answers) -> dict[str, Fraction]:
    """Dimension key -> the mean of this respondent's answers to its items."""
    scores = {}
    for dimension in content["dimensions"]:
        values = [answers["items"][item["key"]] for item in dimension["items"]]
        scores[dimension["key"]] = Fraction(sum(values), len(values))
    return scores


@dataclass(frozen=True)
class DimensionResult:
    key: str
    label: str
    high_label: str
    scale_max: int
    n: int
    mean: Decimal
    high_count: int
    high_share: Decimal  # percent

    @property
    def mean_fraction_of_scale(self) -> Decimal:
        """The mean's place between 1 and the scale's maximum (0-1), for the charts."""
        return (self.mean - 1) / (self.scale_max - 1)


def dimensions(content, all_answers) -> list[DimensionResult]:
    """Mean and high share per dimension over ``all_answers`` (empty list: no results)."""
    scored = [respondent_scores(content, answers) for answers in all_answers]
    n = len(scored)
    results = []
    if not n:
        return results
    for dimension in content["dimensions"]:
        values = [s[dimension["key"]] for s in scored]
        high = sum(1 for v in values if v >= HIGH_THRESHOLD)
        results.append(
            DimensionResult(
                key=dimension["key"],
                label=content_module.text(dimension["label"]),
                high_label=content_module.text(dimension["high"]),
                scale_max=content_module.scale_max(content, dimension),
                n=n,
                mean=_round(sum(values, Fraction(0)) / n, "0.01"),
                high_count=high,
                high_share=_round(Fraction(100 * high, n), "0.1"),
            )
        )
    return results


@dataclass(frozen=True)
class GroupResult:
    name: str  # "" for "not stated", None for the hidden groups together
    n: int
    dimensions: list[DimensionResult] = field(default_factory=list)


def shown_groups(counts: dict[str, int]) -> set[str]:
    """The group names that may be shown (see the module docstring)."""
    shown = {name for name, n in counts.items() if n >= MIN_GROUP}
    hidden_total = sum(n for name, n in counts.items() if name not in shown)
    while 0 < hidden_total < MIN_GROUP and shown:
        smallest = min(shown, key=lambda name: (counts[name], name))
        shown.discard(smallest)
        hidden_total += counts[smallest]
    return shown


def by_group(content, responses, attribute) -> list[GroupResult]:
    """Results per value of ``attribute`` ("category", "unit_name") for the groups shown, then
    the hidden groups together (when there are any); nothing below ``MIN_GROUP`` in all."""
    if len(responses) < MIN_GROUP:
        return []
    grouped: dict[str, list] = {}
    for response in responses:
        grouped.setdefault(getattr(response, attribute), []).append(response.answers)
    shown = shown_groups({name: len(rows) for name, rows in grouped.items()})
    results = [
        GroupResult(name=name, n=len(grouped[name]), dimensions=dimensions(content, grouped[name]))
        for name in sorted(shown, key=lambda name: (name == NOT_STATED, name))
    ]
    rest = [a for name, rows in grouped.items() if name not in shown for a in rows]
    if rest:
        results.append(GroupResult(name=None, n=len(rest), dimensions=dimensions(content, rest)))
    return results


@dataclass(frozen=True)
class Distribution:
    key: str
    label: str
    count: int
    share: Decimal  # percent


def distribution(options, values) -> list[Distribution]:
    """How often each option was chosen among ``values``, in the options' order."""
    n = len(values)
    return [
        Distribution(
            key=option["key"],
            label=content_module.text(option),
            count=(count := sum(1 for v in values if v == option["key"])),
            share=_round(Fraction(100 * count, n), "0.1") if n else Decimal("0.0"),
        )
        for option in options
    ]
