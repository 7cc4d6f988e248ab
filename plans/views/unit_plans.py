"""Pages of step 8: the overview of the units' plans (with the joint close), a unit's plan
(analysis, measures, verdicts, comments, acknowledged warnings, submit and return), the measure
form with its live preview, and a plan's history.

Each view resolves the process (404 for another school) and the plan through the selectors
(404 for a unit of another process, 403 for whoever may not read or change it), validates a
form, calls one service and redirects with a message. The services check again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize_input
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from processes.selectors import process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.edit_conflicts import EditConflict, edit_conflict_report
from werkdruk.exceptions import DomainError
from werkdruk.submissions import idempotent_post

from ..forms.unit_plans import (
    AcknowledgementForm,
    CloseForm,
    CommentForm,
    MeasureForm,
    PlanAnalysisForm,
    ReturnForm,
)
from ..models import FrameworkRule
from ..selectors import measure_editor as editors
from ..selectors import unit_plans as selectors
from ..selectors.ideas import ideas_for_unit
from ..selectors.unit_plan_history import unit_plan_history
from ..selectors.unit_plan_state import edit_refusal
from ..services import measure_votes
from ..services import unit_plan_decisions as decisions
from ..services import unit_plans as services
from .unit_plan_votes import approval_vote_context

STEP = selectors.STEP


def _plan_url(process, unit) -> str:
    return reverse("plans:unit-plan", args=[process.pk, unit.pk])


# --- the overview and the joint close -----------------------------------------------------


def _overview(request, process, close_form=None, errors=(), status=200):
    overview = selectors.unit_plan_overview(user=request.user, process=process)
    return render(
        request,
        "plans/unit_plans/overview.html",
        {
            "process": process,
            "step": process_step(process, STEP),
            "overview": overview,
            "close_form": close_form or CloseForm(),
            "errors": errors,
        },
        status=status,
    )


@require_GET
def unit_plan_overview(request, pk):
    return _overview(request, process_get_for_user(user=request.user, pk=pk))


@require_POST
def unit_plan_close(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=selectors.CLOSE)
    form = CloseForm(request.POST)
    if form.is_valid():
        with shows_domain_error() as attempt:
            step = decisions.step8_close(
                process=process, actor=request.user, grounds=form.cleaned_data["grounds"]
            )
        if attempt.failed:
            return _overview(request, process, form, attempt.lines, 400)
        messages.success(
            request,
            _("Step %(number)s is closed.") % {"number": STEP}
            if step.state == step.State.DONE
            else _("Your confirmation is recorded; the other side must confirm too."),
        )
        return redirect("plans:unit-plan-overview", pk=process.pk)
    return _overview(request, process, form, status=400)


# --- the plan -----------------------------------------------------------------------------


def _plan_page(request, process, unit_pk, *, forms=None, errors=(), status=200, conflict=None):
    page = selectors.unit_plan_page(user=request.user, process=process, unit_pk=unit_pk)
    forms = forms or {}
    analysis = forms.get("analysis")
    if analysis is None and page.can_edit:
        analysis = PlanAnalysisForm(
            initial=PlanAnalysisForm.initial_for(page.plan, page.causes),
            causes=selectors.all_causes(),
        )
    # The unit's latest approval vote and choice of measures, in one query.
    approval, choice = measure_votes.latest_plan_votes(page.plan)
    context = {
        "process": process,
        "step": page.step,
        "page": page,
        "unit": page.unit,
        "plan": page.plan,
        "analysis_form": analysis,
        "return_form": forms.get("return") or ReturnForm(),
        "errors": errors,
        "edit_conflict": conflict,
        # The ideas round's ideas, with the unit's measures to mark one as taken up.
        "ideas": ideas_for_unit(user=request.user, process=process, unit=page.unit),
        "take_up_measures": [row.measure for row in page.measures] if page.can_edit else [],
        # The unit's approval vote (plans/unit_plans/_approval_vote.html).
        **approval_vote_context(user=request.user, plan=page.plan, step=page.step, vote=approval),
        # The unit's choice of measures within its budget (_measures_vote_summary.html).
        "measures_vote": measure_votes.measures_vote_summary(page.plan, choice),
    }
    return render(request, "plans/unit_plans/plan.html", context, status=status)


@require_GET
def unit_plan_detail(request, pk, unit_pk):
    return _plan_page(request, process_get_for_user(user=request.user, pk=pk), unit_pk)


@require_POST
def unit_plan_analysis(request, pk, unit_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    unit, plan = selectors.unit_plan_get_for_user(
        user=request.user, process=process, unit_pk=unit_pk
    )
    if not request.user.has_perm(selectors.EDIT, plan):
        raise PermissionDenied
    form = PlanAnalysisForm(request.POST, causes=selectors.all_causes())
    errors = []
    if form.is_valid():
        with shows_domain_error() as attempt:
            try:
                services.plan_update(plan=plan, actor=request.user, **form.service_kwargs())
            except EditConflict as conflict:
                report = edit_conflict_report(
                    conflict,
                    form=form,
                    initial_for=lambda stored: PlanAnalysisForm.initial_for(
                        stored, stored.causes.all()
                    ),
                )
                return _plan_page(
                    request, process, unit_pk, forms={"analysis": form}, status=409, conflict=report
                )
        if attempt.succeeded:
            messages.success(request, _("The analysis is saved."))
            return redirect(_plan_url(process, unit))
        errors = attempt.lines
    return _plan_page(
        request, process, unit_pk, forms={"analysis": form}, errors=errors, status=400
    )


def _plan_action(request, pk, unit_pk, perm, form_class, action, done, form_key=None):
    """A POST on the plan page: a form (or none), one service, a message; the page again,
    with the errors, when the input or the service refuses."""
    process = process_get_for_user(user=request.user, pk=pk)
    unit, plan = selectors.unit_plan_get_for_user(
        user=request.user, process=process, unit_pk=unit_pk
    )
    if not request.user.has_perm(perm, plan):
        raise PermissionDenied
    form = form_class(request.POST) if form_class else None
    errors = []
    if form is None or form.is_valid():
        with shows_domain_error() as attempt:
            action(plan, form.cleaned_data if form else {})
        if attempt.succeeded:
            messages.success(request, done)
            return redirect(_plan_url(process, unit))
        errors = attempt.lines
    else:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
    forms = {form_key: form} if form_key else {}
    return _plan_page(request, process, unit_pk, forms=forms, errors=errors, status=400)


@require_POST
def unit_plan_submit(request, pk, unit_pk):
    return _plan_action(
        request,
        pk,
        unit_pk,
        selectors.SUBMIT,
        None,
        lambda plan, data: decisions.plan_submit(plan=plan, actor=request.user),
        _("The plan is submitted. The director and the PMR can read it now."),
    )


@require_POST
def unit_plan_return(request, pk, unit_pk):
    return _plan_action(
        request,
        pk,
        unit_pk,
        selectors.RETURN,
        ReturnForm,
        lambda plan, data: decisions.plan_return(
            plan=plan, actor=request.user, reason=data["reason"]
        ),
        _("The plan is returned to the unit; its members are told by e-mail."),
        form_key="return",
    )


@require_POST
@idempotent_post
def unit_plan_acknowledge(request, pk, unit_pk):
    def acknowledge(plan, data):
        rule = FrameworkRule.objects.filter(process=plan.process, pk=data["rule"]).first()
        measure = plan.measures.filter(pk=data["measure"]).first() if data["measure"] else None
        if rule is None or (data["measure"] and measure is None):
            raise DomainError(_("There is no warning to acknowledge here."))
        services.warning_acknowledge(
            plan=plan, actor=request.user, rule=rule, measure=measure, reason=data["reason"]
        )

    return _plan_action(
        request,
        pk,
        unit_pk,
        selectors.EDIT,
        AcknowledgementForm,
        acknowledge,
        _("The reason is saved with the warning."),
    )


@require_POST
@idempotent_post
def measure_comment(request, pk, unit_pk, measure_pk):
    def comment(plan, data):
        measure = plan.measures.filter(pk=measure_pk).first()
        if measure is None:
            raise DomainError(_("This measure no longer exists."))
        services.measure_comment_add(measure=measure, actor=request.user, text=data["text"])

    return _plan_action(
        request,
        pk,
        unit_pk,
        selectors.COMMENT,
        CommentForm,
        comment,
        _("Your comment is added."),
    )


@require_GET
def unit_plan_history_view(request, pk, unit_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    unit, plan, changes = unit_plan_history(user=request.user, process=process, unit_pk=unit_pk)
    return render(
        request,
        "plans/unit_plans/history.html",
        {"process": process, "unit": unit, "plan": plan, "changes": changes},
    )


# --- measures -----------------------------------------------------------------------------


def _measure_form(editor, data=None, initial=None) -> MeasureForm:
    return MeasureForm(
        data,
        initial=initial,
        process=editor.process,
        categories=editor.categories,
        causes=editor.causes,
        functions=editor.functions,
    )


def _measure_page(request, editor, form, errors=(), status=200, quiet=False, conflict=None):
    preview = editors.measure_preview(editor=editor, form=form if form.is_bound else None)
    return render(
        request,
        "plans/unit_plans/measure_form.html",
        {
            "process": editor.process,
            "unit": editor.unit,
            "plan": editor.plan,
            "editor": editor,
            "measure": editor.measure,
            "form": form,
            "preview": preview,
            "refusal": edit_refusal(editor.plan, editor.step),
            "errors": errors,
            "edit_conflict": conflict,
            "quiet": quiet,  # a calculation without JavaScript: no errors while still typing
        },
        status=status,
    )


def _initial_form(editor) -> MeasureForm:
    """The form as the page opens. A measure's own values are bound (as typed in the active
    language), so its preview shows at once; a new measure starts empty, without errors."""
    initial = MeasureForm.initial_for(editor.measure, process=editor.process)
    if editor.measure is None:
        return _measure_form(editor, initial=initial)
    data = QueryDict(mutable=True)
    for name, value in initial.items():
        if isinstance(value, list):
            data.setlist(name, value)
        elif value not in (None, False):
            data[name] = value if isinstance(value, str) else localize_input(value)
    form = _measure_form(editor, data=data)
    form.is_valid()
    return form


@require_http_methods(["GET", "POST"])
@idempotent_post
def measure_edit(request, pk, unit_pk, measure_pk=None):
    process = process_get_for_user(user=request.user, pk=pk)
    editor = editors.measure_editor(
        user=request.user, process=process, unit_pk=unit_pk, measure_pk=measure_pk
    )
    if request.method != "POST":
        return _measure_page(request, editor, _initial_form(editor))
    form = _measure_form(editor, data=request.POST)
    errors = []
    if form.is_valid():
        with shows_domain_error() as attempt:
            try:
                if editor.measure is None:
                    measure = services.measure_create(
                        plan=editor.plan, actor=request.user, data=form.measure_data()
                    )
                    done = _("The measure “%(title)s” is added.")
                else:
                    measure = services.measure_update(
                        measure=editor.measure,
                        actor=request.user,
                        data=form.measure_data(),
                        version=form.cleaned_data["version"],
                    )
                    done = _("The measure “%(title)s” is saved.")
            except EditConflict as conflict:
                report = edit_conflict_report(
                    conflict,
                    form=form,
                    initial_for=lambda stored: MeasureForm.initial_for(stored, process=process),
                )
                return _measure_page(request, editor, form, status=409, conflict=report)
        if attempt.succeeded:
            messages.success(request, done % {"title": measure.title})
            return redirect(_plan_url(process, editor.unit) + f"#measure-{measure.pk}")
        errors = attempt.lines
    return _measure_page(request, editor, form, errors, status=400)


@require_POST
def measure_preview(request, pk, unit_pk, measure_pk=None):
    """The live preview (htmx: the preview and, if the cost type changed, its inputs); without
    JavaScript the whole form page with the preview."""
    process = process_get_for_user(user=request.user, pk=pk)
    editor = editors.measure_editor(
        user=request.user, process=process, unit_pk=unit_pk, measure_pk=measure_pk
    )
    form = _measure_form(editor, data=request.POST)
    form.is_valid()
    if not request.htmx:
        return _measure_page(request, editor, form, quiet=True)
    return render(
        request,
        "plans/unit_plans/_measure_preview.html",
        {
            "process": process,
            "unit": editor.unit,
            "form": form,
            "preview": editors.measure_preview(editor=editor, form=form),
            "swap_cost_fields": request.POST.get("shown_cost_type") != form.shown_cost_type,
        },
    )


@require_POST
def measure_delete(request, pk, unit_pk, measure_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    editor = editors.measure_editor(
        user=request.user, process=process, unit_pk=unit_pk, measure_pk=measure_pk
    )
    with shows_domain_error(request=request) as attempt:
        services.measure_delete(measure=editor.measure, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request, _("The measure “%(title)s” is removed.") % {"title": editor.measure.title}
        )
    return redirect(_plan_url(process, editor.unit))
