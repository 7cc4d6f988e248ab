"""Decisions of step 8: the coordinator submits a plan, the director or the PMR return it,
and the two jointly close the step after the deadline.

Each locks the process, step 8 and the plan in that order, checks permission and state, and
is recorded as a decision. The submission of the last unit completes step 8; a return after
that reopens it. Exported by ``plans.services.unit_plans``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep, SignOff
from processes.services import (
    decision_record,
    in_school_language,
    process_lock,
    require_perm,
    sign_off_sides_for,
    step_complete_by_system,
    step_reopen_by_system,
)
from werkdruk.exceptions import DomainError
from werkdruk.money import lazy_euro

from ..models import UnitPlan
from ..predicates import PLANS_STEP as STEP
from ..selectors.unit_plan_state import (
    edit_refusal,
    locked_plan,
    plan_verdicts,
    plans_deadline,
    submit_refusals,
    units_without_submitted_plan,
)
from .unit_plan_notices import plan_return_notices_send

SUBMIT = "plans.submit_unit_plan"
RETURN = "plans.return_unit_plan"
CLOSE = "plans.close_unit_plans"
State = UnitPlan.State
StepState = ProcessStep.State


def _locked_step(process) -> ProcessStep:
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    step.process = process
    return step


def _lock_for_decision(plan) -> tuple[UnitPlan, ProcessStep]:
    """Process, step 8 and plan locked, in that order (as every decision of step 8 does)."""
    process = process_lock(plan.process_id)
    step = _locked_step(process)
    plan = locked_plan(plan)
    plan.process = process
    return plan, step


def _plan_content(plan, measures, verdicts) -> dict:
    """What was submitted, JSON-ready: the plan, its measures, costs and verdicts."""
    acknowledged = {
        (str(a.rule_id), str(a.measure_id) if a.measure_id else None): a.reason
        for a in plan.acknowledgements.all()
    }
    return {
        "unit": plan.unit_id,
        "unit_name": plan.unit.name,
        "revision": plan.revision,
        "budget": None if plan.unit.amount is None else str(plan.unit.amount),
        "total": str(sum((m.total_cost for m in measures), Decimal("0.00"))),
        "causes": sorted(plan.causes.values_list("code", flat=True)),
        "measures": [
            {
                "measure": m.pk,
                "title": m.title,
                "category": m.category.code,
                "cost_type": m.cost_type,
                "cost_per_year": m.cost_per_year,
                "total_cost": str(m.total_cost),
                "structural": m.structural,
                "changes_task_policy": m.changes_task_policy,
            }
            for m in measures
        ],
        "warnings": [
            {
                "rule": v.rule_key,
                "measure": v.measure_key,
                "message": v.message,
                "acknowledged": acknowledged.get((v.rule_key, v.measure_key)),
            }
            for v in verdicts
            if not v.ok
        ],
    }


@transaction.atomic
def plan_submit(*, plan, actor) -> UnitPlan:
    """The coordinator submits the plan: step 8 open, plan not submitted, at least one
    measure, no failing must-rule, and approved by the unit's vote if it decides by vote.

    Recorded as a decision with the plan's content; when every unit of the process has a
    submitted plan, step 8 is completed in this transaction."""
    plan, step = _lock_for_decision(plan)
    require_perm(actor, SUBMIT, plan)
    refusal = edit_refusal(plan, step)
    if refusal:
        raise DomainError(refusal)
    measures = list(plan.measures.select_related("category"))
    verdicts = plan_verdicts(plan, measures)
    refusals = submit_refusals(plan, step=step, measures=measures, verdicts=verdicts)
    if refusals:
        raise DomainError(_("The plan cannot be submitted yet."), details=refusals)
    with translation.override(settings.LANGUAGE_CODE):  # the record reads as one document
        content = _plan_content(plan, measures, plan_verdicts(plan, measures))
    again = plan.revision > 1
    plan.state = State.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.submitted_by = actor
    plan.save()
    decision_record(
        process=plan.process,
        step_number=STEP,
        action="plans.unit_plan.resubmitted" if again else "plans.unit_plan.submitted",
        summary=(
            gettext_noop("Plan of %(unit)s submitted again (version %(revision)s): %(total)s.")
            if again
            else gettext_noop("Plan of %(unit)s submitted: %(total)s.")
        ),
        params={
            "unit": plan.unit.name,
            "revision": plan.revision,
            "total": lazy_euro(Decimal(content["total"])),
        },
        actor=actor,
        content=content,
    )
    if step.state == StepState.OPEN and not units_without_submitted_plan(plan.process):
        step_complete_by_system(
            step=step,
            summary=gettext_noop("Step %(number)s completed: every unit has submitted its plan."),
            content={"last_unit": plan.unit.name},
            actor=actor,
        )
    return plan


@transaction.atomic
def plan_return(*, plan, actor, reason) -> UnitPlan:
    """The director or the PMR return a submitted plan for revision, with a reason.

    The plan's version goes up and an approval by the unit's vote no longer counts; recorded
    as a decision; if step 8 was done it is reopened. The unit's members with an account are
    e-mailed once the transaction is committed."""
    plan, step = _lock_for_decision(plan)
    require_perm(actor, RETURN, plan)
    if plan.state != State.SUBMITTED:
        raise DomainError(_("Only a submitted plan can be returned."))
    if step.state not in (StepState.OPEN, StepState.DONE):
        raise DomainError(
            _("Plans can only be returned once step %(number)s has opened.") % {"number": STEP}
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for returning the plan."))
    plan.state = State.RETURNED
    plan.revision += 1
    plan.returned_at = timezone.now()
    plan.return_reason = reason
    plan.submitted_at = plan.submitted_by = None
    plan.approval_vote = plan.approved_revision = None
    plan.save()
    decision_record(
        process=plan.process,
        step_number=STEP,
        action="plans.unit_plan.returned",
        summary=gettext_noop("Plan of %(unit)s returned for revision."),
        params={"unit": plan.unit.name},
        actor=actor,
        content={"unit": plan.unit_id, "unit_name": plan.unit.name, "revision": plan.revision},
        grounds=reason,
    )
    if step.state == StepState.DONE:
        step_reopen_by_system(
            step=step,
            grounds=in_school_language(
                gettext_noop("The plan of %(unit)s was returned for revision."),
                {"unit": plan.unit.name},
            ),
        )
    plan_return_notices_send(plan_id=plan.pk)  # into the outbox, in this transaction
    return plan


@transaction.atomic
def step8_close(*, process, actor, grounds="") -> ProcessStep:
    """The director and the PMR each confirm closing step 8 after the deadline; with both
    confirmations (for the step's revision) step 8 is done, recorded with the units that
    have no submitted plan."""
    process = process_lock(process)
    step = _locked_step(process)
    require_perm(actor, CLOSE, process)
    if step.state != StepState.OPEN:
        raise DomainError(
            _("Step %(number)s is not open (it is %(state)s).")
            % {"number": STEP, "state": step.get_state_display()}
        )
    deadline = plans_deadline(process)
    if deadline is None:
        raise DomainError(_("No deadline for the unit plans has been announced."))
    if deadline >= timezone.localdate():
        raise DomainError(
            _("Step %(number)s can be closed once the deadline (%(date)s) has passed.")
            % {"number": STEP, "date": date_format(deadline)}
        )
    signed = set(step.sign_offs.filter(revision=step.revision).values_list("side", flat=True))
    sides = sign_off_sides_for(actor, step)
    if not sides:
        raise PermissionDenied
    side = next((s for s in sides if s not in signed), None)
    if side is None:
        raise DomainError(
            _("You have already confirmed closing step %(number)s.") % {"number": STEP}
        )
    SignOff.objects.create(step=step, revision=step.revision, side=side, user=actor)
    missing = [{"unit": u.pk, "name": u.name} for u in units_without_submitted_plan(process)]
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.unit_plans.close_confirmed",
        summary={
            SignOff.Side.DIRECTOR: gettext_noop(
                "Closing step %(number)s after the deadline confirmed for the director."
            ),
            SignOff.Side.PMR: gettext_noop(
                "Closing step %(number)s after the deadline confirmed for the PMR."
            ),
        }[side],
        params={"number": STEP},
        actor=actor,
        content={"side": side, "revision": step.revision, "units_without_plan": missing},
        grounds=(grounds or "").strip(),
    )
    if signed | {side} == {SignOff.Side.DIRECTOR, SignOff.Side.PMR}:
        step_complete_by_system(
            step=step,
            summary=gettext_noop(
                "Step %(number)s closed by the director and the PMR after the deadline; "
                "units without a submitted plan: %(count)s (%(units)s)."
            ),
            params={
                "count": len(missing),
                "units": ", ".join(u["name"] for u in missing) or "-",
            },
            content={"closed_jointly": True, "units_without_plan": missing},
            actor=actor,
        )
    return step
