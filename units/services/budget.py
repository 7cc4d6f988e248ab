"""The school budget: the lines of a process (allocation, carry-over, extra tranches)."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import (
    decision_record,
    process_lock,
    require_perm,
    step_content_changed,
)
from werkdruk.exceptions import DomainError
from werkdruk.money import lazy_euro

from ..models import BoardAllocation, BudgetLine, SchoolAllocation
from .common import (
    SPLIT_STEP,
    _clean_amount,
    _full_clean,
    _later,
)

# --- the school budget ----------------------------------------------------------------


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
        "amount": lazy_euro(amount),
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
    process = process_lock(process)
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
    process_lock(line.process)
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
    process = process_lock(process)
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
        params={"amount": lazy_euro(share.amount)},
        actor=actor,
        content={**_line_content(line), "allocation": share.allocation_id},
    )
    return line


__all__ = [
    "budget_line_add",
    "budget_line_from_allocation",
    "budget_line_remove",
    "budget_line_update",
]
