"""Reads of step 9: who may merge and read the school plan, its page, why it cannot be marked
final yet, and step 9's blocker.

The page shows the school plan's content (``selectors.content``) through ``plan_display``,
which works on a frozen version's content just as well, and adds what only the working copy
has: the forms to change, combine and mark final, the versions.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from plans.models import FrameworkRule, Measure, UnitPlan
from plans.selectors.unit_plan_state import units_without_submitted_plan
from processes.agreement import content_hash
from processes.models import ProcessStep
from processes.selectors import current_sign_offs
from processes.services import may_complete_step, step_needs_sign_off
from units.models import OrganisationalUnit

from ..models import MeasureSource, SchoolPlan, SchoolPlanMeasure, SchoolPlanVersion
from .content import content_of, load, plan_display, school_plan_content

STEP = 9
VIEW_PROCESS = "processes.view_process"
MANAGE = "processes.manage_process"
COMPLETE = "processes.complete_step"


# --- who may ----------------------------------------------------------------------------


def merge_step(process) -> ProcessStep:
    """Step 9 of ``process`` (from its prefetched steps when loaded), knowing its process."""
    step = next((s for s in process.steps.all() if s.number == STEP), None)
    step.process = process
    return step


def may_merge(user, step) -> bool:
    """Whether ``user`` carries out step 9: the actor the director and the PMR agreed on, or
    either of them when they do it jointly (or record for an external facilitator)."""
    if not user.is_authenticated or not step.agreed_actor:
        return False
    if step_needs_sign_off(step):
        return user.has_perm(MANAGE, step)
    return user.has_perm(COMPLETE, step) and may_complete_step(user, step)


def may_view_school_plan(user, process, step) -> bool:
    """The director, the PMR and whoever merges always; everyone of the school (staff, the
    steering group, the board) once step 9 is done."""
    if user.has_perm(MANAGE, process) or may_merge(user, step):
        return True
    return step.state == ProcessStep.State.DONE and user.has_perm(VIEW_PROCESS, process)


def submitted_plans(process) -> list[UnitPlan]:
    """The submitted unit plans of ``process`` with their unit, in unit name order."""
    return list(
        UnitPlan.objects.filter(process=process, state=UnitPlan.State.SUBMITTED)
        .select_related("unit")
        .order_by("unit__name", "pk")
    )


# --- marking final ------------------------------------------------------------------------


def final_refusals(content) -> list[str]:
    """Why ``content`` cannot be marked final: no measures, or a failing must-framework."""
    if not content["measures"]:
        return [_("The school plan has no measures.")]
    verdicts = [v for group in content["verdicts"]["units"] for v in group["verdicts"]]
    verdicts += content["verdicts"]["school"]
    return list(
        dict.fromkeys(v["message"] for v in verdicts if not v["ok"] and v["severity"] == "must")
    )


def step9_final_version_blocker(step) -> list[str]:
    """Step 9 is finished only with a final version equal to the school plan as it stands."""
    school_plan = SchoolPlan.objects.filter(process_id=step.process_id).first()
    if school_plan is None:
        return [_("Create the school plan from the unit plans and mark a version final.")]
    latest = latest_version(school_plan)
    current = content_hash(school_plan_content(school_plan))
    if latest is None or latest.content_hash != current:
        return [_("Mark a version of the school plan final.")]
    return []


def latest_version(school_plan) -> SchoolPlanVersion | None:
    """The latest final version of ``school_plan`` (None before the first)."""
    return school_plan.versions.order_by("-number").first()


# --- the page ---------------------------------------------------------------------------


@dataclass
class MergePage:
    """Step 9's page: the school plan as it stands and what ``user`` may do with it."""

    process: object
    step: ProcessStep
    school_plan: SchoolPlan | None
    content: dict | None
    plan: dict | None  # the content with labels (``content.plan_display``)
    verdict_groups: list  # every verdict: the whole plan first, then per unit
    submitted: list  # submitted unit plans
    missing: list  # units without a submitted plan
    untraced: int  # measures of submitted plans not yet in the school plan
    versions: list
    refusals: list  # why it cannot be marked final now
    current_version: SchoolPlanVersion | None  # the latest version, if it equals the plan
    can_merge: bool  # step 9 open and ``user`` carries it out
    signed: dict  # sign-offs of a joint step 9, by side

    @property
    def can_mark_final(self) -> bool:
        return self.can_merge and self.school_plan is not None and not self.refusals

    @property
    def measure_choices(self) -> list[tuple[int, str]]:
        return [
            (int(m["key"]), f"{m['title']} ({m['units_label']})") for m in self.plan["measures"]
        ]


