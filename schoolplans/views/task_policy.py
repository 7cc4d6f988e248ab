"""The page of the task policy kept apart: the school plan's measures that change the task
policy with the PMR's separate consent on each (the director, the PMR and the steering group
read it; a PMR member records the decisions)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.task_policy import TaskPolicyDecisionForm
from ..rules import VIEW_TASK_POLICY
from ..selectors import task_policy as selectors
from ..selectors.publication import latest_version
from ..services import task_policy as services


def _render(request, process, *, form=None, form_key=None, status=200):
    version = latest_version(process)
    rows = selectors.task_policy_rows(version)
    may_record = selectors.may_record_task_policy(request.user, process)
    refusal = selectors.recording_refusal(process) if may_record else None
    can_record = may_record and refusal is None
    for row in rows:
        row.form = None
        if can_record:
            row.form = (
                form
                if (form is not None and row.key == form_key)
                else (TaskPolicyDecisionForm(prefix=f"m{row.key}"))
            )
    context = {
        "process": process,
        "version": version,
        "rows": rows,
        "can_record": can_record,
        "refusal": refusal if may_record else None,
        "blocker": selectors.task_policy_refusal(version),
    }
    return render(request, "schoolplans/task_policy/detail.html", context, status=status)


def task_policy_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=VIEW_TASK_POLICY)
    return _render(request, process)


@require_POST
@idempotent_post
def task_policy_record(request, pk, key):
    process = process_get_for_user(user=request.user, pk=pk, perm=VIEW_TASK_POLICY)
    if not selectors.may_record_task_policy(request.user, process):
        raise PermissionDenied
    version = latest_version(process)
    form = TaskPolicyDecisionForm(request.POST, prefix=f"m{key}")
    if version is not None and form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(form=form) as attempt:
            decision = services.task_policy_decision_record(
                version=version,
                actor=request.user,
                measure_key=key,
                outcome=data["outcome"],
                meeting_date=data["meeting_date"],
                reasons=data["reasons"],
            )
        if attempt.succeeded:
            if decision.outcome == decision.Outcome.CONSENT:
                messages.success(request, _("The PMR's separate consent is recorded."))
            else:
                messages.success(request, _("The PMR's refusal is recorded."))
            return redirect("schoolplans:task-policy", pk=process.pk)
    elif version is None:
        form.add_error(None, _("The school plan has no final version yet (step 9)."))
    return _render(request, process, form=form, form_key=str(key), status=400)
