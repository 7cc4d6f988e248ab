"""The meldpunt's pages: the staff page (report, your reports with their answers, the answered
reports shared with colleagues) and the director's and the PMR's inbox (every report, open
first, each answered on record)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.concerns import ConcernAnswerForm, ConcernForm
from ..models import Concern
from ..rules import ANSWER_CONCERN, REPORT_CONCERN, VIEW_MELDPUNT
from ..selectors import concerns as selectors
from ..services import concerns as services


def _render_page(request, process, *, form=None, status=200):
    user = request.user
    may_report = user.has_perm(REPORT_CONCERN, process)
    may_answer = user.has_perm(ANSWER_CONCERN, process)
    if may_report and form is None:
        form = ConcernForm(measures=selectors.ratified_measures(process))
    context = {
        "process": process,
        "form": form if may_report else None,
        "own": selectors.own_concerns(process, user) if may_report else [],
        "shared": selectors.shared_concerns(process),
        "open_count": selectors.open_count(process) if may_answer else None,
    }
    return render(request, "schoolplans/concerns/page.html", context, status=status)


def meldpunt(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=VIEW_MELDPUNT)
    return _render_page(request, process)


@require_POST
def concern_report(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=REPORT_CONCERN)
    form = ConcernForm(request.POST, measures=selectors.ratified_measures(process))
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(form=form) as attempt:
            services.concern_report(
                process=process,
                actor=request.user,
                about=data["about"],
                measure_key=data["measure_key"],
                text=data["text"],
                give_name=data["give_name"],
                shared=data["shared"],
            )
        if attempt.succeeded:
            sent = _("Your report is sent to the director and the PMR. Their answer appears here.")
            messages.success(request, sent)
            return redirect("schoolplans:meldpunt", pk=process.pk)
    return _render_page(request, process, form=form, status=400)


def _render_inbox(request, process, *, form=None, form_pk=None, status=200):
    concerns = selectors.concern_list(process)
    for concern in concerns:
        concern.form = None
        if not concern.is_answered:
            concern.form = (
                form
                if form is not None and concern.pk == form_pk
                else ConcernAnswerForm(prefix=f"c{concern.pk}")
            )
    context = {"process": process, "concerns": concerns}
    return render(request, "schoolplans/concerns/inbox.html", context, status=status)


def meldpunt_inbox(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=ANSWER_CONCERN)
    return _render_inbox(request, process)


@require_POST
@idempotent_post
def concern_answer(request, pk, concern_pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=ANSWER_CONCERN)
    concern = get_object_or_404(Concern, pk=concern_pk, process=process)
    form = ConcernAnswerForm(request.POST, prefix=f"c{concern.pk}")
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            services.concern_answer(
                concern=concern, actor=request.user, answer=form.cleaned_data["answer"]
            )
        if attempt.succeeded:
            messages.success(request, _("The answer is recorded; the reporter can read it."))
            return redirect("schoolplans:meldpunt-inbox", pk=process.pk)
    return _render_inbox(request, process, form=form, form_pk=concern.pk, status=400)
