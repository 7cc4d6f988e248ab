"""A vote's rule in plain words, for the PMR's pages, the ballot and the result."""

from decimal import Decimal

from django.utils.translation import gettext as _

from werkdruk.money import format_euro

from .models import Vote


def majority_text(numerator: int, denominator: int) -> str:
    """ "half", "two thirds", or the fraction as "3/5"."""
    named = {(1, 2): _("half"), (2, 3): _("two thirds")}
    return named.get((numerator, denominator), f"{numerator}/{denominator}")


def rule_sentence(vote) -> str:
    """The rule of ``vote`` as one or two sentences, e.g.

    "Adopted if more than half of the votes cast (yes, no and abstain) are yes; a tie is not
    a majority. Valid only if at least 50% of the voters' roll votes."
    """
    fraction = majority_text(vote.majority_numerator, vote.majority_denominator)
    if vote.kind == Vote.Kind.UNIT_MEASURES:
        majority = _(
            "Each member chooses measures whose costs together fit the budget of %(budget)s, "
            "or abstains. The options are taken in order of votes (on a tie the cheaper first) "
            "and each is chosen if it still fits what is left of the budget."
        ) % {"budget": format_euro(vote.budget or Decimal("0"))}
    else:
        majority = _majority_sentence(vote, fraction)
    if vote.quorum_percentage:
        quorum = _("Valid only if at least %(quorum)s%% of the voters' roll votes (quorum).") % {
            "quorum": vote.quorum_percentage
        }
    else:
        quorum = _("No quorum: the vote counts whatever the turnout.")
    return f"{majority} {quorum}"


def _majority_sentence(vote, fraction) -> str:
    return {
        Vote.Base.VOTES_CAST: _(
            "Adopted if more than %(fraction)s of the votes cast (yes, no and abstain) are yes; "
            "a tie is not a majority."
        ),
        Vote.Base.YES_NO: _(
            "Adopted if more than %(fraction)s of the yes and no votes are yes (abstentions do "
            "not count); a tie is not a majority."
        ),
        Vote.Base.ELIGIBLE: _(
            "Adopted if more than %(fraction)s of everyone on the voters' roll votes yes; "
            "a tie is not a majority."
        ),
    }[vote.base] % {"fraction": fraction}
