"""Permission predicates of the unit plans (step 8), on a ``UnitPlan``.

Membership is read from ``units.predicates.member_unit_ids`` (cached per user and process) and
the step's state from ``plan.process.steps`` (prefetched by the selectors), so pages that check
every unit's plan stay at a constant query count.
"""

import rules

from processes.models import ProcessStep
from units.predicates import has_no_coordinator, is_unit_coordinator, member_unit_ids

PLANS_STEP = 8


def plans_step(process) -> ProcessStep | None:
    """Step 8 of ``process``, from the prefetched steps when they are loaded."""
    return next((step for step in process.steps.all() if step.number == PLANS_STEP), None)


@rules.predicate
def is_plan_member(user, plan) -> bool:
    """An active staff member of the plan's unit, linked to this user account."""
    if plan is None or not user.is_authenticated:
        return False
    return plan.unit_id in member_unit_ids(user, plan.process_id)


@rules.predicate
def is_plan_coordinator(user, plan) -> bool:
    """The coordinator of the plan's unit (``units.predicates.is_unit_coordinator``)."""
    return plan is not None and is_unit_coordinator(user, plan.unit)


@rules.predicate
def plan_unit_has_no_coordinator(user, plan) -> bool:
    """The plan's unit has no coordinator (``units.predicates.has_no_coordinator``)."""
    return plan is not None and has_no_coordinator(user, plan.unit)


@rules.predicate
def is_plan_submitted(user, plan) -> bool:
    return plan is not None and plan.state == plan.State.SUBMITTED


@rules.predicate
def is_plans_step_done(user, plan) -> bool:
    """Step 8 is done: every plan that was handed in is public within the school."""
    if plan is None:
        return False
    step = plans_step(plan.process)
    return step is not None and step.state == ProcessStep.State.DONE
