"""Pages of step 0 (the board's split over its schools) and of the school budget."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from processes.models import ProcessStep, SchoolYear
from processes.selectors import current_sign_offs, process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.exceptions import DomainError
from werkdruk.submissions import idempotent_post

from ..forms.budget import (
    AllocationFixForm,
    AllocationForm,
    AllocationGmrForm,
    AllocationReopenForm,
    BudgetLineForm,
)
from ..models import BudgetLine
from ..selectors import budget as selectors
from ..services import allocation
from ..services import budget as services
from ..services.common import SPLIT_STEP

ALLOCATION_PAGE = "units/allocation_detail.html"
ALLOCATION_PREVIEW = "units/includes/_allocation_preview.html"
BUDGET_PAGE = "units/budget_detail.html"
MANAGE = "processes.manage_process"
MANAGE_ALLOCATION = "units.manage_allocation"
RECORD_GMR = "units.record_gmr_decision"

# --- step 0: the board's split -----------------------------------------------------------


def _board_and_year(request, board_id, start_year, perm=MANAGE_ALLOCATION):
    board = selectors.allocation_board_get_for_user(user=request.user, board_id=board_id, perm=perm)
    return board, selectors.school_year_get(start_year=start_year)


def _try_preview(board, school_year, total, board_office_fte):
    """(preview, None), or (None, the DomainError) when the input cannot be split."""
    try:
        preview = allocation.allocation_preview(
            board=board, school_year=school_year, total=total, board_office_fte=board_office_fte
        )
    except DomainError as error:
        return None, error
    return preview, None


def _preview_of(board, school_year, form):
    if not form.is_valid():
        return None, None
    data = form.cleaned_data
    return _try_preview(board, school_year, data["total"], data["board_office_fte"])


def _allocation_context(
    board, school_year, *, form=None, preview=None, preview_error=None, **extra
) -> dict:
    allocation = selectors.allocation_get(board=board, school_year=school_year)
    fixed = allocation is not None and allocation.fixed_at is not None
    awaiting = allocation is not None and allocation.awaiting_gmr
    if form is None and not fixed and not awaiting:
        initial = {}
        if allocation is not None:  # reopened: start again from its figures
            initial = {"total": allocation.total, "board_office_fte": allocation.board_office_fte}
            preview, preview_error = _try_preview(
                board, school_year, allocation.total, allocation.board_office_fte
            )
        form = AllocationForm(initial=initial)
    return {
        "board": board,
        "school_year": school_year,
        "allocation": allocation,
        "fixed": fixed,
        "awaiting": awaiting,
        "table": selectors.allocation_as_table(allocation) if fixed or awaiting else None,
        "taken_over": [s.school for s in allocation.shares.all() if s.taken_over] if fixed else [],
        "gmr_form": extra.pop("gmr_form", None)
        or (AllocationGmrForm(gmr_kind=allocation.gmr_kind) if awaiting else None),
        "can_record_gmr": extra.pop("can_record_gmr", False),
        "form": form,
        "preview": preview,
        "preview_error": preview_error,
        "reopen_form": extra.pop("reopen_form", None) or AllocationReopenForm(),
        "can_manage": extra.pop("can_manage", True),
        "decisions": selectors.allocation_decisions(board=board, school_year=school_year),
        **extra,
    }


def allocation_detail(request, board_id, start_year):
    """Read by the board's administrators and its GMR members; only the administrators get
    the forms."""
    board, school_year = _board_and_year(request, board_id, start_year, perm=None)
    can_manage = request.user.has_perm(MANAGE_ALLOCATION, board)
    can_record_gmr = request.user.has_perm(RECORD_GMR, board)
    context = _allocation_context(
        board, school_year, can_manage=can_manage, can_record_gmr=can_record_gmr
    )
    return render(request, ALLOCATION_PAGE, context)


def allocation_for(request, board_id, which):
    """The page of the current or the next school year (linked from the board's page)."""
    board = selectors.allocation_board_get_for_user(user=request.user, board_id=board_id, perm=None)
    if which not in ("current", "next"):
        raise Http404
    school_year = SchoolYear.objects.current()
    if which == "next":
        school_year = school_year.next()
    return redirect("units:allocation", board_id=board.pk, start_year=school_year.start_year)


@require_POST
def allocation_preview(request, board_id, start_year):
    """The split for what was typed: a partial for htmx, the whole page without JavaScript."""
    board, school_year = _board_and_year(request, board_id, start_year)
    form = AllocationForm(request.POST)
    preview, preview_error = _preview_of(board, school_year, form)
    if request.htmx:
        context = {
            "board": board,
            "school_year": school_year,
            "form": form,
            "preview": preview,
            "preview_error": preview_error,
            "partial": True,
        }
        return render(request, ALLOCATION_PREVIEW, context)
    context = _allocation_context(
        board, school_year, form=form, preview=preview, preview_error=preview_error
    )
    return render(request, ALLOCATION_PAGE, context, status=200 if preview else 400)


@require_POST
@idempotent_post
def allocation_fix(request, board_id, start_year):
    board, school_year = _board_and_year(request, board_id, start_year)
    form = AllocationFixForm(request.POST)
    fix_error = None
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error() as attempt:  # the page shows the refusal above the preview
            allocation.allocation_fix(
                board=board,
                school_year=school_year,
                total=data["total"],
                board_office_fte=data["board_office_fte"],
                actor=request.user,
                expected_digest=data["preview"],
                gmr_kind=data["gmr_kind"],
            )
        if attempt.succeeded:
            messages.success(
                request,
                _(
                    "The distribution has been fixed and submitted to the GMR. It is final "
                    "once the GMR's decision is recorded."
                ),
            )
            return redirect("units:allocation", board_id=board.pk, start_year=start_year)
        fix_error = attempt.error
    elif "preview" in form.errors:
        fix_error = DomainError(form.errors["preview"][0])
    shown = AllocationForm(request.POST)  # the typed figures, with their own errors
    preview, preview_error = _preview_of(board, school_year, shown)
    context = _allocation_context(
        board,
        school_year,
        form=shown,
        preview=preview,
        preview_error=preview_error,
        fix_error=fix_error,
    )
    return render(request, ALLOCATION_PAGE, context, status=400)


@require_POST
def allocation_reopen(request, board_id, start_year):
    board, school_year = _board_and_year(request, board_id, start_year)
    form = AllocationReopenForm(request.POST)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            allocation.allocation_reopen(
                board=board,
                school_year=school_year,
                actor=request.user,
                grounds=form.cleaned_data["grounds"],
            )
        if attempt.succeeded:
            messages.success(
                request, _("The distribution has been reopened: it can be fixed again.")
            )
            return redirect("units:allocation", board_id=board.pk, start_year=start_year)
    context = _allocation_context(board, school_year, reopen_form=form)
    return render(request, ALLOCATION_PAGE, context, status=400)


@require_POST
def allocation_gmr_record(request, board_id, start_year):
    """A member of the board's GMR records the GMR's consent, refusal or advice."""
    board, school_year = _board_and_year(request, board_id, start_year, perm=RECORD_GMR)
    current = selectors.allocation_get(board=board, school_year=school_year)
    if current is None or not current.awaiting_gmr:
        messages.error(
            request, _("There is no distribution waiting for the GMR's decision (any more).")
        )
        return redirect("units:allocation", board_id=board.pk, start_year=start_year)
    form = AllocationGmrForm(request.POST, gmr_kind=current.gmr_kind)
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(form=form) as attempt:
            allocation.allocation_gmr_record(
                board=board,
                school_year=school_year,
                actor=request.user,
                decision=data["decision"],
                meeting_date=data["meeting_date"],
                reasons=data["reasons"],
            )
        if attempt.succeeded:
            messages.success(request, _("The GMR's decision has been recorded."))
            return redirect("units:allocation", board_id=board.pk, start_year=start_year)
    context = _allocation_context(
        board,
        school_year,
        gmr_form=form,
        can_manage=request.user.has_perm(MANAGE_ALLOCATION, board),
        can_record_gmr=True,
    )
    return render(request, ALLOCATION_PAGE, context, status=400)


# --- the school budget -------------------------------------------------------------------


def _budget_page(request, process, *, add_form=None, status=200):
    can_manage = request.user.has_perm(MANAGE, process)
    budget = selectors.school_budget(process=process)
    split_step = process_step(process, SPLIT_STEP)
    context = {
        "process": process,
        "budget": budget,
        "can_manage": can_manage,
        "split_step": split_step,
        "signed": current_sign_offs(split_step),
        "take_over": selectors.allocation_to_take_over(process=process) if can_manage else None,
        "has_allocation_line": any(
            line.kind == BudgetLine.Kind.ALLOCATION for line in budget.lines
        ),
        "add_form": add_form or BudgetLineForm(),
    }
    return render(request, BUDGET_PAGE, context, status=status)


def _done(request, process, revision, message):
    """Report success, and that step 2 was reopened when the change did that."""
    messages.success(request, message)
    steps = ProcessStep.objects.filter(process=process, number=SPLIT_STEP)
    if steps.values_list("revision", flat=True).get() != revision:
        messages.warning(
            request,
            _(
                "Step 2 had been signed off, so it has been reopened: the director and the "
                "PMR sign it off again for the new school budget."
            ),
        )
    return redirect("units:budget", pk=process.pk)


def budget_detail(request, pk):
    return _budget_page(request, process_get_for_user(user=request.user, pk=pk))


@require_POST
@idempotent_post
def budget_line_add(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    revision = process_step(process, SPLIT_STEP).revision
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            services.budget_line_add(process=process, actor=request.user, **form.cleaned_data)
        if attempt.succeeded:
            return _done(request, process, revision, _("The budget line has been added."))
    return _budget_page(request, process, add_form=form, status=400)


class BudgetLineEditView(View):
    template_name = "units/budget_line_edit.html"

    def _setup(self, request, pk, line_id):
        process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
        line = selectors.budget_line_get(process=process, pk=line_id)
        return process, line

    def _form(self, line, data=None):
        initial = {"kind": line.kind, "description": line.description, "amount": line.amount}
        return BudgetLineForm(data, initial=initial, taken_over=line.source_id is not None)

    def _render(self, request, process, line, form, status=200):
        context = {"process": process, "line": line, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk, line_id):
        process, line = self._setup(request, pk, line_id)
        return self._render(request, process, line, self._form(line))

    def post(self, request, pk, line_id):
        process, line = self._setup(request, pk, line_id)
        revision = process_step(process, SPLIT_STEP).revision
        form = self._form(line, request.POST)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                services.budget_line_update(line=line, actor=request.user, **form.cleaned_data)
            if attempt.succeeded:
                return _done(request, process, revision, _("The budget line has been changed."))
        return self._render(request, process, line, form, status=400)


@require_POST
def budget_line_remove(request, pk, line_id):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    line = selectors.budget_line_get(process=process, pk=line_id)
    revision = process_step(process, SPLIT_STEP).revision
    with shows_domain_error(request=request) as attempt:
        services.budget_line_remove(line=line, actor=request.user)
    if attempt.failed:
        return redirect("units:budget", pk=process.pk)
    return _done(request, process, revision, _("The budget line has been removed."))


@require_POST
@idempotent_post
def budget_take_over(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    revision = process_step(process, SPLIT_STEP).revision
    with shows_domain_error(request=request) as attempt:
        services.budget_line_from_allocation(process=process, actor=request.user)
    if attempt.failed:
        return redirect("units:budget", pk=process.pk)
    return _done(
        request, process, revision, _("The board's allocation has been taken into the budget.")
    )
