"""Permissions of the school plan (django-rules, discovered through AutodiscoverRulesConfig)."""

import rules

from .selectors.merge import may_view_school_plan, merge_step

VIEW_SCHOOL_PLAN = "schoolplans.view_school_plan"


@rules.predicate
def may_read_school_plan(user, process) -> bool:
    """Step 9's page on a Process: see ``selectors.merge.may_view_school_plan``."""
    return may_view_school_plan(user, process, merge_step(process))


rules.add_perm(VIEW_SCHOOL_PLAN, may_read_school_plan)
