"""Step 0 (the board divides its funds over its schools) and the school budget lines.

Step 0: the board's total goes to its schools by pupil count on the reference date, after an
optional reservation for the board office sized by the board office's share of all the board's
fte. The split is exact to the cent and the same every time it is computed for the same input,
so what the preview shows is what ``allocation_fix`` stores.

School budget: the budget lines of a process (this year's allocation, carry-over, extra
tranches); the school total is their sum and drives the split of step 2, so every change goes
through ``step_content_changed`` (a signed step 2 is reopened, recorded).
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from math import floor
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext as _

from processes.models import Board, BoardProcess, Process, PupilCount, School
from processes.services import (
    board_decision_record,
    decision_record,
    require_perm,
    step_content_changed,
)
from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro, from_cents, split_by_weights, to_cents

from ..models import BoardAllocation, BudgetLine, SchoolAllocation, StaffMember

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


_euro_later = lazy(format_euro, str)


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


# --- step 0: the board's split ----------------------------------------------------------


def board_split(
    *,
    total: Decimal,
    board_office_fte: Decimal,
    staff_fte: Decimal,
    pupil_counts: Mapping[K, int],
) -> tuple[Decimal, dict[K, Decimal]]:
    """Reserve the board office's share of all fte, then divide the rest by pupil count.

    The reservation is ``total`` x office fte / (office fte + staff fte), computed exactly and
    rounded half up to the cent; it is never more than ``total``. The schools share the rest by
    the largest-remainder method of ``werkdruk.money.split_by_weights``: a cent left over goes to
    the largest remainder, on a tie to the larger pupil count, then to the school given first
    (the services give the schools by name). So the reservation and the shares add up to
    ``total`` exactly, none is negative, and the same input always gives the same split.

    Raises ValueError on input the services refuse with a clear message first.
    """
    if board_office_fte < 0 or staff_fte < 0:
        raise ValueError("fte cannot be negative")
    cents = to_cents(total)
    reservation = 0
    if board_office_fte > 0:
        if staff_fte == 0:
            raise ValueError("no staff fte to compare the board office with")
        share = Fraction(board_office_fte) / (Fraction(board_office_fte) + Fraction(staff_fte))
        reservation = floor(cents * share + Fraction(1, 2))
    shares = split_by_weights(from_cents(cents - reservation), pupil_counts)
    return from_cents(reservation), shares


@dataclass(frozen=True)
class AllocationRow:
    school: School
    pupil_count: int
    share: Decimal  # percentage of the board's pupils, two decimals, for display
    amount: Decimal


@dataclass(frozen=True)
class AllocationPreview:
    """A board split as shown before it is fixed (and as stored once it is fixed)."""

    total: Decimal
    board_office_fte: Decimal
    staff_fte: Decimal | None  # None for a stored allocation (not kept)
    board_office_share: Decimal | None  # percentage of all fte; None when not known
    board_office_amount: Decimal
    rows: tuple[AllocationRow, ...]

    @property
    def schools_total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def pupil_total(self) -> int:
        return sum(row.pupil_count for row in self.rows)

    @property
    def office_fte_display(self) -> Decimal:
        return _trimmed(self.board_office_fte)

    @property
    def staff_fte_display(self) -> Decimal | None:
        return None if self.staff_fte is None else _trimmed(self.staff_fte)

    @property
    def digest(self) -> str:
        """SHA-256 of what the preview shows: fixing checks it still computes the same."""
        data = [
            str(self.total),
            str(self.board_office_fte),
            str(self.board_office_amount),
            [[row.school.pk, row.pupil_count, str(row.amount)] for row in self.rows],
        ]
        return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


def _board_schools(board, school_year) -> list[School]:
    """The board's schools by name, each with ``pupils`` on the reference date (or None)."""
    counts = PupilCount.objects.filter(school=OuterRef("pk"), school_year=school_year)
    return list(
        School.objects.filter(board=board)
        .annotate(pupils=Subquery(counts.values("pupil_count")[:1]))
        .order_by("name", "pk")
    )


def _staff_fte(board) -> Decimal:
    """Sum of the fte of all active staff of the board's schools."""
    total = StaffMember.objects.filter(school__board=board, active=True).aggregate(fte=Sum("fte"))[
        "fte"
    ]
    return total or Decimal("0")


