"""Permissions of the unit plans (step 8), on a ``UnitPlan`` (django-rules, discovered through
AutodiscoverRulesConfig).

These say who may act; whether the plan and step 8 allow it now (step open, plan not
submitted) is checked by ``plans.services.unit_plans`` (``edit_refusal``, ``submit_refusals``),
which explains a refusal instead of hiding it.
"""

import rules

from processes.predicates import (
    is_board_admin,
    is_director,
    is_pmr_member,
    is_process_manager,
    is_school_participant,
    is_steering_member,
)

from .predicates import (
    is_plan_coordinator,
    is_plan_member,
    is_plan_submitted,
    is_plans_step_done,
    plan_unit_has_no_coordinator,
)

# A unit's members see their plan in every state; the school sees it once it is handed in.
can_view_plan = is_plan_member | (is_school_participant & (is_plan_submitted | is_plans_step_done))

rules.add_perm("plans.view_unit_plan", can_view_plan)
rules.add_perm("plans.comment_unit_plan", can_view_plan)
# The unit's members draft the plan together; its coordinator hands it in, or any member when
# the unit has none (step 7 skipped in a light process, or the leader left the unit).
rules.add_perm("plans.edit_unit_plan", is_plan_member)
rules.add_perm(
    "plans.submit_unit_plan",
    is_plan_coordinator | (is_plan_member & plan_unit_has_no_coordinator),
)
# The director and the PMR return a plan for revision (on the plan) and see the overview of
# every unit's plan and jointly close step 8 (on the process).
rules.add_perm("plans.return_unit_plan", is_process_manager)
rules.add_perm("plans.view_unit_plan_overview", is_process_manager)
rules.add_perm("plans.close_unit_plans", is_process_manager)

# Step 6's overview of the announcements: whoever may carry out an agreed step (director, PMR,
# steering group) and the board's administrators, who read along.
rules.add_perm(
    "plans.view_announcements",
    is_director | is_pmr_member | is_steering_member | is_board_admin,
)

# The school's function costs (on a School): kept by the director and the board; on a Board:
# the board's administrators keep them for every school at once.
rules.add_perm("plans.change_function_costs", is_director | is_board_admin)
rules.add_perm("plans.change_board_function_costs", is_board_admin)

# The ideas round before the unit plans (on the process): the director or the PMR opens it;
# every active staff member of the school puts ideas forward and supports them; the school's
# role holders read along. A unit's members mark an idea as taken up in their plan (on the
# UnitPlan: plans.edit_unit_plan).
from processes.predicates import is_school_staff  # noqa: E402

rules.add_perm("plans.manage_ideas_round", is_process_manager)
rules.add_perm("plans.put_forward_idea", is_school_staff)
rules.add_perm(
    "plans.view_ideas",
    is_school_staff | is_director | is_pmr_member | is_steering_member,
)
