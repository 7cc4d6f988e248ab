"""Pages of step 9: the school plan as it is merged, a measure's form, and the actions of the
merging group (create, change, combine, introduce, mark final)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from plans.models import MeasureCategory
from processes.models import ProcessStep
from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.edit_conflicts import EditConflict, edit_conflict_report
from werkdruk.exceptions import DomainError
from werkdruk.submissions import idempotent_post

from ..forms.merge import CombineForm, IntroductionForm, SchoolMeasureForm
from ..models import SchoolPlan, SchoolPlanMeasure
from ..selectors.merge import may_merge, merge_step, school_measure_get, school_plan_page
from ..services import merge as services

PAGE = "schoolplans/merge/page.html"


def _merging(request, pk):
    """The process and its step 9 for an action of the merging group (403 for anyone else)."""
    process = process_get_for_user(user=request.user, pk=pk)
    step = merge_step(process)
    if not may_merge(request.user, step):
        raise PermissionDenied
    return process, step


def _school_plan(process):
    school_plan = SchoolPlan.objects.filter(process=process).first()
    if school_plan is None:
        raise DomainError(_("Create the school plan from the unit plans first."))
    return school_plan


def _page(request, process, *, status=200, edit_conflict=None, **forms):
    page = school_plan_page(user=request.user, process=process)
    context = {"process": process, "step": page.step, "page": page, "edit_conflict": edit_conflict}
    if page.school_plan is not None and page.can_merge:
        combine_form = forms.get("combine_form") or CombineForm(choices=[])
        combine_form.fields["measures"].choices = page.measure_choices
        context["combine_form"] = combine_form
        context["introduction_form"] = forms.get("introduction_form") or IntroductionForm(
            initial=IntroductionForm.initial_for(page.school_plan)
        )
    return render(request, PAGE, context, status=status)


def school_plan_merge(request, pk):
    """Step 9's page: the school plan with its budget, checks, changes and traces."""
    process = process_get_for_user(user=request.user, pk=pk)
    return _page(request, process)


@require_POST
@idempotent_post
def school_plan_create(request, pk):
    process, _step = _merging(request, pk)
    with shows_domain_error(request=request) as attempt:
        school_plan = services.school_plan_create(process=process, actor=request.user)
    if attempt.succeeded:
        if school_plan.created:
            text = ngettext(
                "The school plan was created with %(count)s measure from the unit plans.",
                "The school plan was created with %(count)s measures from the unit plans.",
                school_plan.added,
            )
        elif school_plan.added:
            text = ngettext(
                "%(count)s measure of a plan submitted later was added.",
                "%(count)s measures of plans submitted later were added.",
                school_plan.added,
            )
        else:
            text = _("Every measure of the submitted plans is already in the school plan.")
        messages.success(request, text % {"count": school_plan.added})
    return redirect("schoolplans:merge", pk=process.pk)


@require_POST
def school_plan_introduction(request, pk):
    process, _step = _merging(request, pk)
    form = IntroductionForm(request.POST)
    if form.is_valid():
        # An edit conflict is a DomainError too: it is caught first and shown as a report.
        with shows_domain_error(request=request) as attempt:
            try:
                services.school_plan_annotate(
                    school_plan=_school_plan(process),
                    actor=request.user,
                    introduction=form.cleaned_data["introduction"],
                    version=form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                report = edit_conflict_report(
                    conflict, form=form, initial_for=IntroductionForm.initial_for
                )
                return _page(
                    request, process, status=409, edit_conflict=report, introduction_form=form
                )
        if attempt.succeeded:
            messages.success(request, _("The introduction was saved."))
        return redirect("schoolplans:merge", pk=process.pk)
    return _page(request, process, status=400, introduction_form=form)


@require_POST
@idempotent_post
def school_measures_combine(request, pk):
    process, _step = _merging(request, pk)
    choices = SchoolPlanMeasure.objects.filter(school_plan__process=process).values_list(
        "pk", "title"
    )
    form = CombineForm(request.POST, choices=list(choices))
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(form=form) as attempt:
            combined = services.school_measures_combine(
                measures=[SchoolPlanMeasure(pk=key) for key in data["measures"]],
                actor=request.user,
                title=data["title"],
                description=data["description"],
                annotation=data["annotation"],
            )
        if attempt.succeeded:
            messages.success(
                request, _("The measures were combined into %(title)s.") % {"title": combined}
            )
            url = reverse("schoolplans:merge", args=[process.pk])
            return redirect(f"{url}#measure-{combined.pk}")
    return _page(request, process, status=400, combine_form=form)


def school_measure_edit(request, pk, measure_pk):
    """A school-plan measure's form, with its sources and its changes from them."""
    process, step = _merging(request, pk)
    measure = school_measure_get(process=process, measure_pk=measure_pk)
    categories = MeasureCategory.objects.order_by("order", "code")
    form = SchoolMeasureForm(request.POST or None, measure=measure, categories=categories)
    edit_conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # An edit conflict is a DomainError too: it is caught first and shown as a report.
        with shows_domain_error(form=form) as attempt:
            try:
                services.school_measure_update(
                    measure=measure,
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    cost_per_year=data["cost_per_year"],
                    annotation=data["annotation"],
                    first_year=data["first_year"],
                    last_year=data["last_year"],
                    structural=data["structural"],
                    version=data["version"],
                )
            except EditConflict as conflict:
                edit_conflict = edit_conflict_report(
                    conflict,
                    form=form,
                    initial_for=lambda stored: SchoolMeasureForm.initial_for(
                        stored, years=form.years
                    ),
                )
        if attempt.succeeded and edit_conflict is None:
            messages.success(request, _("The measure was saved."))
            url = reverse("schoolplans:merge", args=[process.pk])
            return redirect(f"{url}#measure-{measure.pk}")
    context = {
        "process": process,
        "step": step,
        "measure": measure,
        "form": form,
        "step_open": step.state == ProcessStep.State.OPEN,
        "edit_conflict": edit_conflict,
    }
    status = (409 if edit_conflict else 400) if request.method == "POST" else 200
    return render(request, "schoolplans/merge/measure_form.html", context, status=status)


@require_POST
def school_plan_mark_final(request, pk):
    process, step = _merging(request, pk)
    with shows_domain_error(request=request) as attempt:
        version = services.school_plan_mark_final(
            school_plan=_school_plan(process), actor=request.user
        )
    if attempt.succeeded:
        step.refresh_from_db()
        if step.state == ProcessStep.State.DONE:
            text = _("Version %(number)s is final; step 9 is done.")
        else:
            text = _(
                "Version %(number)s is final and signed off for your side; step 9 is done "
                "once the other side signs off too."
            )
        messages.success(request, text % {"number": version.number})
    return redirect("schoolplans:merge", pk=process.pk)