def _rule_rows(verdicts, severities, titles) -> list[dict]:
    """The verdicts of one group per rule: its verdict on the plan, or the measures failing it
    and how many measures it checked."""
    rows: dict[str, dict] = {}
    for verdict in verdicts:
        row = rows.setdefault(
            verdict["rule"],
            {
                "rule_text": verdict["rule_text"],
                "severity": verdict["severity"],
                "severity_label": severities.get(verdict["severity"], verdict["severity"]),
                "on_plan": [],
                "failing": [],
                "checked": 0,
            },
        )
        if verdict["measure"] is None:
            row["on_plan"].append(verdict)
        else:
            row["checked"] += 1
            if not verdict["ok"]:
                row["failing"].append({**verdict, "measure_title": titles.get(verdict["measure"])})
    for row in rows.values():
        row["ok"] = not row["failing"] and all(v["ok"] for v in row["on_plan"])
    return list(rows.values())


def _verdict_groups(content) -> list[dict]:
    """Every verdict, grouped: the whole plan first, then each unit; within a group per rule."""
    severities = dict(FrameworkRule.Severity.choices)
    titles = {measure["key"]: measure["title"] for measure in content["measures"]}
    groups = [{"name": _("The whole school plan"), "verdicts": content["verdicts"]["school"]}]
    groups += [{"name": g["name"], "verdicts": g["verdicts"]} for g in content["verdicts"]["units"]]
    result = []
    for group in groups:
        rules = _rule_rows(group["verdicts"], severities, titles)
        result.append(
            {
                "name": group["name"],
                "rules": rules,
                "failing": sum(1 for rule in rules if not rule["ok"]),
            }
        )
    return result


def _untraced(process, school_plan) -> int:
    measures = Measure.objects.filter(plan__process=process, plan__state=UnitPlan.State.SUBMITTED)
    if school_plan is not None:
        traced = MeasureSource.objects.filter(
            school_measure__school_plan=school_plan, unit_measure__isnull=False
        ).values("unit_measure_id")
        measures = measures.exclude(pk__in=traced)
    return measures.count()


def _plan_states(units) -> tuple[list[UnitPlan], list[OrganisationalUnit]]:
    """``submitted_plans`` and ``units_without_submitted_plan`` from the units ``load`` read
    (in name order, each with its plan or None): no queries of their own."""
    submitted, missing = [], []
    for unit in units:
        plan = unit.plan_or_none
        if plan is not None and plan.state == UnitPlan.State.SUBMITTED:
            submitted.append(plan)
        else:
            missing.append(unit)
    return submitted, missing


def school_plan_page(*, user, process) -> MergePage:
    """The school plan of ``process`` for step 9's page; 403 unless ``user`` may read it
    (``may_view_school_plan``). A fixed number of queries, however many measures."""
    step = merge_step(process)
    if not may_view_school_plan(user, process, step):
        raise PermissionDenied
    school_plan = SchoolPlan.objects.filter(process=process).first()
    content = plan = None
    versions, refusals, current = [], [], None
    submitted = missing = None
    if school_plan is not None:
        loaded = load(school_plan, process=process)
        with translation.override(settings.LANGUAGE_CODE):
            content = content_of(loaded)
        submitted, missing = _plan_states(loaded.units)
        plan = plan_display(content)
        versions = list(  # the page shows their number, date, author and fingerprint only
            school_plan.versions.select_related("created_by").defer("content").order_by("-number")
        )
        refusals = final_refusals(content)
        digest = content_hash(content)
        current = next((v for v in versions[:1] if v.content_hash == digest), None)
    return MergePage(
        process=process,
        step=step,
        school_plan=school_plan,
        content=content,
        plan=plan,
        verdict_groups=_verdict_groups(content) if content else [],
        submitted=submitted_plans(process) if submitted is None else submitted,
        missing=units_without_submitted_plan(process) if missing is None else missing,
        untraced=_untraced(process, school_plan),
        versions=versions,
        refusals=refusals,
        current_version=current,
        can_merge=step.state == ProcessStep.State.OPEN and may_merge(user, step),
        signed=current_sign_offs(step) if step_needs_sign_off(step) else {},
    )


def school_measure_get(*, process, measure_pk) -> SchoolPlanMeasure:
    """A measure of ``process``'s school plan with its sources; 404 for any other."""
    measure = (
        SchoolPlanMeasure.objects.filter(pk=measure_pk, school_plan__process=process)
        .select_related("category", "unit", "school_plan")
        .prefetch_related("source_links")
        .first()
    )
    if measure is None:
        raise Http404
    measure.school_plan.process = process
    measure.traced = list(measure.source_links.all())
    return measure
