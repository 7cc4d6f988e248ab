"""Reads for step 0 (the board's split) and the school budget, in a constant number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from processes.models import Board, Decision, SchoolYear
from werkdruk.money import percentages

from ..models import BoardAllocation, BudgetLine, SchoolAllocation
from ..services.allocation import AllocationPreview, AllocationRow


def allocation_board_get_for_user(*, user, board_id, perm="units.manage_allocation") -> Board:
    """The board, if ``user`` may read its step 0 (its administrators and its GMR members,
    ``processes.read_board``); 404 when missing or not theirs, 403 when the user may read it but
    not ``perm`` (None: reading is enough)."""
    board = get_object_or_404(Board, pk=board_id)
    if not user.has_perm("processes.read_board", board):
        raise Http404
    if perm is not None and not user.has_perm(perm, board):
        raise PermissionDenied
    return board


def allocation_decisions(*, board, school_year):
    """The board's step 0 decisions of ``school_year`` (fixed, reopened), in time order."""
    return Decision.objects.filter(
        board=board,
        process__isnull=True,
        step_number=0,
        content__school_year=str(school_year),
    ).order_by("created_at", "id")


def school_year_get(*, start_year) -> SchoolYear:
    return get_object_or_404(SchoolYear, start_year=start_year)


def allocation_get(*, board, school_year) -> BoardAllocation | None:
    """The board's allocation for the year (fixed or reopened) with its shares, or None.

    Each share carries ``taken_over``: whether its school put it in its budget.
    """
    shares = (
        SchoolAllocation.objects.select_related("school")
        .annotate(taken_over=Exists(BudgetLine.objects.filter(source=OuterRef("pk"))))
        .order_by("school__name", "school_id")
    )
    return (
        BoardAllocation.objects.filter(board=board, school_year=school_year)
        .select_related("fixed_by")
        .prefetch_related(Prefetch("shares", queryset=shares))
        .first()
    )


def allocation_as_table(allocation: BoardAllocation) -> AllocationPreview:
    """A stored allocation in the shape of a preview, for the same table (no queries)."""
    shares = list(allocation.shares.all())
    pupil_shares = percentages({share.pk: share.pupil_count for share in shares})
    return AllocationPreview(
        total=allocation.total,
        board_office_fte=allocation.board_office_fte,
        staff_fte=None,
        board_office_share=None,
        board_office_amount=allocation.board_office_amount,
        rows=tuple(
            AllocationRow(
                school=share.school,
                pupil_count=share.pupil_count,
                share=pupil_shares[share.pk],
                amount=share.amount,
            )
            for share in shares
        ),
    )


@dataclass(frozen=True)
class SchoolBudget:
    lines: list[BudgetLine]
    total: Decimal


def school_budget(*, process) -> SchoolBudget:
    """The budget lines of ``process`` (allocation, carry-over, extra tranches) and their sum.

    One query; each line has its ``source`` share and that share's allocation loaded.
    """
    lines = list(
        BudgetLine.objects.filter(process=process)
        .select_related("source__allocation")
        .order_by("kind", "pk")
    )
    return SchoolBudget(lines=lines, total=sum((line.amount for line in lines), Decimal("0.00")))


def allocation_to_take_over(*, process) -> SchoolAllocation | None:
    """The school's share of its board's fixed split for the year, if no line sources it yet."""
    return (
        SchoolAllocation.objects.filter(
            school_id=process.school_id,
            allocation__board_id=process.school.board_id,
            allocation__school_year_id=process.school_year_id,
            allocation__fixed_at__isnull=False,
        )
        .filter(~Exists(BudgetLine.objects.filter(source=OuterRef("pk"))))
        .select_related("allocation")
        .first()
    )


def budget_line_get(*, process, pk) -> BudgetLine:
    """A line of ``process``'s budget; 404 for a line of another process."""
    return get_object_or_404(BudgetLine.objects.select_related("source"), pk=pk, process=process)
