"""What a unit plan may do now, for the services and the pages alike: the framework
verdicts on it, why it cannot be changed or submitted, the deadline, the units still missing.

Pure on loaded objects where the pages need it: pass prefetched measures, rules and steps and
nothing is queried. Exported by ``plans.services.unit_plans``.
"""

import datetime

from django.db.models import Max
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from units.models import OrganisationalUnit, WorkingMethod
from werkdruk.exceptions import DomainError

from ..checks import PlanFacts, Verdict, run_checks
from ..models import UnitAnnouncement, UnitPlan
from ..predicates import PLANS_STEP as STEP
from ..predicates import plans_step
from ..services.measure_costs import measure_facts, rule_facts
from ..services.unit_plan_votes import plan_vote_open
from .frameworks import framework_rule_list

State = UnitPlan.State
StepState = ProcessStep.State


def edit_refusal(plan, step=None, *, vote_open=None) -> str | None:
    """Why ``plan`` cannot be changed now (step 8 not open, plan submitted, the unit voting
    on it), or None. Pass step 8 and whether a vote is open to run without queries."""
    step = step or plans_step(plan.process)
    if step is None or step.state != StepState.OPEN:
        return _("Plans can only be changed while step %(number)s is open.") % {"number": STEP}
    if plan.state == State.SUBMITTED:
        return _("The plan has been submitted: it can be changed again once it is returned.")
    if plan_vote_open(plan) if vote_open is None else vote_open:
        return _("The unit is voting on this plan: it can be changed once the vote is closed.")
    return None


def plan_verdicts(plan, measures=None, rules=None) -> list[Verdict]:
    """Every framework verdict on ``plan``: the machine-checked rules of its process (in their
    order) on its measures. Pass prefetched ``measures`` (with their categories) and ``rules``
    (FrameworkRules with their categories, or RuleFacts) to run without queries."""
    if measures is None:
        measures = plan.measures.select_related("category")
    if rules is None:
        rules = framework_rule_list(process=plan.process_id)
    facts = PlanFacts(
        unit_budget=plan.unit.amount, measures=tuple(measure_facts(m) for m in measures)
    )
    return run_checks([rule_facts(rule) for rule in rules], facts)


def submit_refusals(plan, *, step=None, measures=None, verdicts=None) -> list[str]:
    """Why ``plan`` cannot be submitted now (empty when it can): the step and the plan's
    state, no measures, a failing must-rule, a missing approval by the unit's vote."""
    refusal = edit_refusal(plan, step)
    if refusal:
        return [refusal]
    measures = list(plan.measures.select_related("category") if measures is None else measures)
    reasons = []
    if not measures:
        reasons.append(_("Add at least one measure."))
    if verdicts is None:
        verdicts = plan_verdicts(plan, measures)
    reasons += [v.message for v in verdicts if v.blocks_submission]
    if decides_by_vote(plan) and not (
        plan.approval_vote_id and plan.approved_revision == plan.revision
    ):
        reasons.append(
            _("The unit decides by a vote: its members must first approve this version.")
        )
    return reasons


def plans_deadline(process) -> datetime.date | None:
    """The deadline for the plans: the latest deadline announced to a unit (step 6)."""
    pk = getattr(process, "pk", process)
    return UnitAnnouncement.objects.filter(process_id=pk, current=True).aggregate(
        deadline=Max("deadline")
    )["deadline"]


def decides_by_vote(plan) -> bool:
    """Whether the plan's unit decides by a vote in the application (its working method)."""
    try:
        method = plan.unit.working_method
    except WorkingMethod.DoesNotExist:
        return False
    return method.decision_mode == WorkingMethod.DecisionMode.VOTE


def locked_plan(plan) -> UnitPlan:
    """``plan`` read again and locked (only its own row: the process is locked on its own)."""
    locked = (
        UnitPlan.objects.select_for_update(of=("self",))
        .select_related("process__school", "process__school_year", "unit")
        .filter(pk=plan.pk)
        .first()
    )
    if locked is None:
        raise DomainError(_("This plan no longer exists."))
    return locked


def units_without_submitted_plan(process) -> list[OrganisationalUnit]:
    """The units of ``process`` without a submitted plan, in name order."""
    return list(
        OrganisationalUnit.objects.filter(process=process)
        .exclude(plan__state=State.SUBMITTED)
        .order_by("name", "pk")
    )
