"""Permissions of the school plan (django-rules, discovered through AutodiscoverRulesConfig)."""

import rules

from .selectors.merge import may_view_school_plan, merge_step

VIEW_SCHOOL_PLAN = "schoolplans.view_school_plan"


@rules.predicate
def may_read_school_plan(user, process) -> bool:
    """Step 9's page on a Process: see ``selectors.merge.may_view_school_plan``."""
    return may_view_school_plan(user, process, merge_step(process))


rules.add_perm(VIEW_SCHOOL_PLAN, may_read_school_plan)


VIEW_TASK_POLICY = "schoolplans.view_task_policy"


@rules.predicate
def may_read_task_policy_page(user, process) -> bool:
    """The task-policy consents of a process: the director, the PMR and the steering group."""
    from .selectors.task_policy import may_read_task_policy

    return may_read_task_policy(user, process)


rules.add_perm(VIEW_TASK_POLICY, may_read_task_policy_page)


EDIT_EVALUATION = "schoolplans.edit_evaluation"
VIEW_EVALUATION_MOMENT = "schoolplans.view_evaluation_moment"


@rules.predicate
def may_edit_evaluation_cycle(user, process) -> bool:
    """The evaluation moments and their outcomes of a Process: the director and the PMR."""
    from .selectors.evaluation import may_edit_evaluation_moments

    return may_edit_evaluation_moments(user, process)


@rules.predicate
def may_read_evaluation_moment(user, moment) -> bool:
    """An EvaluationMoment: see ``selectors.evaluation.may_read_moment``."""
    from .selectors.evaluation import may_read_moment

    return may_read_moment(user, moment)


rules.add_perm(EDIT_EVALUATION, may_edit_evaluation_cycle)
rules.add_perm(VIEW_EVALUATION_MOMENT, may_read_evaluation_moment)
