"""Amount and text helpers shared by the budget services (step 0 and the school budget)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

K = TypeVar("K")

AMOUNT_LIMIT = Decimal("10000000000")  # BoardAllocation/BudgetLine amounts: 12 digits, 2 decimals
FTE_LIMIT = Decimal("10000")  # BoardAllocation.board_office_fte: 8 digits, 4 decimals
PERCENT = Decimal("0.01")
SPLIT_STEP = 2  # the school total drives the split of the budget over the units


# --- helpers --------------------------------------------------------------------------


def _later(message, **params):
    """``message`` % ``params``, translated only when it is turned into text.

    Decisions are written in the school's language: ``processes.services`` turns parameters
    into text inside ``translation.override``, so labels and amounts passed this way come out
    in that language too.
    """
    return lazy(lambda: gettext(message) % {k: str(v) for k, v in params.items()}, str)()


def _as_decimal(value, error) -> Decimal:
    if isinstance(value, float):  # never floats for money
        raise DomainError(error)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(error) from None
    if not number.is_finite():
        raise DomainError(error)
    return number


def _clean_amount(value, *, negative, not_cents) -> Decimal:
    """``value`` as a Decimal of whole cents, at least 0 and below AMOUNT_LIMIT."""
    amount = _as_decimal(value, not_cents)
    if amount < 0:
        raise DomainError(negative)
    if amount >= AMOUNT_LIMIT:
        raise DomainError(_("The amount is too large."))
    if amount != amount.quantize(PERCENT):
        raise DomainError(not_cents)
    return amount.quantize(PERCENT)


def _clean_fte(value) -> Decimal:
    fte = _as_decimal(value, _("The fte of the board office must be a number."))
    if fte < 0:
        raise DomainError(_("The fte of the board office cannot be negative."))
    if fte >= FTE_LIMIT:
        raise DomainError(_("The fte of the board office is too large."))
    if fte != fte.quantize(Decimal("0.0001")):
        raise DomainError(_("The fte of the board office has at most four decimals."))
    return fte.quantize(Decimal("0.0001"))


def _full_clean(obj) -> None:
    """Model validation as a DomainError (the services check the common cases first)."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise DomainError(_("The data is not valid."), details=error.messages) from None


def _trimmed(number: Decimal) -> Decimal:
    """``2.5000`` as ``2.5`` and ``10.0000`` as ``10``, for display."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def share_percentage(part, whole) -> Decimal:
    """``part`` as a percentage of ``whole``, two decimals (for display only)."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)