def allocation_preview(*, board, school_year, total, board_office_fte) -> AllocationPreview:
    """Compute the split of ``total`` over the board's schools without storing anything.

    Refuses (DomainError) a negative total or one with fractions of a cent, a negative fte,
    a board without schools, schools without a pupil count for ``school_year``, pupil counts
    that add up to zero, and a board office fte when the schools have no active staff.
    """
    total = _clean_amount(
        total,
        negative=_("The board's total cannot be negative."),
        not_cents=_("The board's total must be in euros and whole cents."),
    )
    office_fte = _clean_fte(board_office_fte if board_office_fte is not None else 0)
    schools = _board_schools(board, school_year)
    if not schools:
        raise DomainError(
            _("%(board)s has no schools to divide the funds over.") % {"board": board}
        )
    missing = [school for school in schools if school.pupils is None]
    if missing:
        names = ", ".join(school.name for school in missing)
        raise DomainError(
            ngettext(
                "%(schools)s has no pupil count for %(year)s. Enter the number of pupils on "
                "the reference date (1 October) first.",
                "These schools have no pupil count for %(year)s: %(schools)s. Enter the "
                "number of pupils on the reference date (1 October) first.",
                len(missing),
            )
            % {"schools": names, "year": school_year},
            details=[school.name for school in missing],
        )
    pupil_total = sum(school.pupils for school in schools)
    if pupil_total == 0:
        raise DomainError(
            _("The pupil counts of the schools add up to zero: there is nothing to divide by.")
        )
    staff_fte = None
    office_share = None
    if office_fte > 0:
        staff_fte = _staff_fte(board)
        if staff_fte == 0:
            raise DomainError(
                _(
                    "The schools of %(board)s have no active staff, so the board office's "
                    "share of all fte cannot be worked out. Import the staff lists first, or "
                    "leave the board office's fte at 0."
                )
                % {"board": board}
            )
        office_share = share_percentage(office_fte, office_fte + staff_fte)
    reservation, shares = board_split(
        total=total,
        board_office_fte=office_fte,
        staff_fte=staff_fte or Decimal("0"),
        pupil_counts={school.pk: school.pupils for school in schools},
    )
    rows = tuple(
        AllocationRow(
            school=school,
            pupil_count=school.pupils,
            share=share_percentage(school.pupils, pupil_total),
            amount=shares[school.pk],
        )
        for school in schools
    )
    return AllocationPreview(
        total=total,
        board_office_fte=office_fte,
        staff_fte=staff_fte,
        board_office_share=office_share,
        board_office_amount=reservation,
        rows=rows,
    )


def _lock_allocation(board, school_year) -> BoardAllocation | None:
    return (
        BoardAllocation.objects.select_for_update()
        .filter(board=board, school_year=school_year)
        .first()
    )


def _board_process(board, school_year) -> BoardProcess:
    board_process, _created = BoardProcess.objects.select_for_update().get_or_create(
        board=board, school_year=school_year
    )
    return board_process


def _allocation_content(preview: AllocationPreview) -> dict:
    return {
        "total": str(preview.total),
        "board_office_fte": str(preview.board_office_fte),
        "staff_fte": str(preview.staff_fte) if preview.staff_fte is not None else None,
        "board_office_amount": str(preview.board_office_amount),
        "shares": [
            {
                "school": row.school.pk,
                "name": row.school.name,
                "brin": row.school.brin,
                "pupil_count": row.pupil_count,
                "amount": str(row.amount),
            }
            for row in preview.rows
        ],
    }


