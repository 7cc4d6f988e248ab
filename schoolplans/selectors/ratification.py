"""Reads of step 11: the evaluation agreement (who may change it, and why not now), the PMR's
decisions, step 11's blockers and the ratification page."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from plans.models import UnitPlan
from processes.models import Decision, ProcessStep, SignOff
from processes.predicates import is_director, is_pmr_member
from processes.selectors import current_sign_offs, process_step
from processes.services import sign_off_sides_for
from units.models import OrganisationalUnit

from ..models import EvaluationAgreement, PmrDecision, RatificationRecord, SchoolPlanVersion
from .decision_list import ratification_record_for
from .publication import final_versions, latest_version, publication_of
from .task_policy import step11_task_policy_blockers

STEP = 11
Outcome = PmrDecision.Outcome


# --- the evaluation agreement -------------------------------------------------------------


def may_edit_evaluation(user, process) -> bool:
    return is_director(user, process) or is_pmr_member(user, process)


def evaluation_refusal(step) -> str | None:
    """Why the evaluation agreement cannot be changed now (``step`` is step 11), or None."""
    if step.state == ProcessStep.State.DONE:
        return _("The plan has been ratified: the evaluation agreement can no longer be changed.")
    if pmr_has_signed(step):
        return _(
            "The PMR has consented to the plan with this evaluation agreement. Reopen step "
            "%(number)s first to change it; the PMR then records its decision again."
        ) % {"number": STEP}
    return None


# --- the PMR's decision and step 11's blockers ---------------------------------------


def pmr_has_signed(step) -> bool:
    return step.sign_offs.filter(revision=step.revision, side=SignOff.Side.PMR).exists()


def latest_pmr_decision(version) -> PmrDecision | None:
    return version.pmr_decisions.order_by("-recorded_at", "-pk").first()


def step11_blockers(step) -> list[str]:
    """Step 11 is signed off only with an evaluation agreement, a published version and the
    PMR's consent on that version, recorded since the step (re)opened."""
    reasons = []
    if not EvaluationAgreement.objects.filter(process_id=step.process_id).exists():
        reasons.append(
            _(
                "Record the evaluation agreement: what is measured, the indicators, when, by "
                "whom and how the results are shared."
            )
        )
    version = latest_version(step.process_id)
    if version is None or publication_of(version) is None:
        reasons.append(_("Publish the final version of the school plan first (step 10)."))
    elif not _consent_counts(step, latest_pmr_decision(version)):
        reasons.append(_("The PMR has not yet recorded its consent to the published version."))
    reasons.extend(step11_task_policy_blockers(step))
    return reasons


def _consent_counts(step, decision) -> bool:
    """A consent counts for the step as it is now: recorded after step 11 last opened or was
    reopened, so a sign-off on the step page cannot stand in for the PMR's recorded decision."""
    if decision is None or decision.outcome != Outcome.CONSENT:
        return False
    reopened = (
        Decision.objects.filter(
            process_id=step.process_id, step_number=STEP, action="processes.step.reopened"
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    since = [moment for moment in (step.opened_at, reopened) if moment is not None]
    return not since or decision.recorded_at >= max(since)


# --- the page ---------------------------------------------------------------------------


@dataclass
class RatificationPage:
    step: ProcessStep
    version: SchoolPlanVersion | None  # the published version the PMR decides on
    versions: list[SchoolPlanVersion]
    evaluation: EvaluationAgreement | None
    signed: dict
    blockers: list[str]
    record: RatificationRecord | None
    units: list[OrganisationalUnit]  # the submitted plans' units, when ``can_decide``
    decisions: list[PmrDecision]  # on every version, oldest first
    can_decide: bool = False
    can_sign: bool = False
    can_edit_evaluation: bool = False


def ratification_page(*, user, process) -> RatificationPage:
    step = process_step(process, STEP)
    versions = final_versions(process)
    published = [v for v in versions if v.publication_row is not None]
    version = published[0] if published else None
    # Decided on only while it is the latest final version (not after a refusal).
    current = version is not None and version is versions[0]
    signed = current_sign_offs(step)
    sides = sign_off_sides_for(user, step)
    is_open = step.state == ProcessStep.State.OPEN
    can_decide = is_open and current and "pmr" in sides and "pmr" not in signed
    return RatificationPage(
        step=step,
        version=version,
        versions=published,
        evaluation=EvaluationAgreement.objects.filter(process=process).first(),
        signed=signed,
        blockers=step11_blockers(step) if is_open else [],
        record=ratification_record_for(process, frozen=False),
        decisions=[d for v in reversed(versions) for d in v.decisions],
        # The choices of the PMR's decision form: read only for whoever may decide.
        units=list(
            OrganisationalUnit.objects.filter(
                process=process, plan__state=UnitPlan.State.SUBMITTED
            ).order_by("name", "pk")
        )
        if can_decide
        else [],
        can_decide=can_decide,
        can_sign=is_open and "director" in sides and "director" not in signed,
        can_edit_evaluation=may_edit_evaluation(user, process) and evaluation_refusal(step) is None,
    )
