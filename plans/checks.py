"""The machine checks of framework rules, as pure functions on plain data.

Plans (step 8) and the merged school plan (step 9) turn their measures into MeasureFacts and
their rules into RuleFacts, and show the verdicts while units write. Nothing here touches the
database, so every check is tested on plain data.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from werkdruk.money import format_euro
from werkdruk.numbers import format_number

MAJORITY = Decimal("50")


def format_percentage(value: Decimal) -> str:
    """``12,5`` in Dutch, ``12.5`` in English: no trailing zeros, the active language's format."""
    return format_number(value)


@dataclass(frozen=True)
class MeasureFacts:
    key: str
    title: str
    category: str
    cost: Decimal  # over all school years
    structural: bool = False
    benefit_share: Decimal | None = None  # percentage of the unit that benefits
    last_spending_date: date | None = None


@dataclass(frozen=True)
class RuleFacts:
    key: str
    severity: str  # must, warning, information
    check: str
    max_amount: Decimal | None = None
    max_percentage: Decimal | None = None
    deadline: date | None = None
    categories: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PlanFacts:
    unit_budget: Decimal | None  # None while budgets are deferred
    measures: tuple[MeasureFacts, ...]

    @property
    def total(self) -> Decimal:
        return sum((m.cost for m in self.measures), Decimal("0"))


@dataclass(frozen=True)
class Verdict:
    rule_key: str
    severity: str
    ok: bool
    message: str
    measure_key: str | None = None

    @property
    def blocks_submission(self) -> bool:
        return not self.ok and self.severity == "must"


def _per_measure(rule, plan, failing: Callable[[MeasureFacts], str | None]) -> list[Verdict]:
    verdicts = []
    for measure in plan.measures:
        problem = failing(measure)
        verdicts.append(
            Verdict(rule.key, rule.severity, problem is None, problem or _("OK"), measure.key)
        )
    return verdicts


def check_max_cost_per_measure(rule: RuleFacts, plan: PlanFacts) -> list[Verdict]:
    def failing(measure):
        if measure.cost > rule.max_amount:
            return _("%(title)s costs %(cost)s, more than the maximum of %(max)s.") % {
                "title": measure.title,
                "cost": format_euro(measure.cost),
                "max": format_euro(rule.max_amount),
            }
        return None

    return _per_measure(rule, plan, failing)


def check_categories_not_allowed(rule: RuleFacts, plan: PlanFacts) -> list[Verdict]:
    def failing(measure):
        if measure.category in rule.categories:
            return _("%(title)s is in a category the frameworks rule out.") % {
                "title": measure.title
            }
        return None

    return _per_measure(rule, plan, failing)


def check_spend_by_date(rule: RuleFacts, plan: PlanFacts) -> list[Verdict]:
    deadline = date_format(rule.deadline)

    def failing(measure):
        if measure.structural:
            return _(
                "%(title)s is a structural commitment; the money must be spent by %(date)s."
            ) % {
                "title": measure.title,
                "date": deadline,
            }
        if measure.last_spending_date and measure.last_spending_date > rule.deadline:
            return _("%(title)s runs past %(date)s.") % {"title": measure.title, "date": deadline}
        return None

    return _per_measure(rule, plan, failing)


def check_majority_benefit(rule: RuleFacts, plan: PlanFacts) -> list[Verdict]:
    def failing(measure):
        if measure.benefit_share is not None and measure.benefit_share <= MAJORITY:
            return _("%(title)s benefits %(share)s%% of the unit: not a majority.") % {
                "title": measure.title,
                "share": format_percentage(measure.benefit_share),
            }
        return None

    return _per_measure(rule, plan, failing)


def check_max_structural_share(rule: RuleFacts, plan: PlanFacts) -> list[Verdict]:
    total = plan.total
    structural = sum((m.cost for m in plan.measures if m.structural), Decimal("0"))
    share = (structural * 100 / total) if total else Decimal("0")
    ok = share <= rule.max_percentage
    # Rounded up to the cent of a percent: a maximum has two decimals, so the share shown is
    # above the maximum exactly when the verdict fails (50.04% never shows as "50.0%").
    shown = share.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    message = _(
        "Structural commitments are %(share)s%% of the plan; at most %(max)s%% is allowed."
    ) % {
        "share": format_percentage(shown),
        "max": format_percentage(rule.max_percentage),
    }
    return [Verdict(rule.key, rule.severity, ok, message)]


def check_within_unit_budget(rule: RuleFacts, plan: PlanFacts) -> list[Verdict]:
    if plan.unit_budget is None:
        return [
            Verdict(rule.key, rule.severity, True, _("Budgets are assigned after the school plan."))
        ]
    total = plan.total
    if total <= plan.unit_budget:
        message = _("The plan costs %(total)s of the budget of %(budget)s.")
        ok = True
    else:
        message = _("The plan costs %(total)s, more than the budget of %(budget)s.")
        ok = False
    return [
        Verdict(
            rule.key,
            rule.severity,
            ok,
            message % {"total": format_euro(total), "budget": format_euro(plan.unit_budget)},
        )
    ]


CHECKS: dict[str, Callable[[RuleFacts, PlanFacts], list[Verdict]]] = {
    "max_cost_per_measure": check_max_cost_per_measure,
    "max_structural_share": check_max_structural_share,
    "categories_not_allowed": check_categories_not_allowed,
    "within_unit_budget": check_within_unit_budget,
    "spend_by_date": check_spend_by_date,
    "majority_benefit": check_majority_benefit,
}


def run_checks(rules: Iterable[RuleFacts], plan: PlanFacts) -> list[Verdict]:
    """Every verdict of every machine-checked rule on ``plan``, in the order of the rules."""
    return [verdict for rule in rules if rule.check for verdict in CHECKS[rule.check](rule, plan)]
