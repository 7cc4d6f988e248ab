"""Pages of the evaluation cycle: the evaluation agreement's moments (added, changed, removed
on the evaluation agreement's page), one page per moment with the outcome per measure,
sharing it with the staff, and a unit carrying over a measure of last year's plan. Each
resolves the process for the user (404 for another school), checks permission on the server,
validates a form, calls one service and redirects with a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.selectors.unit_plans import unit_plan_get_for_user
from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.edit_conflicts import EditConflict
from werkdruk.submissions import idempotent_post

from ..forms.evaluation import CarryOverForm, MomentForm, OutcomesForm
from ..rules import EDIT_EVALUATION, VIEW_EVALUATION_MOMENT
from ..selectors import evaluation as selectors
from ..services import evaluation as services


def _editable_process(request, pk):
    return process_get_for_user(user=request.user, pk=pk, perm=EDIT_EVALUATION)


def _moment(request, process, moment_pk):
    moment = selectors.moment_get_for_user(user=request.user, process=process, pk=moment_pk)
    if not request.user.has_perm(VIEW_EVALUATION_MOMENT, moment):
        raise PermissionDenied
    return moment


@require_POST
@idempotent_post
def moment_add(request, pk):
    process = _editable_process(request, pk)
    form = MomentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(request=request) as attempt:
            services.moment_add(
                process=process,
                actor=request.user,
                date=data["date"],
                title=data["title"],
                responsible=data["responsible"],
            )
        if attempt.succeeded:
            messages.success(request, _("The evaluation moment has been planned."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("schoolplans:evaluation", pk=process.pk)


def moment_edit(request, pk, moment_pk):
    process = _editable_process(request, pk)
    moment = _moment(request, process, moment_pk)
    form = MomentForm(request.POST or None, initial=MomentForm.initial_for(moment))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with shows_domain_error(form=form) as attempt:
                services.moment_change(
                    moment=moment,
                    actor=request.user,
                    date=data["date"],
                    title=data["title"],
                    responsible=data["responsible"],
                    version=data.get("version"),
                )
            if attempt.succeeded:
                messages.success(request, _("The evaluation moment has been changed."))
                return redirect("schoolplans:evaluation", pk=process.pk)
        status = 400
    context = {"process": process, "moment": moment, "form": form}
    return render(request, "schoolplans/evaluation/moment_form.html", context, status=status)


@require_POST
def moment_delete(request, pk, moment_pk):
    process = _editable_process(request, pk)
    moment = _moment(request, process, moment_pk)
    with shows_domain_error(request=request) as attempt:
        services.moment_delete(moment=moment, actor=request.user)
    if attempt.succeeded:
        messages.success(request, _("The evaluation moment has been removed."))
    return redirect("schoolplans:evaluation", pk=process.pk)


def moment_detail(request, pk, moment_pk):
    """One moment: the outcome per measure of the ratified plan. The director and the PMR
    record them here until the results are shared; the staff read them once shared."""
    process = process_get_for_user(user=request.user, pk=pk)
    moment = _moment(request, process, moment_pk)
    may_edit = request.user.has_perm(EDIT_EVALUATION, process)
    measures = selectors.measures_to_evaluate(process, moment)
    can_record = may_edit and moment.shared_at is None and bool(measures)
    form = None
    status = 200
    if can_record:
        form = OutcomesForm(
            request.POST or None, measures=measures, initial={"version": moment.version}
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                try:
                    services.outcomes_record(
                        moment=moment,
                        actor=request.user,
                        outcomes=form.outcomes(),
                        version=form.cleaned_data.get("version"),
                    )
                except EditConflict:
                    status = 409
                    raise
            if attempt.succeeded:
                messages.success(request, _("The outcomes have been saved."))
                return redirect("schoolplans:evaluation-moment", pk=process.pk, moment_pk=moment.pk)
        if status != 409:
            status = 400
    context = {
        "process": process,
        "moment": moment,
        "measures": measures,
        "form": form,
        "can_share": may_edit and moment.recorded_at is not None and moment.shared_at is None,
        "may_edit": may_edit,
    }
    return render(request, "schoolplans/evaluation/moment_detail.html", context, status=status)


@require_POST
def moment_share(request, pk, moment_pk):
    process = _editable_process(request, pk)
    moment = _moment(request, process, moment_pk)
    with shows_domain_error(request=request) as attempt:
        services.moment_share(moment=moment, actor=request.user)
    if attempt.succeeded:
        messages.success(request, _("The results have been shared with the staff."))
    return redirect("schoolplans:evaluation-moment", pk=process.pk, moment_pk=moment.pk)


def carry_over_measures(request, pk, unit_pk):
    """A unit at step 8: last year's ratified measures with their verdicts; those to continue
    or adjust may be carried over into the unit's plan."""
    process = process_get_for_user(user=request.user, pk=pk)
    unit, plan = unit_plan_get_for_user(user=request.user, process=process, unit_pk=unit_pk)
    if not request.user.has_perm("plans.edit_unit_plan", plan):
        raise PermissionDenied
    if request.method == "POST":
        form = CarryOverForm(request.POST)
        if form.is_valid():
            with shows_domain_error(request=request) as attempt:
                measure = services.measure_carry_over(
                    process=process,
                    plan=plan,
                    actor=request.user,
                    measure_key=form.cleaned_data["measure_key"],
                )
            if attempt.succeeded:
                messages.success(
                    request,
                    _("“%(title)s” has been carried over into the plan.")
                    % {"title": measure.title},
                )
                return redirect("plans:unit-plan", pk=process.pk, unit_pk=unit.pk)
        return redirect("schoolplans:carry-over-measures", pk=process.pk, unit_pk=unit.pk)
    previous, rows = selectors.carriable_measures(process)
    context = {
        "process": process,
        "unit": unit,
        "plan": plan,
        "previous": previous,
        "rows": [(row, selectors.carry_over_refusal(row.outcome)) for row in rows],
    }
    return render(request, "schoolplans/evaluation/carry_over.html", context)
