"""The PMR's separate decision on a measure that changes the task policy (taakbeleid).

The guide keeps the workload plan and a change of the task policy apart; under the Wms the
PMR consents to the task policy. So every measure of the school plan marked as changing it
needs the PMR's own consent, recorded per measure by a PMR member of the school: the date of
the PMR meeting (not in the future, not before the version was marked final), consent or
refusal, and the reasons for a refusal. Each decision is also a Decision of step 11.

A decision is given on the latest final version and bound to the measure's content there (see
``selectors.task_policy``): a changed measure in a new version needs a new decision. The PMR
may decide again on the same content at a later meeting (a refusal followed by consent, or the
other way round); the latest decision counts. Once the PMR has consented to the whole plan
(its sign-off of step 11) nothing is recorded until step 11 is reopened, and after the
ratification never.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.predicates import is_pmr_member
from processes.services import decision_record, process_lock
from werkdruk.exceptions import DomainError

from ..models import TaskPolicyConsent
from ..selectors.publication import latest_version
from ..selectors.task_policy import (
    STEP,
    Outcome,
    measure_hash,
    recording_refusal,
    task_policy_measures,
    task_policy_rows,
)
from .ratification import _check_meeting_date

REASONS_MAX = 10000


@transaction.atomic
def task_policy_decision_record(
    *, version, actor, measure_key, outcome, meeting_date, reasons=""
) -> TaskPolicyConsent:
    """Record the PMR's decision on the task-policy measure ``measure_key`` of ``version``
    (the latest final version), taken at its meeting of ``meeting_date``."""
    process = process_lock(version.school_plan.process_id)
    if not is_pmr_member(actor, process):
        raise PermissionDenied
    refusal = recording_refusal(process)
    if refusal:
        raise DomainError(refusal)
    latest = latest_version(process)
    if latest.pk != version.pk:
        raise DomainError(
            _("The PMR decides on the task policy in the latest final version of the plan.")
        )
    measure = next((m for m in task_policy_measures(latest) if m["key"] == str(measure_key)), None)
    if measure is None:
        raise DomainError(_("This measure of the plan does not change the task policy."))
    if outcome not in Outcome.values:
        raise DomainError(_("Choose consent or refusal."))
    _check_meeting_date(meeting_date, latest)
    reasons = (reasons or "").strip()
    if outcome == Outcome.REFUSAL and not reasons:
        raise DomainError(_("Give the PMR's reasons for refusing its consent."))
    if len(reasons) > REASONS_MAX:
        raise DomainError(_("The reasons have at most %(max)s characters.") % {"max": REASONS_MAX})
    current = next(row for row in task_policy_rows(latest) if row.key == measure["key"])
    if current.decision is not None and current.decision.outcome == outcome:
        raise DomainError(_("This decision of the PMR on the measure is already recorded."))
    decision = TaskPolicyConsent.objects.create(
        version=latest,
        measure_key=measure["key"],
        measure_title=measure["title"][:200],
        measure_hash=measure_hash(measure),
        outcome=outcome,
        meeting_date=meeting_date,
        reasons=reasons,
        recorded_by=actor,
    )
    consent = outcome == Outcome.CONSENT
    decision_record(
        process=process,
        step_number=STEP,
        action=f"schoolplans.task_policy.{'consented' if consent else 'refused'}",
        summary=(
            gettext_noop(
                "The PMR consented separately to the change of the task policy in the measure "
                "“%(title)s” (version %(number)s) at its meeting of %(date)s."
            )
            if consent
            else gettext_noop(
                "The PMR refused its consent to the change of the task policy in the measure "
                "“%(title)s” (version %(number)s) at its meeting of %(date)s."
            )
        ),
        params={"title": measure["title"], "number": latest.number, "date": meeting_date},
        actor=actor,
        content={
            "version": latest.number,
            "sha256": latest.content_hash,
            "measure": measure["key"],
            "title": measure["title"],
            "measure_sha256": decision.measure_hash,
            "outcome": outcome,
            "meeting_date": meeting_date.isoformat(),
        },
        grounds=reasons,
    )
    return decision
