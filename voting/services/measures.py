"""A unit's choice of measures within its budget (kind ``unit_measures``, step 8).

The options (candidate measures with their cost) and the unit's budget are fixed when the
vote opens (``unit_vote.unit_vote_open`` with ``options``); each member selects a combination
that fits the budget, or abstains (``casting.ballot_cast`` with ``selection``, checked here);
closing counts the options and builds the chosen set (``tally.measures_tally``). The opening,
the roll, the sealing, the receipts, the reminders and the closing are those of every vote.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro

from ..models import Ballot, Vote, VoteOption
from ..tally import MeasuresResult, measures_tally, selection_total

MAX_OPTIONS = 30  # a sealed ballot has room for the positions of this many options
TITLE_MAX = 200
ZERO = Decimal("0.00")


def clean_options(options) -> list[dict]:
    """The options as {"title", "cost", "measure_id"}, in order; refuses a bad one.

    At least two options (a choice), at most ``MAX_OPTIONS``; each with a title and a cost of
    zero or more in euros and cents.
    """
    cleaned = []
    for option in options or []:
        title = (option.get("title") or "").strip()
        cost = option.get("cost")
        if not title and cost in (None, ""):
            continue
        if not title:
            raise DomainError(_("Every option needs a title."))
        if len(title) > TITLE_MAX:
            raise DomainError(
                _("An option's title has at most %(max)s characters.") % {"max": TITLE_MAX}
            )
        try:
            cost = Decimal(str(cost))
        except (InvalidOperation, ValueError, TypeError):
            raise DomainError(
                _("The cost of “%(title)s” is not an amount.") % {"title": title}
            ) from None
        if not cost.is_finite() or cost < 0 or cost != cost.quantize(Decimal("0.01")):
            raise DomainError(
                _("The cost of “%(title)s” must be zero or more, in euros and cents.")
                % {"title": title}
            )
        measure_id = option.get("measure_id") or None
        cleaned.append({"title": title, "cost": cost, "measure_id": measure_id})
    if len(cleaned) < 2:
        raise DomainError(_("A choice of measures needs at least two options."))
    if len(cleaned) > MAX_OPTIONS:
        raise DomainError(_("A ballot has at most %(max)s options.") % {"max": MAX_OPTIONS})
    return cleaned


def unit_budget(unit) -> Decimal:
    """The unit's budget from the process's budget split (step 2); refused while deferred."""
    if unit.amount is None:
        raise DomainError(
            _("%(unit)s has no budget yet: the budget split must give it an amount first.")
            % {"unit": unit.name}
        )
    return unit.amount


def options_save(vote, options) -> None:
    VoteOption.objects.bulk_create(
        VoteOption(vote=vote, position=i, **option) for i, option in enumerate(options, start=1)
    )


def option_costs(vote) -> dict[int, Decimal]:
    return dict(vote.options.values_list("position", "cost"))


def clean_selection(vote, choice, selection) -> list[int]:
    """The positions a ballot selects, sorted: only for a choice of measures, and fitting the
    budget fixed at opening. "yes" selects at least one option; "abstain" selects none."""
    if vote.kind != Vote.Kind.UNIT_MEASURES:
        if selection:
            raise DomainError(_("This vote has no options to choose from."))
        return []
    if choice == Ballot.Choice.NO:
        raise DomainError(_("Choose measures that fit the budget, or abstain."))
    try:
        positions = sorted({int(p) for p in selection or []})
    except (TypeError, ValueError):
        raise DomainError(_("The ballot has no such option.")) from None
    if choice == Ballot.Choice.ABSTAIN:
        if positions:
            raise DomainError(_("An abstention chooses no measures."))
        return []
    if not positions:
        raise DomainError(_("Choose at least one measure, or abstain."))
    costs = option_costs(vote)
    if any(p not in costs for p in positions):
        raise DomainError(_("The ballot has no such option."))
    total = selection_total(costs, positions)
    if total > vote.budget:
        raise DomainError(
            _(
                "The measures you chose cost %(total)s together, more than the budget of "
                "%(budget)s. Leave out one or more."
            )
            % {"total": _euro(total), "budget": _euro(vote.budget)}
        )
    return positions


def _euro(amount) -> str:
    return format_euro(Decimal(amount))


def count(vote, contents) -> MeasuresResult:
    """The chosen set from the opened ballots (each {"s": positions} or none)."""
    return measures_tally(
        costs=option_costs(vote),
        selections=[c.get("s") or [] for c in contents],
        budget=vote.budget,
    )


def result_json(result: MeasuresResult) -> dict:
    return {
        "votes": {str(p): n for p, n in result.votes.items()},
        "chosen": list(result.chosen),
        "total": str(result.total),
        "budget": str(result.budget),
    }


def outcome(result: MeasuresResult, *, quorum_met: bool) -> str:
    """Invalid without the quorum; adopted when at least one option is chosen."""
    if not quorum_met:
        return Vote.Outcome.INVALID
    return Vote.Outcome.ADOPTED if result.chosen else Vote.Outcome.REJECTED
