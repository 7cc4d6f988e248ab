"""Step 0: the board divides its workload funds over its schools."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from processes.models import Board, BoardProcess, PupilCount, School
from processes.services import (
    board_decision_record,
    require_perm,
)
from werkdruk.exceptions import DomainError
from werkdruk.money import from_cents, lazy_euro, percentages, split_by_weights, to_cents

from ..models import BoardAllocation, BudgetLine, SchoolAllocation, StaffMember
from .common import (
    K,
    _clean_amount,
    _clean_fte,
    _full_clean,
    _trimmed,
    share_percentage,
)

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
    pupil_shares = percentages({school.pk: school.pupils for school in schools})
    rows = tuple(
        AllocationRow(
            school=school,
            pupil_count=school.pupils,
            share=pupil_shares[school.pk],
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


def _refuse_when_submitted(allocation, school_year):
    if allocation is None:
        return
    if allocation.fixed_at is not None:
        raise DomainError(
            _("The distribution for %(year)s has already been fixed. Reopen it first to change it.")
            % {"year": school_year}
        )
    if allocation.submitted_at is not None:
        raise DomainError(
            _(
                "The distribution for %(year)s has been submitted to the GMR. Wait for its "
                "decision, or withdraw it (reopen) to change it."
            )
            % {"year": school_year}
        )


@transaction.atomic
def allocation_fix(
    *,
    board,
    school_year,
    total,
    board_office_fte,
    actor,
    expected_digest=None,
    gmr_kind=BoardAllocation.GmrKind.CONSENT,
) -> BoardAllocation:
    """Fix the board's proposed split for ``school_year`` and submit it to the GMR.

    The split is computed exactly as ``allocation_preview`` shows it and stored; the GMR is
    asked for its consent or its advice (``gmr_kind``). The distribution is not final yet:
    only ``allocation_gmr_record`` with consent (or advice) makes it final, so that the schools
    can take their shares. With ``expected_digest`` (the ``digest`` of the preview the user saw)
    it refuses when the figures have changed since, so what is stored is what was shown. A
    submitted or final split can only be changed after ``allocation_reopen``.
    """
    require_perm(actor, "units.manage_allocation", board)
    if gmr_kind not in BoardAllocation.GmrKind.values:
        raise DomainError(_("Choose whether the GMR is asked for consent or for advice."))
    Board.objects.select_for_update().get(pk=board.pk)  # one fix of a board at a time
    allocation = _lock_allocation(board, school_year)
    _refuse_when_submitted(allocation, school_year)
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
    allocation.fixed_at = None
    allocation.fixed_by = None
    allocation.submitted_at = now
    allocation.submitted_by = actor
    allocation.gmr_kind = gmr_kind
    _clear_gmr_decision(allocation)
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
    _board_process(board, school_year)  # step 0 stays open until the GMR has decided
    board_decision_record(
        board=board,
        school_year=school_year,
        action="units.allocation.submitted",
        summary=(
            gettext_noop(
                "The board fixed its distribution of the funds for %(year)s and asked the GMR "
                "for its consent: %(total)s, of which %(office)s is reserved for the board "
                "office. Number of schools: %(count)s."
            )
            if gmr_kind == BoardAllocation.GmrKind.CONSENT
            else gettext_noop(
                "The board fixed its distribution of the funds for %(year)s and asked the GMR "
                "for its advice: %(total)s, of which %(office)s is reserved for the board "
                "office. Number of schools: %(count)s."
            )
        ),
        params={
            "total": lazy_euro(preview.total),
            "count": len(preview.rows),
            "office": lazy_euro(preview.board_office_amount),
        },
        actor=actor,
        content={**_allocation_content(preview), "gmr_kind": gmr_kind},
    )
    return allocation


def _clear_gmr_decision(allocation) -> None:
    allocation.gmr_decision = ""
    allocation.gmr_meeting_date = None
    allocation.gmr_reasons = ""
    allocation.gmr_recorded_at = None
    allocation.gmr_recorded_by = None


GMR_ACTIONS = {
    BoardAllocation.GmrDecision.CONSENT: (
        "units.allocation.gmr_consent",
        gettext_noop(
            "The GMR consented to the board's distribution of the funds for %(year)s (meeting "
            "of %(date)s). The distribution is final."
        ),
    ),
    BoardAllocation.GmrDecision.ADVICE: (
        "units.allocation.gmr_advice",
        gettext_noop(
            "The GMR gave its advice on the board's distribution of the funds for %(year)s "
            "(meeting of %(date)s). The distribution is final."
        ),
    ),
    BoardAllocation.GmrDecision.REFUSED: (
        "units.allocation.gmr_refused",
        gettext_noop(
            "The GMR refused its consent to the board's distribution of the funds for %(year)s "
            "(meeting of %(date)s). The distribution goes back to the board."
        ),
    ),
}


@transaction.atomic
def allocation_gmr_record(
    *, board, school_year, actor, decision, meeting_date, reasons=""
) -> BoardAllocation:
    """Record the GMR's decision on the submitted distribution (a member of the board's GMR).

    Asked for consent, the GMR gives or refuses it; asked for advice, it gives its advice.
    Consent or advice makes the distribution final (step 0 done; the schools can take their
    shares). A refusal needs reasons and sends the distribution back to the board
    administrator, who sees the reasons and can change and submit it again. Advice needs its
    content as reasons. The meeting date cannot be in the future.
    """
    require_perm(actor, "units.record_gmr_decision", board)
    reasons = (reasons or "").strip()
    allocation = _lock_allocation(board, school_year)
    if allocation is None or not allocation.awaiting_gmr:
        raise DomainError(
            _("There is no distribution for %(year)s waiting for the GMR's decision.")
            % {"year": school_year}
        )
    Decision = BoardAllocation.GmrDecision
    allowed = (
        (Decision.CONSENT, Decision.REFUSED)
        if allocation.gmr_kind == BoardAllocation.GmrKind.CONSENT
        else (Decision.ADVICE,)
    )
    if decision not in allowed:
        raise DomainError(
            _("The board asked the GMR for its consent: record whether it was given or refused.")
            if allocation.gmr_kind == BoardAllocation.GmrKind.CONSENT
            else _("The board asked the GMR for its advice: record the advice.")
        )
    if meeting_date is None:
        raise DomainError(_("Give the date of the GMR meeting."))
    if meeting_date > timezone.localdate():
        raise DomainError(_("The date of the GMR meeting cannot be in the future."))
    if decision == Decision.REFUSED and not reasons:
        raise DomainError(_("Give the GMR's reasons for refusing its consent."))
    if decision == Decision.ADVICE and not reasons:
        raise DomainError(_("Write down the GMR's advice."))
    now = timezone.now()
    allocation.gmr_decision = decision
    allocation.gmr_meeting_date = meeting_date
    allocation.gmr_reasons = reasons
    allocation.gmr_recorded_at = now
    allocation.gmr_recorded_by = actor
    board_process = _board_process(board, school_year)
    if decision == Decision.REFUSED:
        allocation.submitted_at = None
    else:
        allocation.fixed_at = now
        allocation.fixed_by = allocation.submitted_by
        board_process.state = BoardProcess.State.DONE
        board_process.completed_at = now
        board_process.save(update_fields=["state", "completed_at"])
    allocation.save()
    action, summary = GMR_ACTIONS[decision]
    board_decision_record(
        board=board,
        school_year=school_year,
        action=action,
        summary=summary,
        params={"date": meeting_date.strftime("%d-%m-%Y")},
        actor=actor,
        actor_role=gettext_noop("GMR member"),
        content={
            "gmr_kind": allocation.gmr_kind,
            "decision": decision,
            "meeting_date": meeting_date.isoformat(),
            "reasons": reasons,
        },
        grounds=reasons,
    )
    return allocation


@transaction.atomic
def allocation_reopen(*, board, school_year, actor, grounds) -> BoardAllocation:
    """Reopen a final split, or withdraw one submitted to the GMR, on stated grounds, so it can
    be changed and submitted again.

    Only as long as no school has taken its share into its budget: the school budgets
    would no longer match the board's split.
    """
    require_perm(actor, "units.manage_allocation", board)
    grounds = (grounds or "").strip()
    if not grounds:
        raise DomainError(_("Give the grounds for reopening the distribution."))
    allocation = _lock_allocation(board, school_year)
    if allocation is None or (allocation.fixed_at is None and allocation.submitted_at is None):
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
                "its share into its budget.",
                "The distribution can no longer be reopened: %(schools)s have already taken "
                "their shares into their budgets.",
                len(taken),
            )
            % {"schools": ", ".join(taken)}
        )
    previous = {
        "total": str(allocation.total),
        "board_office_fte": str(allocation.board_office_fte),
        "board_office_amount": str(allocation.board_office_amount),
        "fixed_at": allocation.fixed_at.isoformat() if allocation.fixed_at else None,
        "submitted_at": (allocation.submitted_at.isoformat() if allocation.submitted_at else None),
        "gmr_kind": allocation.gmr_kind,
        "gmr_decision": allocation.gmr_decision,
        "shares": [
            {"school": s.school_id, "pupil_count": s.pupil_count, "amount": str(s.amount)}
            for s in allocation.shares.order_by("school__name", "school_id")
        ],
    }
    allocation.fixed_at = None
    allocation.fixed_by = None
    allocation.submitted_at = None
    allocation.submitted_by = None
    _clear_gmr_decision(allocation)
    allocation.save()
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


__all__ = [
    "AllocationPreview",
    "AllocationRow",
    "allocation_fix",
    "allocation_gmr_record",
    "allocation_preview",
    "allocation_reopen",
    "board_split",
]
