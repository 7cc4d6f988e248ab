"""Pages of step 11: the evaluation agreement and the ratification (the PMR's decision, the
director's signature). Each resolves the process for the user (404 for another school), checks
permission, validates a form, calls one service and redirects with a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from processes.selectors import process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.edit_conflicts import EditConflict, edit_conflict_report
from werkdruk.submissions import idempotent_post

from ..forms.evaluation import MomentForm
from ..forms.ratification import EvaluationForm, PmrDecisionForm
from ..models import EvaluationAgreement, PmrDecision
from ..rules import EDIT_EVALUATION, VIEW_EVALUATION_MOMENT, VIEW_TASK_POLICY
from ..selectors import evaluation as evaluation_selectors
from ..selectors import ratification as selectors
from ..selectors.task_policy import plan_body_html
from ..services import ratification as services


def evaluation_detail(request, pk):
    """The evaluation agreement; the director and the PMR record or change it here."""
    process = process_get_for_user(user=request.user, pk=pk)
    step = process_step(process, selectors.STEP)
    agreement = EvaluationAgreement.objects.filter(process=process).first()
    may_edit = selectors.may_edit_evaluation(request.user, process)
    refusal = selectors.evaluation_refusal(step) if may_edit else None
    form = None
    status = 200
    edit_conflict = None
    if may_edit and refusal is None:
        form = EvaluationForm(request.POST or None, initial=EvaluationForm.initial_for(agreement))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            # An edit conflict is a DomainError too: it is caught first and shown as a report.
            with shows_domain_error(form=form) as attempt:
                try:
                    services.evaluation_agreement_save(
                        process=process, actor=request.user, **form.cleaned_data
                    )
                except EditConflict as conflict:
                    edit_conflict = edit_conflict_report(
                        conflict, form=form, initial_for=EvaluationForm.initial_for
                    )
            if attempt.succeeded and edit_conflict is None:
                messages.success(request, _("The evaluation agreement has been saved."))
                return redirect("schoolplans:ratification", pk=process.pk)
        status = 409 if edit_conflict else 400
    can_edit_moments = agreement is not None and request.user.has_perm(EDIT_EVALUATION, process)
    context = {
        "process": process,
        "step": step,
        "agreement": agreement,
        "form": form,
        "refusal": refusal,
        "edit_conflict": edit_conflict,
        "moments": [
            moment
            for moment in (evaluation_selectors.moments_of(process, agreement) if agreement else [])
            if request.user.has_perm(VIEW_EVALUATION_MOMENT, moment)
        ],
        "can_edit_moments": can_edit_moments,
        "moment_form": MomentForm() if can_edit_moments else None,
    }
    return render(request, "schoolplans/ratification/evaluation.html", context, status=status)


def _ratification_render(request, process, *, decision_form=None, status=200):
    page = selectors.ratification_page(user=request.user, process=process)
    if page.can_decide and decision_form is None:
        decision_form = PmrDecisionForm(units=page.units)
    context = {
        "process": process,
        "page": page,
        "step": page.step,
        "version": page.version,
        # The version's body, rendered once (its content never changes) and then cached.
        "plan_html": plan_body_html(page.version) if page.version else None,
        "decision_form": decision_form if page.can_decide else None,
        "can_read_task_policy": request.user.has_perm(VIEW_TASK_POLICY, process),
    }
    return render(request, "schoolplans/ratification/detail.html", context, status=status)


def ratification_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    return _ratification_render(request, process)


@require_POST
@idempotent_post
def ratification_pmr(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.ratification_page(user=request.user, process=process)
    if not page.can_decide:
        raise PermissionDenied
    form = PmrDecisionForm(request.POST, units=page.units)
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(form=form) as attempt:
            decision = services.pmr_decision_record(
                version=page.version,
                actor=request.user,
                outcome=data["outcome"],
                meeting_date=data["meeting_date"],
                reasons=data["reasons"],
                units_to_revise=data["units_to_revise"],
            )
        if attempt.succeeded:
            if decision.outcome == PmrDecision.Outcome.CONSENT:
                messages.success(
                    request, _("The PMR's consent is recorded; the director signs next.")
                )
            else:
                messages.success(
                    request, _("The PMR's refusal is recorded; the plan has been sent back.")
                )
            return redirect("schoolplans:ratification", pk=process.pk)
    return _ratification_render(request, process, decision_form=form, status=400)


@require_POST
def ratification_director(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.ratification_page(user=request.user, process=process)
    if not page.can_sign:
        raise PermissionDenied
    with shows_domain_error(request=request) as attempt:
        step = services.ratification_director_sign(process=process, actor=request.user)
    if attempt.succeeded:
        if step.state == step.State.DONE:
            messages.success(request, _("The school plan is ratified."))
        else:
            messages.success(request, _("Your signature is recorded."))
    return redirect("schoolplans:ratification", pk=process.pk)
