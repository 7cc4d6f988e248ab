"""Step 11's writes: the evaluation agreement, the PMR's decision on the published school plan
and the director's signature.

The PMR decides at one of its meetings. Consent is the PMR's sign-off of step 11; the director
signs after it. Both are needed, and neither is possible without the evaluation agreement, a
published version and the PMR's consent on that version (the step's blockers, which the
engine checks at every sign-off, also on the step page).

A refusal records the PMR's reasons and sends the plan back: to step 9 (the merge is reopened
with the reasons as grounds) or, for the units the PMR names, to step 8 (those units' plans are
returned, which reopens step 8). The refused version stays on record, with its publication.

Every measure that changes the task policy needs the PMR's separate consent first
(``services.task_policy``): without it the PMR's consent to the plan and the director's
signature are refused with the measures named, and step 11 shows it as a blocker.

When step 11 is done the completion hook records the ratification as a decision and freezes
the decision list in a ``RatificationRecord``.

The evaluation agreement says how the director and the PMR will evaluate the school plan (what
is measured, the indicators, when, by whom, how the results are shared, and the follow-up next
year). Either side records it and may change it until the PMR has consented to the plan. The
PMR's consent covers the plan with this agreement, so afterwards a change is refused until
step 11 is reopened (which withdraws the sign-offs; the PMR then records its decision again).
Once the plan is ratified the agreement no longer changes. Every save is recorded as a decision
of step 11 with the full text.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans.models import UnitPlan
from plans.services.unit_plan_decisions import plan_return
from processes.models import ProcessStep, SignOff
from processes.predicates import is_director, is_pmr_member
from processes.services import decision_record, process_lock, step_reopen, step_sign_off
from units.models import OrganisationalUnit
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError

from ..models import EvaluationAgreement, PmrDecision, RatificationRecord
from ..selectors.decision_list import decision_list_content, decision_list_hash
from ..selectors.publication import latest_version, publication_of
from ..selectors.ratification import (
    STEP,
    Outcome,
    evaluation_refusal,
    latest_pmr_decision,
    may_edit_evaluation,
    pmr_has_signed,
)
from ..selectors.task_policy import task_policy_refusal

MERGE_STEP = 9
EVALUATION_FIELDS = ("what", "indicators", "when", "responsible", "sharing", "follow_up")
EVALUATION_REQUIRED = ("what", "indicators", "when", "responsible", "sharing")
EVALUATION_TEXT_MAX = 5000


def _locked_step(process, number=STEP) -> ProcessStep:
    step = ProcessStep.objects.select_for_update().get(process=process, number=number)
    step.process = process
    return step


def _ensure_open(step):
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(
            _("Step %(number)s is not open (it is %(state)s).")
            % {"number": step.number, "state": step.get_state_display()}
        )


def _units_with_plans(process, units) -> list[UnitPlan]:
    """The submitted plans of ``units`` (objects or pks) of ``process``."""
    wanted = {getattr(unit, "pk", unit) for unit in units}
    found = list(OrganisationalUnit.objects.filter(process=process, pk__in=wanted))
    if len(found) != len(wanted):
        raise DomainError(_("Choose units of this process."))
    plans = {
        plan.unit_id: plan
        for plan in UnitPlan.objects.filter(unit__in=found, state=UnitPlan.State.SUBMITTED)
    }
    missing = sorted(unit.name for unit in found if unit.pk not in plans)
    if missing:
        raise DomainError(
            _("Only submitted plans can be sent back; not submitted: %(units)s.")
            % {"units": ", ".join(missing)}
        )
    return [plans[unit.pk] for unit in sorted(found, key=lambda u: (u.name, u.pk))]


def _check_meeting_date(meeting_date, version):
    if meeting_date is None:
        raise DomainError(_("Give the date of the PMR meeting."))
    if meeting_date > timezone.localdate():
        raise DomainError(_("The date of the PMR meeting cannot lie in the future."))
    final_on = timezone.localtime(version.created_at).date()
    if meeting_date < final_on:
        raise DomainError(
            _("The PMR cannot have decided before this version was marked final (%(date)s).")
            % {"date": formats.date_format(final_on)}
        )


@transaction.atomic
def pmr_decision_record(
    *, version, actor, outcome, meeting_date, reasons="", units_to_revise=()
) -> PmrDecision:
    """Record the PMR's decision on the published ``version``, taken at its meeting of
    ``meeting_date`` (a PMR member records it).

    Consent is the PMR's sign-off of step 11. A refusal needs the reasons; without units it
    reopens step 9 with the reasons as grounds, with units named it returns those units'
    plans (which reopens step 8). The version stays on record either way.
    """
    process = process_lock(version.school_plan.process_id)
    if not is_pmr_member(actor, process):
        raise PermissionDenied
    step = _locked_step(process)
    _ensure_open(step)
    latest = latest_version(process)
    if latest is None or latest.pk != version.pk or publication_of(latest) is None:
        raise DomainError(
            _(
                "The PMR can only decide on the latest version of the school plan, "
                "once it is published."
            )
        )
    if outcome not in Outcome.values:
        raise DomainError(_("Choose consent or refusal."))
    _check_meeting_date(meeting_date, latest)
    if pmr_has_signed(step):
        raise DomainError(_("The PMR has already consented to this version."))
    reasons = (reasons or "").strip()
    units = list(units_to_revise or ())
    if outcome == Outcome.CONSENT:
        _check_task_policy(latest)
        if units:
            raise DomainError(_("Units are sent back only with a refusal."))
        return _consent(step, latest, actor, meeting_date, reasons)
    if not reasons:
        raise DomainError(_("Give the PMR's reasons for refusing the plan."))
    return _refusal(step, latest, actor, meeting_date, reasons, _units_with_plans(process, units))


def _check_task_policy(version) -> None:
    """Refused while a measure of ``version`` that changes the task policy lacks the PMR's
    separate consent (see ``services.task_policy``), naming those measures."""
    refusal = task_policy_refusal(version)
    if refusal:
        raise DomainError(refusal)


def _decision_content(version, meeting_date, **extra) -> dict:
    return {
        "version": version.number,
        "sha256": version.content_hash,
        "meeting_date": meeting_date.isoformat(),
        **extra,
    }


def _consent(step, version, actor, meeting_date, reasons) -> PmrDecision:
    decision = PmrDecision.objects.create(
        version=version,
        outcome=Outcome.CONSENT,
        meeting_date=meeting_date,
        reasons=reasons,
        recorded_by=actor,
    )
    decision_record(
        process=step.process,
        step_number=STEP,
        action="schoolplans.pmr.consented",
        summary=gettext_noop(
            "The PMR consented to version %(number)s of the school plan at its meeting of %(date)s."
        ),
        params={"number": version.number, "date": meeting_date},
        actor=actor,
        content=_decision_content(version, meeting_date),
        grounds=reasons,
    )
    # The blockers (evaluation agreement, publication, consent) are checked here.
    step_sign_off(step=step, actor=actor, side=SignOff.Side.PMR)
    return decision


def _refusal(step, version, actor, meeting_date, reasons, plans) -> PmrDecision:
    decision = PmrDecision.objects.create(
        version=version,
        outcome=Outcome.REFUSAL,
        meeting_date=meeting_date,
        reasons=reasons,
        recorded_by=actor,
    )
    decision.units_to_revise.set([plan.unit for plan in plans])
    names = ", ".join(plan.unit.name for plan in plans)
    decision_record(
        process=step.process,
        step_number=STEP,
        action="schoolplans.pmr.refused",
        summary=(
            gettext_noop(
                "The PMR refused version %(number)s of the school plan at its meeting of "
                "%(date)s and sent the plans of %(units)s back to their units."
            )
            if plans
            else gettext_noop(
                "The PMR refused version %(number)s of the school plan at its meeting of "
                "%(date)s; the plans are merged again (step 9)."
            )
        ),
        params={"number": version.number, "date": meeting_date, "units": names},
        actor=actor,
        content=_decision_content(
            version,
            meeting_date,
            units=[{"unit": plan.unit_id, "name": plan.unit.name} for plan in plans],
        ),
        grounds=reasons,
    )
    if plans:
        for plan in plans:  # the first return reopens step 8, which relocks steps 9-11
            plan_return(plan=plan, actor=actor, reason=reasons)
    else:
        step_reopen(step=_locked_step(step.process, MERGE_STEP), actor=actor, grounds=reasons)
    return decision


@transaction.atomic
def ratification_director_sign(*, process, actor) -> ProcessStep:
    """The director's sign-off of step 11, after the PMR's consent; with both, the plan is
    ratified (the completion hook writes the ``RatificationRecord``)."""
    process = process_lock(process)
    if not is_director(actor, process):
        raise PermissionDenied
    step = _locked_step(process)
    _ensure_open(step)
    _check_task_policy(latest_version(process))
    step_sign_off(step=step, actor=actor, side=SignOff.Side.DIRECTOR)
    step.refresh_from_db()
    return step


# --- the step 11 completion hook --------------------------------------------------------


def ratification_record_write(step) -> RatificationRecord | None:
    """Completion hook of step 11: record the ratification and freeze the decision list.

    A version ratified before (step 11 reopened and signed again) keeps its first record.
    """
    process = step.process
    version = latest_version(process)
    if version is None or RatificationRecord.objects.filter(version=version).exists():
        return None
    last_signature = (
        SignOff.objects.filter(step_id=step.pk, revision=step.revision)
        .select_related("user")
        .order_by("-signed_at", "-pk")
        .first()
    )
    consent = latest_pmr_decision(version)
    now = timezone.now()
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.plan.ratified",
        summary=gettext_noop(
            "Version %(number)s of the school plan ratified by the director and the PMR."
        ),
        params={"number": version.number},
        actor=last_signature.user if last_signature else None,
        content={
            "version": version.number,
            "sha256": version.content_hash,
            "meeting_date": consent.meeting_date.isoformat() if consent else None,
            "ratified_at": now.isoformat(),
        },
    )
    entries = decision_list_content(process)
    return RatificationRecord.objects.create(
        version=version,
        ratified_at=now,
        decision_list=entries,
        decision_list_hash=decision_list_hash(entries),
    )


# --- the evaluation agreement ------------------------------------------------------------


def _evaluation_clean(values: dict) -> dict:
    cleaned = {name: (values.get(name) or "").strip() for name in EVALUATION_FIELDS}
    missing = [name for name in EVALUATION_REQUIRED if not cleaned[name]]
    if missing:
        labels = [str(EvaluationAgreement._meta.get_field(name).verbose_name) for name in missing]
        raise DomainError(
            _("Fill in every part of the evaluation agreement."),
            details=[_("Missing: %(field)s.") % {"field": label} for label in labels],
        )
    if any(len(text) > EVALUATION_TEXT_MAX for text in cleaned.values()):
        raise DomainError(
            _("Each part of the evaluation agreement has at most %(max)s characters.")
            % {"max": EVALUATION_TEXT_MAX}
        )
    return cleaned


@transaction.atomic
def evaluation_agreement_save(
    *,
    process,
    actor,
    what,
    indicators,
    when,
    responsible,
    sharing,
    follow_up="",
    version: int | None = None,
) -> EvaluationAgreement:
    """Record or change the evaluation agreement (the director or a PMR member), until the
    PMR has consented to the plan; recorded as a decision of step 11 with the full text.

    ``version`` is the agreement's version the input was based on (0: none recorded yet); when
    the other side saved in between, EditConflict is raised and nothing is written."""
    process = process_lock(process)
    if not may_edit_evaluation(actor, process):
        raise PermissionDenied
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    refusal = evaluation_refusal(step)
    if refusal:
        raise DomainError(refusal)
    values = _evaluation_clean(
        {
            "what": what,
            "indicators": indicators,
            "when": when,
            "responsible": responsible,
            "sharing": sharing,
            "follow_up": follow_up,
        }
    )
    agreement = EvaluationAgreement.objects.select_for_update().filter(process=process).first()
    if agreement is not None and all(getattr(agreement, k) == v for k, v in values.items()):
        return agreement  # nothing changed: nothing to record
    version_check(agreement, version)
    changed = agreement is not None
    if agreement is None:
        agreement = EvaluationAgreement(process=process, recorded_by=actor, version=0)
    for name, value in values.items():
        setattr(agreement, name, value)
    agreement.full_clean()
    version_next(agreement)
    agreement._history_user = actor
    agreement.save()
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.evaluation.changed" if changed else "schoolplans.evaluation.recorded",
        summary=(
            gettext_noop("Evaluation agreement changed.")
            if changed
            else gettext_noop("Evaluation agreement recorded.")
        ),
        actor=actor,
        content=values,
    )
    return agreement
