"""Pages of steps 10 and 11 and the decision list: the published school plan (page and PDF)
with its comments, the evaluation agreement, the ratification, and the decision list (page and
PDF). Each resolves the process for the user (404 for another school), checks permission,
validates a form, calls one service and redirects with a message."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from processes.selectors import process_get_for_user, process_step
from werkdruk.edit_conflicts import EditConflict, edit_conflict_report
from werkdruk.exceptions import DomainError
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf
from werkdruk.submissions import idempotent_post

from . import evaluation, publication, ratification
from . import selectors_ratification as selectors
from .forms_ratification import CommentForm, EvaluationForm, PmrDecisionForm, PublishForm
from .models import EvaluationAgreement, PmrDecision

FILE_SCHOOL_PLAN = pgettext_lazy("file name", "school plan")
FILE_DECISION_LIST = pgettext_lazy("file name", "decision list")


def _form_errors(form, error):
    form.add_error(None, error.message)
    for detail in error.details:
        form.add_error(None, detail)


# --- step 10: the published plan ---------------------------------------------------------


def _publication_render(request, process, *, publish_form=None, comment_form=None, status=200):
    page = selectors.publication_page(user=request.user, process=process)
    context = {
        "process": process,
        "page": page,
        "step": page.step,
        "version": page.version,
        "content": page.version.content if page.version else None,
        "plan": selectors.plan_display(page.version.content) if page.version else None,
        "publish_form": publish_form or (PublishForm() if page.can_publish else None),
        "comment_form": comment_form or (CommentForm() if page.can_comment else None),
    }
    return render(request, "schoolplans/publication/detail.html", context, status=status)


def publication_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    return _publication_render(request, process)


@require_POST
@idempotent_post
def publication_publish(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    if not publication.may_publish(request.user, process_step(process, publication.STEP)):
        raise PermissionDenied
    version = publication.latest_version(process)
    if version is None:
        raise Http404
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            publication.plan_publish(
                version=version,
                actor=request.user,
                comments_until=form.cleaned_data["comments_until"],
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Version %(number)s of the school plan is published; the staff are told "
                    "by e-mail."
                )
                % {"number": version.number},
            )
            return redirect("schoolplans:publication", pk=process.pk)
    return _publication_render(request, process, publish_form=form, status=400)


@require_POST
@idempotent_post
def publication_comment(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    if not publication.may_comment(request.user, process):
        raise PermissionDenied
    page = selectors.publication_page(user=request.user, process=process)
    if page.version is None or page.version.publication_row is None:
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            publication.publication_comment_add(
                publication=page.version.publication_row,
                actor=request.user,
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect("schoolplans:publication", pk=process.pk)
    return _publication_render(request, process, comment_form=form, status=400)


def school_plan_pdf(request, pk, number):
    process = process_get_for_user(user=request.user, pk=pk)
    version = selectors.version_get_for_user(user=request.user, process=process, number=number)
    # The document reads the same for everyone: in the school's language.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "process": process,
            "version": version,
            "content": version.content,
            "plan": selectors.plan_display(version.content),
        }
        pdf = render_pdf("schoolplans/pdf/school_plan.html", context)
    name = download_name(
        FILE_SCHOOL_PLAN, process.school.brin, process.school_year, f"v{number}", ext="pdf"
    )
    return pdf_response(pdf, name)


# --- step 11: evaluation agreement and ratification ------------------------------------


def evaluation_detail(request, pk):
    """The evaluation agreement; the director and the PMR record or change it here."""
    process = process_get_for_user(user=request.user, pk=pk)
    step = process_step(process, ratification.STEP)
    agreement = EvaluationAgreement.objects.filter(process=process).first()
    may_edit = evaluation.may_edit_evaluation(request.user, process)
    refusal = evaluation.evaluation_refusal(step) if may_edit else None
    form = None
    status = 200
    edit_conflict = None
    if may_edit and refusal is None:
        form = EvaluationForm(request.POST or None, initial=EvaluationForm.initial_for(agreement))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                evaluation.evaluation_agreement_save(
                    process=process, actor=request.user, **form.cleaned_data
                )
            except EditConflict as conflict:
                edit_conflict = edit_conflict_report(
                    conflict, form=form, initial_for=EvaluationForm.initial_for
                )
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The evaluation agreement has been saved."))
                return redirect("schoolplans:ratification", pk=process.pk)
        status = 409 if edit_conflict else 400
    context = {
        "process": process,
        "step": step,
        "agreement": agreement,
        "form": form,
        "refusal": refusal,
        "edit_conflict": edit_conflict,
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
        "content": page.version.content if page.version else None,
        "plan": selectors.plan_display(page.version.content) if page.version else None,
        "decision_form": decision_form if page.can_decide else None,
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
        try:
            decision = ratification.pmr_decision_record(
                version=page.version,
                actor=request.user,
                outcome=data["outcome"],
                meeting_date=data["meeting_date"],
                reasons=data["reasons"],
                units_to_revise=data["units_to_revise"],
            )
        except DomainError as error:
            _form_errors(form, error)
        else:
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
    try:
        step = ratification.ratification_director_sign(process=process, actor=request.user)
    except DomainError as error:
        messages.error(request, " ".join([error.message, *error.details]))
    else:
        if step.state == step.State.DONE:
            messages.success(request, _("The school plan is ratified."))
        else:
            messages.success(request, _("Your signature is recorded."))
    return redirect("schoolplans:ratification", pk=process.pk)


# --- the decision list ------------------------------------------------------------------


def decision_list_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.decision_list_page(process=process)
    return render(
        request,
        "schoolplans/decisions/detail.html",
        {"process": process, "entries": page.entries, "record": page.record},
    )


def decision_list_pdf(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.decision_list_page(process=process)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf(
            "schoolplans/pdf/decision_list.html",
            {"process": process, "entries": page.entries, "record": page.record},
        )
    name = download_name(FILE_DECISION_LIST, process.school.brin, process.school_year, ext="pdf")
    return pdf_response(pdf, name)
