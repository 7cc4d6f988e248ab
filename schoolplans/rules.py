"""Permissions of the school plan (django-rules, discovered through AutodiscoverRulesConfig)."""

import rules

from processes.predicates import is_director, is_pmr_member, is_school_staff

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


# The meldpunt (issue 18 item 3): every active staff member of the school reports there and
# reads their own reports and the answered ones shared with colleagues; the director and the
# PMR read every report and answer it. Nobody else: not the board, not another school.
REPORT_CONCERN = "schoolplans.report_concern"
VIEW_MELDPUNT = "schoolplans.view_meldpunt"
ANSWER_CONCERN = "schoolplans.answer_concern"

rules.add_perm(REPORT_CONCERN, is_school_staff)
rules.add_perm(VIEW_MELDPUNT, is_school_staff | is_director | is_pmr_member)
rules.add_perm(ANSWER_CONCERN, is_director | is_pmr_member)
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
