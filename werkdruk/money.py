"""Money: euros as Decimal with cents, and splits that add up to the cent.

Every split uses the largest-remainder method on whole cents: each part first gets the whole
cents of its exact share, then the cents left over go one by one to the parts with the largest
remainders. Ties are broken deterministically: the larger weight first, then the order in which
the parts were given. The same input therefore always gives the same split, the parts always add
up to the total exactly, and no part is ever more than one cent from its exact share.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor
from typing import TypeVar

from django.utils.formats import number_format
from django.utils.functional import lazy

CENT = Decimal("0.01")
K = TypeVar("K")


def to_cents(amount: Decimal) -> int:
    """Whole cents of ``amount``; refuses amounts with fractions of a cent."""
    cents = Fraction(amount) * 100
    if cents.denominator != 1:
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def split_by_weights(total: Decimal, weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """Divide ``total`` over the keys of ``weights`` in proportion to their weights.

    Raises ValueError for a negative total or weight, or when all weights are zero.
    """
    if total < 0:
        raise ValueError("the total cannot be negative")
    if not weights:
        raise ValueError("there is nothing to divide over")
    exact = {key: Fraction(weight) for key, weight in weights.items()}
    if any(weight < 0 for weight in exact.values()):
        raise ValueError("weights cannot be negative")
    weight_sum = sum(exact.values())
    if weight_sum == 0:
        raise ValueError("the weights add up to zero")

    cents = to_cents(total)
    quotas = {key: cents * weight / weight_sum for key, weight in exact.items()}
    parts = {key: floor(quota) for key, quota in quotas.items()}
    left_over = cents - sum(parts.values())
    position = {key: index for index, key in enumerate(exact)}
    by_remainder = sorted(
        exact,
        key=lambda key: (-(quotas[key] - parts[key]), -exact[key], position[key]),
    )
    for key in by_remainder[:left_over]:
        parts[key] += 1
    return {key: from_cents(parts[key]) for key in exact}


def percentages(weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """Each key's share of the whole in percent, two decimals adding up to exactly 100.00.

    All zeros when the weights add up to zero.
    """
    if not weights or sum(weights.values()) <= 0:
        return dict.fromkeys(weights, Decimal("0.00"))
    return split_by_weights(Decimal("100.00"), weights)


def percentage_of(total: Decimal, percentage: Decimal) -> Decimal:
    """``percentage`` % of ``total``, rounded half up to the cent."""
    return (total * percentage / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def format_euro(amount: Decimal) -> str:
    """``€ 12.345,67`` in Dutch, ``€ 12,345.67`` in English: the active language's format."""
    return "€\u00a0" + number_format(amount, 2, use_l10n=True, force_grouping=True)


# An amount that formats itself in the language active when it becomes text: decisions pass it
# as a parameter and it comes out in the school's language.
lazy_euro = lazy(format_euro, str)
