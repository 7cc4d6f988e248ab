"""Step 9's writes: the school plan merged from the units' submitted plans.

Whoever carries out step 9 (``selectors.merge.may_merge``: the actor the director and the
PMR agreed on, or either of them when they do it jointly) creates the school plan while
step 9 is open: one school-plan measure per measure of every submitted unit plan, each with a
snapshot of the unit measure it came from (``MeasureSource``). The merging group may then
change a measure, combine measures and write an introduction; every measure keeps its trace,
and every difference from the units' own text or amounts is listed as a change
(``schoolplans.changes``). Each change locks the plan for the one who carries out step 9
(``_lock_for_change``) and reopens a jointly done step 9 that a side already signed off before
it changes anything (``_content_changing``). Marking the plan final freezes its content
(``selectors.content.school_plan_content``) as a numbered, immutable
``SchoolPlanVersion`` with its SHA-256 and completes step 9 (or records that side's sign-off
when the director and the PMR do step 9 jointly; a change after such a sign-off reopens the
step first, so no sign-off covers content its signer did not see).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans.models import Measure, MeasureCategory, UnitPlan
from plans.services.measure_costs import AMOUNT_LIMIT, YEARS_MAX, school_year_label
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
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError
from werkdruk.money import lazy_euro

from ..changes import ZERO, per_year
from ..models import MeasureSource, SchoolPlan, SchoolPlanMeasure, SchoolPlanVersion
from ..selectors.content import school_plan_content
from ..selectors.merge import STEP, final_refusals, latest_version, may_merge

TEXT_MAX = 10000
LINE_MAX = 200

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


def _lock_for_change(school_plan, actor) -> tuple[SchoolPlan, ProcessStep]:
    """Process, step 9 and the school plan locked (in that order), for a change by ``actor``."""
    process_id = SchoolPlan.objects.filter(pk=school_plan.pk).values_list("process_id", flat=True)
    if not process_id:
        raise DomainError(_("This school plan no longer exists."))
    process = process_lock(process_id[0])
    step = _open_step_for(process, actor)
    locked = SchoolPlan.objects.select_for_update().get(pk=school_plan.pk)
    locked.process = process
    return locked, step


def _content_changing(step, actor, what, **params) -> None:
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
        _content_changing(step, actor, gettext_noop("measures added to the school plan"))
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


# --- final versions -----------------------------------------------------------


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
    school_plan, step = _lock_for_change(school_plan, actor)
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


# --- changes to the merged plan ---------------------------------------------------------


def _text(value, *, label, limit=TEXT_MAX, required=False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("%(field)s is required.") % {"field": capfirst(label)})
    if len(text) > limit:
        raise DomainError(
            _("%(field)s has at most %(max)s characters; this text has %(count)s.")
            % {"field": capfirst(label), "max": limit, "count": len(text)}
        )
    return text


def _field_label(name) -> str:
    return str(SchoolPlanMeasure._meta.get_field(name).verbose_name)


def _year(value, start) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not start <= value < start + 20:
        raise DomainError(
            _("Choose a school year from %(year)s on.") % {"year": school_year_label(start)}
        )
    return value


def _costs(cost_per_year, first_year, last_year) -> dict[str, str]:
    """Amounts per school year, validated: whole cents, not negative, only in the measure's
    school years (a year left out costs 0.00)."""
    costs = {}
    for year, value in (cost_per_year or {}).items():
        year = int(year)
        if not first_year <= year <= last_year:
            raise DomainError(
                _("The school year %(year)s is outside the measure's school years.")
                % {"year": school_year_label(year)}
            )
        error = _("Give the amount for %(year)s in euros with at most two decimals.") % {
            "year": school_year_label(year)
        }
        if isinstance(value, float | bool):
            raise DomainError(error)
        try:
            number = Decimal(ZERO if value in (None, "") else str(value))
        except (InvalidOperation, ValueError):
            raise DomainError(error) from None
        if not number.is_finite() or number != number.quantize(Decimal("0.01")):
            raise DomainError(error)
        if number < 0:
            raise DomainError(_("An amount cannot be negative."))
        costs[year] = number.quantize(Decimal("0.01"))
    return {str(y): str(costs.get(y, ZERO)) for y in range(first_year, last_year + 1)}


def _total(costs: dict[str, str]) -> Decimal:
    total = sum(per_year(costs).values(), ZERO)
    if total >= AMOUNT_LIMIT:
        raise DomainError(_("The measure costs too much."))
    return total


def _locked_measure(measure, actor) -> tuple[SchoolPlanMeasure, ProcessStep]:
    plan_id = (
        SchoolPlanMeasure.objects.filter(pk=measure.pk)
        .values_list("school_plan_id", flat=True)
        .first()
    )
    if plan_id is None:
        raise DomainError(_("This measure is no longer in the school plan."))
    school_plan, step = _lock_for_change(SchoolPlan(pk=plan_id), actor)
    locked = SchoolPlanMeasure.objects.select_for_update().get(pk=measure.pk)
    locked.school_plan = school_plan
    return locked, step


@transaction.atomic
def school_measure_update(
    *,
    measure,
    actor,
    title,
    description,
    category,
    cost_per_year: dict,
    annotation,
    first_year=None,
    last_year=None,
    structural=None,
    version: int | None = None,
) -> SchoolPlanMeasure:
    """Change a school-plan measure: text, category, school years, amounts per school year
    (``{start year: Decimal}``; a year left out costs 0.00), structural, the merging group's
    note. Its trace stays; the differences from its sources are listed as changes.
    Unchanged input writes nothing; input based on an older ``version`` of the measure
    raises EditConflict and writes nothing."""
    measure, step = _locked_measure(measure, actor)
    if not isinstance(category, MeasureCategory):
        raise DomainError(_("Choose the measure's category."))
    start = measure.school_plan.process.school_year.start_year
    first = _year(measure.first_year if first_year is None else first_year, start)
    last = _year(measure.last_year if last_year is None else last_year, start)
    if first > last:
        raise DomainError(_("The last school year cannot come before the first."))
    if last - first >= YEARS_MAX:
        raise DomainError(
            _("A measure runs for at most %(max)s school years.") % {"max": YEARS_MAX}
        )
    costs = _costs(cost_per_year, first, last)
    fields = {
        "title": _text(title, label=_field_label("title"), limit=LINE_MAX, required=True),
        "description": _text(description, label=_field_label("description")),
        "category": category,
        "first_year": first,
        "last_year": last,
        "structural": measure.structural if structural is None else bool(structural),
        "cost_per_year": costs,
        "total_cost": _total(costs),
        "annotation": _text(annotation, label=_field_label("annotation")),
    }
    changed = [name for name, value in fields.items() if getattr(measure, name) != value]
    if changed:
        version_check(measure, version)
        _content_changing(step, actor, gettext_noop("measure %(title)s"), title=measure.title)
        before_total, before_costs = measure.total_cost, measure.cost_per_year
        for name in changed:
            setattr(measure, name, fields[name])
        version_next(measure)
        measure._history_user = actor
        measure.save()
        if "cost_per_year" in changed or "total_cost" in changed:
            # Money is what the units agreed on: a changed amount belongs in the decision list.
            decision_record(
                process=measure.school_plan.process,
                step_number=STEP,
                action="schoolplans.measure.amount_changed",
                summary=gettext_noop(
                    "Amount of measure %(title)s changed while merging: %(before)s became "
                    "%(after)s."
                ),
                params={
                    "title": measure.title,
                    "before": lazy_euro(before_total),
                    "after": lazy_euro(measure.total_cost),
                },
                actor=actor,
                content={
                    "measure": measure.pk,
                    "before": {"total": str(before_total), "per_year": before_costs},
                    "after": {"total": str(measure.total_cost), "per_year": costs},
                },
            )
    return measure


@transaction.atomic
def school_measures_combine(*, measures, actor, title, description="", annotation=""):
    """Combine measures of the school plan into one: its sources are all of theirs, its cost
    per school year their sum, its category the first one's, its unit their common unit (or
    none); structural or changing the task policy if any of them does. The combined measures
    are removed; an empty description takes theirs, one after the other."""
    pks = list(dict.fromkeys(measure.pk for measure in measures))
    if len(pks) < 2:
        raise DomainError(_("Choose at least two measures to combine."))
    plan_ids = set(
        SchoolPlanMeasure.objects.filter(pk__in=pks).values_list("school_plan_id", flat=True)
    )
    if len(plan_ids) != 1:
        raise DomainError(_("Choose measures of one school plan."))
    school_plan, step = _lock_for_change(SchoolPlan(pk=plan_ids.pop()), actor)
    found = {
        m.pk: m
        for m in SchoolPlanMeasure.objects.select_for_update()
        .filter(pk__in=pks, school_plan=school_plan)
        .select_related("category")
    }
    if len(found) != len(pks):
        raise DomainError(_("A measure is no longer in the school plan."))
    parts = [found[pk] for pk in pks]
    title = _text(title, label=_field_label("title"), limit=LINE_MAX, required=True)
    description = _text(description, label=_field_label("description")) or "\n\n".join(
        part.description for part in parts if part.description
    )
    annotation = _text(annotation, label=_field_label("annotation"))
    costs: dict[int, Decimal] = {}
    for part in parts:
        for year, value in per_year(part.cost_per_year).items():
            costs[year] = costs.get(year, ZERO) + value
    cost_per_year = {str(year): str(value) for year, value in sorted(costs.items())}
    total = _total(cost_per_year)  # the same limits as a measure changed by hand
    first_year = min(part.first_year for part in parts)
    last_year = max(part.last_year for part in parts)
    if last_year - first_year >= YEARS_MAX:
        raise DomainError(
            _("A measure runs for at most %(max)s school years.") % {"max": YEARS_MAX}
        )
    _content_changing(step, actor, gettext_noop("measures combined into %(title)s"), title=title)
    units = {part.unit_id for part in parts}
    shares = [part.benefit_share for part in parts if part.benefit_share is not None]
    combined = SchoolPlanMeasure.objects.create(
        school_plan=school_plan,
        order=min(part.order for part in parts),
        unit_id=units.pop() if len(units) == 1 else None,
        title=title,
        description=description,
        category=parts[0].category,
        first_year=first_year,
        last_year=last_year,
        structural=any(part.structural for part in parts),
        # Several units: a share of "the unit" means nothing; one unit: at least the largest.
        benefit_share=max(shares) if shares and len({p.unit_id for p in parts}) == 1 else None,
        changes_task_policy=any(part.changes_task_policy for part in parts),
        cost_per_year=cost_per_year,
        total_cost=total,
        annotation=annotation,
    )
    MeasureSource.objects.filter(school_measure_id__in=pks).update(school_measure=combined)
    for part in parts:
        part.delete()
    decision_record(
        process=school_plan.process,
        step_number=STEP,
        action="schoolplans.measures.combined",
        summary=gettext_noop("Measures combined in the school plan into %(title)s: %(parts)s."),
        params={"title": title, "parts": "; ".join(part.title for part in parts)},
        actor=actor,
        content={"measure": combined.pk, "combined": [[p.pk, p.title] for p in parts]},
    )
    return combined


@transaction.atomic
def school_plan_annotate(
    *, school_plan, actor, introduction, version: int | None = None
) -> SchoolPlan:
    """Write the merging group's introduction to the whole plan (EditConflict, writing nothing,
    when it was changed since ``version``)."""
    school_plan, step = _lock_for_change(school_plan, actor)
    text = _text(introduction, label=SchoolPlan._meta.get_field("introduction").verbose_name)
    if text != school_plan.introduction:
        version_check(school_plan, version)
        _content_changing(step, actor, gettext_noop("the introduction of the school plan"))
        school_plan.introduction = text
        version_next(school_plan)
        school_plan._history_user = actor
        school_plan.save()
    return school_plan
