"""Step 9's service API: the school plan merged from the units' submitted plans.

Whoever carries out step 9 (``selectors_merge.may_merge``: the actor the director and the
PMR agreed on, or either of them when they do it jointly) creates the school plan while
step 9 is open: one school-plan measure per measure of every submitted unit plan, each with a
snapshot of the unit measure it came from (``MeasureSource``). The merging group may then
change a measure, combine measures and write an introduction (``schoolplans.merge_edit``);
every measure keeps its trace, and every difference from the units' own text or amounts is
listed as a change (``schoolplans.changes``). Marking the plan final freezes its content
(``school_plan_content``) as a numbered, immutable ``SchoolPlanVersion`` with its SHA-256 and
completes step 9 (or records that side's sign-off when the director and the PMR do step 9
jointly; a change after such a sign-off reopens the step first, so no sign-off covers content
its signer did not see).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans.models import Measure, UnitPlan
from processes.agreement import content_hash
from processes.models import ProcessStep
from processes.services import (
    decision_record,
    in_school_language,
    process_lock,
    sign_off_sides_for,
    step_complete,
    step_content_changed,
    step_needs_sign_off,
    step_sign_off,
)
from werkdruk.exceptions import DomainError

from .merge_content import final_refusals, latest_version, school_plan_content_build
from .models import MeasureSource, SchoolPlan, SchoolPlanMeasure, SchoolPlanVersion
from .selectors_merge import STEP, may_merge

# --- helpers ------------------------------------------------------------------------------


def _open_step_for(process, actor) -> ProcessStep:
    """Step 9 of the (locked) process, locked, open, and ``actor`` the one who carries it out."""
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    step.process = process
    if not step.agreed_actor:
        raise DomainError(_("First record who carries out step %(number)s.") % {"number": STEP})
    if not may_merge(actor, step):
        raise PermissionDenied
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(
            _("The school plan can only be changed while step %(number)s is open.")
            % {"number": STEP}
        )
    return step


def lock_for_change(school_plan, actor) -> tuple[SchoolPlan, ProcessStep]:
    """Process, step 9 and the school plan locked (in that order), for a change by ``actor``
    (here and in ``schoolplans.merge_edit``)."""
    process_id = SchoolPlan.objects.filter(pk=school_plan.pk).values_list("process_id", flat=True)
    if not process_id:
        raise DomainError(_("This school plan no longer exists."))
    process = process_lock(process_id[0])
    step = _open_step_for(process, actor)
    locked = SchoolPlan.objects.select_for_update().get(pk=school_plan.pk)
    locked.process = process
    return locked, step


def content_changing(step, actor, what, **params) -> None:
    """Before a change of a jointly done step 9: a sign-off given reopens it (recorded, naming
    ``what`` changed, a msgid with ``params``)."""
    if step_needs_sign_off(step):
        what = in_school_language(what, params)
        step_content_changed(process=step.process, number=STEP, actor=actor, what=what)


# --- create -------------------------------------------------------------------------------


def _traced_ids(school_plan) -> set[int]:
    return set(
        MeasureSource.objects.filter(
            school_measure__school_plan=school_plan, unit_measure__isnull=False
        ).values_list("unit_measure_id", flat=True)
    )


# Copied from the unit measure into the school-plan measure and into its snapshot alike.
SHARED = ("title", "description", "first_year", "last_year", "structural")
SHARED += ("cost_per_year", "total_cost")


def _take_over(school_plan, measure, order) -> SchoolPlanMeasure:
    unit, shared = measure.plan.unit, {name: getattr(measure, name) for name in SHARED}
    school_measure = SchoolPlanMeasure.objects.create(
        school_plan=school_plan,
        order=order,
        unit=unit,
        category=measure.category,
        benefit_share=measure.benefit_share,
        changes_task_policy=measure.changes_task_policy,
        **shared,
    )
    MeasureSource.objects.create(
        school_measure=school_measure,
        unit_measure=measure,
        unit=unit,
        unit_name=unit.name,
        plan_revision=measure.plan.revision,
        category_code=measure.category.code,
        **shared,
    )
    return school_measure


@transaction.atomic
def school_plan_create(*, process, actor) -> SchoolPlan:
    """Create the school plan from every submitted unit plan: one measure per unit measure,
    each traced to it with a snapshot. Calling it again adds only the unit measures not yet
    traced (a plan submitted later); ``added`` on the result says how many were added."""
    process = process_lock(process)
    step = _open_step_for(process, actor)
    school_plan, created = SchoolPlan.objects.select_for_update().get_or_create(
        process=process, defaults={"created_by": actor}
    )
    school_plan.process = process
    traced = set() if created else _traced_ids(school_plan)
    measures = [
        measure
        for measure in Measure.objects.filter(
            plan__process=process, plan__state=UnitPlan.State.SUBMITTED
        )
        .select_related("plan__unit", "category")
        .order_by("plan__unit__name", "plan__unit_id", "order", "pk")
        if measure.pk not in traced
    ]
    if created and not measures:
        raise DomainError(_("There is no submitted unit plan to merge."))
    if measures:
        content_changing(step, actor, gettext_noop("measures added to the school plan"))
    last = school_plan.measures.aggregate(last=Max("order"))["last"]
    start = 0 if last is None else last + 1
    for offset, measure in enumerate(measures):
        _take_over(school_plan, measure, start + offset)
    units = sorted({measure.plan.unit.name for measure in measures})
    if measures:
        decision_record(
            process=process,
            step_number=STEP,
            action="schoolplans.school_plan.created" if created else "schoolplans.measures.added",
            summary=(
                gettext_noop(
                    "School plan created from the submitted unit plans; measures taken over: "
                    "%(count)s (%(units)s)."
                )
                if created
                else gettext_noop(
                    "Measures of unit plans submitted later added to the school plan: "
                    "%(count)s (%(units)s)."
                )
            ),
            params={"count": len(measures), "units": ", ".join(units)},
            actor=actor,
            content={"measures": [m.pk for m in measures], "units": units},
        )
    school_plan.added = len(measures)
    school_plan.created = created
    return school_plan


# --- content and final versions -----------------------------------------------------------


def school_plan_content(school_plan) -> dict:
    """The school plan as it stands, JSON-ready and in the school's language: what a version
    freezes, the pages show, the PDF prints and the archive exports
    (``schoolplans.merge_content`` describes its parts)."""
    return school_plan_content_build(school_plan)


def _sign_off(step, actor) -> None:
    signed = set(step.sign_offs.filter(revision=step.revision).values_list("side", flat=True))
    sides = [side for side in sign_off_sides_for(actor, step) if side not in signed]
    if sides:
        step_sign_off(step=step, actor=actor, side=sides[0])


@transaction.atomic
def school_plan_mark_final(*, school_plan, actor) -> SchoolPlanVersion:
    """Freeze the school plan as the next final version (content and its SHA-256) and
    complete step 9; unchanged content keeps the latest version. When the director and the
    PMR do step 9 jointly, this records the actor's side's sign-off; the second side's
    completes the step."""
    school_plan, step = lock_for_change(school_plan, actor)
    content = school_plan_content(school_plan)
    refusals = final_refusals(content)
    if refusals:
        raise DomainError(_("The school plan cannot be marked final yet."), details=refusals)
    digest = content_hash(content)
    latest = latest_version(school_plan)
    if latest is not None and latest.content_hash == digest:
        version = latest
    else:
        version = SchoolPlanVersion.objects.create(
            school_plan=school_plan,
            number=(latest.number + 1) if latest else 1,
            content=content,
            content_hash=digest,
            created_by=actor,
        )
        decision_record(
            process=school_plan.process,
            step_number=STEP,
            action="schoolplans.version.marked_final",
            summary=gettext_noop("School plan version %(number)s marked final."),
            params={"number": version.number},
            actor=actor,
            content={"version": version.number, "sha256": digest},
        )
    if step_needs_sign_off(step):
        _sign_off(step, actor)
    else:
        step_complete(step=step, actor=actor)
    return version