@transaction.atomic
def allocation_fix(
    *, board, school_year, total, board_office_fte, actor, expected_digest=None
) -> BoardAllocation:
    """Fix the board's split for ``school_year``: store it, finish step 0, record a decision.

    The split is computed exactly as ``allocation_preview`` shows it. With
    ``expected_digest`` (the ``digest`` of the preview the user saw) it refuses when the
    figures have changed since, so what is stored is what was shown. A fixed split can only
    be changed after ``allocation_reopen``.
    """
    require_perm(actor, "units.manage_allocation", board)
    Board.objects.select_for_update().get(pk=board.pk)  # one fix of a board at a time
    allocation = _lock_allocation(board, school_year)
    if allocation is not None and allocation.fixed_at is not None:
        raise DomainError(
            _("The distribution for %(year)s has already been fixed. Reopen it first to change it.")
            % {"year": school_year}
        )
    preview = allocation_preview(
        board=board, school_year=school_year, total=total, board_office_fte=board_office_fte
    )
    if expected_digest is not None and expected_digest != preview.digest:
        raise DomainError(
            _(
                "The figures have changed since the split was shown (a pupil count, the staff "
                "or what you typed). Check the split below and fix it again."
            )
        )
    now = timezone.now()
    if allocation is None:
        allocation = BoardAllocation(board=board, school_year=school_year)
    else:
        allocation.shares.all().delete()  # an unfixed split: no budget line refers to it
    allocation.total = preview.total
    allocation.board_office_fte = preview.board_office_fte
    allocation.board_office_amount = preview.board_office_amount
    allocation.fixed_at = now
    allocation.fixed_by = actor
    _full_clean(allocation)
    allocation.save()
    SchoolAllocation.objects.bulk_create(
        SchoolAllocation(
            allocation=allocation,
            school=row.school,
            pupil_count=row.pupil_count,
            amount=row.amount,
        )
        for row in preview.rows
    )
    board_process = _board_process(board, school_year)
    board_process.state = BoardProcess.State.DONE
    board_process.completed_at = now
    board_process.save(update_fields=["state", "completed_at"])
    board_decision_record(
        board=board,
        school_year=school_year,
        action="units.allocation.fixed",
        summary=gettext_noop(
            "The board's funds for %(year)s have been distributed: %(total)s over %(count)s "
            "schools, of which %(office)s is reserved for the board office."
        ),
        params={
            "total": _euro_later(preview.total),
            "count": len(preview.rows),
            "office": _euro_later(preview.board_office_amount),
        },
        actor=actor,
        content=_allocation_content(preview),
    )
    return allocation


@transaction.atomic
def allocation_reopen(*, board, school_year, actor, grounds) -> BoardAllocation:
    """Reopen a fixed split on stated grounds, so it can be fixed again.

    Only while no school has taken its share over into its budget: the school budgets
    would no longer match the board's split.
    """
    require_perm(actor, "units.manage_allocation", board)
    grounds = (grounds or "").strip()
    if not grounds:
        raise DomainError(_("Give the grounds for reopening the distribution."))
    allocation = _lock_allocation(board, school_year)
    if allocation is None or allocation.fixed_at is None:
        raise DomainError(
            _("There is no fixed distribution for %(year)s to reopen.") % {"year": school_year}
        )
    taken = sorted(
        set(
            BudgetLine.objects.filter(source__allocation=allocation).values_list(
                "process__school__name", flat=True
            )
        )
    )
    if taken:
        raise DomainError(
            ngettext(
                "The distribution can no longer be reopened: %(schools)s has already taken "
                "over its share into its budget.",
                "The distribution can no longer be reopened: %(schools)s have already taken "
                "over their shares into their budgets.",
                len(taken),
            )
            % {"schools": ", ".join(taken)}
        )
    previous = {
        "total": str(allocation.total),
        "board_office_fte": str(allocation.board_office_fte),
        "board_office_amount": str(allocation.board_office_amount),
        "fixed_at": allocation.fixed_at.isoformat(),
        "shares": [
            {"school": s.school_id, "pupil_count": s.pupil_count, "amount": str(s.amount)}
            for s in allocation.shares.order_by("school__name", "school_id")
        ],
    }
    allocation.fixed_at = None
    allocation.fixed_by = None
    allocation.save(update_fields=["fixed_at", "fixed_by"])
    board_process = _board_process(board, school_year)
    board_process.state = BoardProcess.State.OPEN
    board_process.completed_at = None
    board_process.save(update_fields=["state", "completed_at"])
    board_decision_record(
        board=board,
        school_year=school_year,
        action="units.allocation.reopened",
        summary=gettext_noop("The distribution of the board's funds for %(year)s was reopened."),
        actor=actor,
        content={"previous": previous},
        grounds=grounds,
    )
    return allocation


# --- the school budget ----------------------------------------------------------------


