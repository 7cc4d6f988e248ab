"""The function cost pages: a school's own yearly costs per function and school year (the
director and the board), and the board's "for all schools"."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from processes.models import School
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.function_costs import FunctionCostFiguresForm, FunctionCostForm
from ..selectors import function_costs as selectors
from ..services import function_costs as services

SCHOOL_PAGE = "plans/function_costs/school.html"
EDIT_PAGE = "plans/function_costs/edit.html"
BOARD_PAGE = "plans/function_costs/board.html"


def _school_page(request, school, *, form=None, status=200):
    context = {
        "school": school,
        "years": selectors.function_cost_table(school=school),
        "form": form or FunctionCostForm(years=selectors.school_year_choices()),
        "functions": selectors.known_functions(),
    }
    return render(request, SCHOOL_PAGE, context, status=status)


def school_function_costs(request, pk):
    school = selectors.function_cost_school_get_for_user(user=request.user, pk=pk)
    return _school_page(request, school)


@require_POST
@idempotent_post
def school_function_cost_add(request, pk):
    school = selectors.function_cost_school_get_for_user(user=request.user, pk=pk)
    form = FunctionCostForm(request.POST, years=selectors.school_year_choices())
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            services.function_cost_add(school=school, actor=request.user, **form.cleaned_data)
        if attempt.succeeded:
            messages.success(request, _("The school's own cost has been saved."))
            return redirect("plans:function-costs", pk=school.pk)
    return _school_page(request, school, form=form, status=400)


def school_function_cost_edit(request, pk, cost_pk):
    school = selectors.function_cost_school_get_for_user(user=request.user, pk=pk)
    cost = selectors.own_cost_get(school=school, pk=cost_pk)
    if request.method == "POST":
        form = FunctionCostFiguresForm(request.POST)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                services.function_cost_change(
                    school=school, actor=request.user, cost=cost, **form.cleaned_data
                )
            if attempt.succeeded:
                messages.success(request, _("The school's own cost has been changed."))
                return redirect("plans:function-costs", pk=school.pk)
        status = 400
    else:
        form = FunctionCostFiguresForm(
            initial={
                "yearly_cost": cost.yearly_cost,
                "hourly_cost": cost.hourly_cost,
                "source": cost.source,
            }
        )
        status = 200
    context = {"school": school, "cost": cost, "form": form}
    return render(request, EDIT_PAGE, context, status=status)


@require_POST
def school_function_cost_delete(request, pk, cost_pk):
    school = selectors.function_cost_school_get_for_user(user=request.user, pk=pk)
    cost = selectors.own_cost_get(school=school, pk=cost_pk)
    with shows_domain_error(request=request) as attempt:
        services.function_cost_delete(school=school, actor=request.user, cost=cost)
    if attempt.succeeded:
        messages.success(
            request,
            _("The school's own cost of %(function)s for %(year)s has been removed.")
            % {"function": cost.function, "year": cost.school_year},
        )
    return redirect("plans:function-costs", pk=school.pk)


def _board_page(request, board, *, form=None, status=200):
    context = {
        "board": board,
        "schools": School.objects.filter(board=board).order_by("name"),
        "form": form or FunctionCostForm(years=selectors.school_year_choices()),
        "functions": selectors.known_functions(),
    }
    return render(request, BOARD_PAGE, context, status=status)


def board_function_costs(request, pk):
    board = selectors.function_cost_board_get_for_user(user=request.user, pk=pk)
    return _board_page(request, board)


@require_POST
@idempotent_post
def board_function_cost_set(request, pk):
    board = selectors.function_cost_board_get_for_user(user=request.user, pk=pk)
    form = FunctionCostForm(request.POST, years=selectors.school_year_choices())
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            count = services.function_cost_set_for_board(
                board=board, actor=request.user, **form.cleaned_data
            )
        if attempt.succeeded:
            messages.success(
                request, _("The cost has been saved for all %(count)s schools.") % {"count": count}
            )
            return redirect("plans:board-function-costs", pk=board.pk)
    return _board_page(request, board, form=form, status=400)