def _lock_process(process) -> Process:
    return (
        Process.objects.select_for_update()
        .select_related("school__board", "school_year")
        .get(pk=process.pk)
    )


def _clean_line(*, kind, description, amount) -> tuple[str, str, Decimal]:
    if kind not in BudgetLine.Kind.values:
        raise DomainError(_("Choose the kind of budget line."))
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the budget line."))
    if len(description) > BudgetLine._meta.get_field("description").max_length:
        raise DomainError(_("The description is too long (at most 200 characters)."))
    amount = _clean_amount(
        amount,
        negative=_("An amount cannot be negative."),
        not_cents=_("An amount must be in euros and whole cents."),
    )
    return kind, description, amount


def _fixed_share(process) -> SchoolAllocation | None:
    """The school's share of its board's fixed split for the process's school year."""
    return SchoolAllocation.objects.filter(
        school_id=process.school_id,
        allocation__board_id=process.school.board_id,
        allocation__school_year_id=process.school_year_id,
        allocation__fixed_at__isnull=False,
    ).first()


def _ensure_allocation_may_be_typed(process, *, except_line=None):
    """At most one line is this year's allocation; typed by hand only without a fixed split."""
    others = BudgetLine.objects.filter(process=process, kind=BudgetLine.Kind.ALLOCATION)
    if except_line is not None:
        others = others.exclude(pk=except_line.pk)
    if others.exists():
        raise DomainError(
            _("This year's allocation is already in the budget: change that line instead.")
        )
    if _fixed_share(process) is not None:
        raise DomainError(
            _(
                "The board has fixed this year's allocation for %(school)s: take it over "
                "instead of typing it."
            )
            % {"school": process.school}
        )


def _line_params(kind, description, amount) -> dict:
    return {
        "kind": BudgetLine.Kind(kind).label,
        "description": description,
        "amount": _euro_later(amount),
    }


def _line_content(line) -> dict:
    return {
        "line": line.pk,
        "kind": line.kind,
        "description": line.description,
        "amount": str(line.amount),
        "source": line.source_id,
    }


@transaction.atomic
def budget_line_add(*, process, actor, kind, description, amount) -> BudgetLine:
    """Add a line to the school budget (reopens a signed step 2, recorded)."""
    process = _lock_process(process)
    require_perm(actor, "processes.manage_process", process)
    kind, description, amount = _clean_line(kind=kind, description=description, amount=amount)
    if kind == BudgetLine.Kind.ALLOCATION:
        _ensure_allocation_may_be_typed(process)
    step_content_changed(
        process=process,
        number=SPLIT_STEP,
        actor=actor,
        what=_later(
            gettext_noop("the school budget (line added: %(description)s)"),
            description=description,
        ),
    )
    line = BudgetLine(process=process, kind=kind, description=description, amount=amount)
    _full_clean(line)
    line.save()
    decision_record(
        process=process,
        step_number=SPLIT_STEP,
        action="units.budget_line.added",
        summary=gettext_noop("Budget line added: %(kind)s, %(description)s, %(amount)s."),
        params=_line_params(kind, description, amount),
        actor=actor,
        content=_line_content(line),
    )
    return line


def _lock_line(line) -> BudgetLine:
    _lock_process(line.process)
    try:
        return (
            BudgetLine.objects.select_for_update()
            .select_related("process__school__board", "process__school_year")
            .get(pk=line.pk)
        )
    except BudgetLine.DoesNotExist:
        raise DomainError(_("This budget line no longer exists.")) from None


@transaction.atomic
def budget_line_update(*, line, actor, kind, description, amount) -> BudgetLine:
    """Change a budget line (reopens a signed step 2, recorded).

    A line taken over from the board's fixed split keeps its kind and amount.
    """
    line = _lock_line(line)
    process = line.process
    require_perm(actor, "processes.manage_process", process)
    kind, description, amount = _clean_line(kind=kind, description=description, amount=amount)
    if line.source_id is not None and (kind != BudgetLine.Kind.ALLOCATION or amount != line.amount):
        raise DomainError(
            _(
                "This line is the board's fixed allocation: only its description can be "
                "changed here."
            )
        )
    if (kind, description, amount) == (line.kind, line.description, line.amount):
        return line
    if kind == BudgetLine.Kind.ALLOCATION and line.kind != BudgetLine.Kind.ALLOCATION:
        _ensure_allocation_may_be_typed(process, except_line=line)
    before = _line_content(line)
    step_content_changed(
        process=process,
        number=SPLIT_STEP,
        actor=actor,
        what=_later(
            gettext_noop("the school budget (line changed: %(description)s)"),
            description=line.description,
        ),
    )
    line.kind, line.description, line.amount = kind, description, amount
    _full_clean(line)
    line.save()
    decision_record(
        process=process,
        step_number=SPLIT_STEP,
        action="units.budget_line.changed",
        summary=gettext_noop("Budget line changed: %(kind)s, %(description)s, %(amount)s."),
        params=_line_params(kind, description, amount),
        actor=actor,
        content={"before": before, "after": _line_content(line)},
    )
    return line


@transaction.atomic
def budget_line_remove(*, line, actor) -> None:
    """Remove a budget line (reopens a signed step 2, recorded)."""
    line = _lock_line(line)
    process = line.process
    require_perm(actor, "processes.manage_process", process)
    step_content_changed(
        process=process,
        number=SPLIT_STEP,
        actor=actor,
        what=_later(
            gettext_noop("the school budget (line removed: %(description)s)"),
            description=line.description,
        ),
    )
    content = _line_content(line)
    params = _line_params(line.kind, line.description, line.amount)
    line.delete()
    decision_record(
        process=process,
        step_number=SPLIT_STEP,
        action="units.budget_line.removed",
        summary=gettext_noop("Budget line removed: %(kind)s, %(description)s, %(amount)s."),
        params=params,
        actor=actor,
        content=content,
    )


@transaction.atomic
def budget_line_from_allocation(*, process, actor) -> BudgetLine:
    """Take the school's share of the board's fixed split over as this year's allocation.

    Refused when the board has not fixed its split for the year, when it has been taken
    over already, or when this year's allocation was typed by hand (remove that line first).
    While the line exists, the board cannot reopen its split.
    """
    process = _lock_process(process)
    require_perm(actor, "processes.manage_process", process)
    school, year = process.school, process.school_year
    # Locked, so the board cannot reopen its split while the school takes it over.
    allocation = (
        BoardAllocation.objects.select_for_update()
        .filter(board_id=school.board_id, school_year=year, fixed_at__isnull=False)
        .first()
    )
    if allocation is None:
        raise DomainError(
            _(
                "The board has not fixed its distribution for %(year)s yet: there is no "
                "allocation to take over."
            )
            % {"year": year}
        )
    share = allocation.shares.filter(school=school).first()
    if share is None:
        raise DomainError(
            _("The board's distribution for %(year)s has no share for %(school)s.")
            % {"year": year, "school": school}
        )
    if BudgetLine.objects.filter(source=share).exists():
        raise DomainError(_("The board's allocation is already in the budget."))
    if BudgetLine.objects.filter(process=process, kind=BudgetLine.Kind.ALLOCATION).exists():
        raise DomainError(
            _(
                "This year's allocation was typed in by hand. Remove that line first, then "
                "take over the board's allocation."
            )
        )
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the school's language
        description = _("Allocation from %(board)s for %(year)s") % {
            "board": school.board,
            "year": year,
        }
    step_content_changed(
        process=process,
        number=SPLIT_STEP,
        actor=actor,
        what=_later(gettext_noop("the school budget (board allocation taken over)")),
    )
    line = BudgetLine(
        process=process,
        kind=BudgetLine.Kind.ALLOCATION,
        description=description,
        amount=share.amount,
        source=share,
    )
    _full_clean(line)
    line.save()
    decision_record(
        process=process,
        step_number=SPLIT_STEP,
        action="units.budget_line.taken_over",
        summary=gettext_noop("The board's allocation of %(amount)s has been taken over."),
        params={"amount": _euro_later(share.amount)},
        actor=actor,
        content={**_line_content(line), "allocation": share.allocation_id},
    )
    return line


__all__ = [
    "AllocationPreview",
    "AllocationRow",
    "allocation_fix",
    "allocation_preview",
    "allocation_reopen",
    "board_split",
    "budget_line_add",
    "budget_line_from_allocation",
    "budget_line_remove",
    "budget_line_update",
]
