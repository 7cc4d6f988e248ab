"""Step 8's service API: each unit drafts, submits and revises its plan.

A unit's active members write the plan together (analysis, causes, measures, acknowledged
warnings) while step 8 is open and the plan is not submitted; every change is kept in the
history (django-simple-history), and a change after the unit's vote approved the plan voids
that approval. A measure's cost per school year is computed when it is saved and stored with
the rates used (``plans.services.measure_costs``). The decisions (submit, return, the joint
close) are in ``plans.services.unit_plan_decisions``, the verdicts and refusals the pages show
too in ``plans.selectors.unit_plan_state``, the e-mails in ``plans.services.unit_plan_notices``.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from processes.services import require_perm
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError

from ..models import (
    FrameworkRule,
    Measure,
    MeasureCategory,
    MeasureComment,
    UnitPlan,
    WarningAcknowledgement,
    WorkloadCause,
)
from ..selectors.unit_plan_state import (
    edit_refusal,
    locked_plan,
    plan_verdicts,
)
from .measure_costs import cost_inputs, measure_costs

EDIT = "plans.edit_unit_plan"
COMMENT = "plans.comment_unit_plan"
TEXT_MAX = 10000
LINE_MAX = 200
HUNDRED = Decimal("100")


@dataclass(frozen=True, kw_only=True)
class MeasureData:
    """Every editable field of a measure, as entered (validated by the services)."""

    title: str
    description: str = ""
    category: MeasureCategory
    cost_type: str
    amount: Decimal | None = None
    fte: Decimal | None = None
    hours: Decimal | None = None
    function: str = ""
    hourly_rate: Decimal | None = None
    first_year: int
    last_year: int
    structural: bool = False
    benefit_share: Decimal | None = None
    beneficiaries: str = ""
    causes: tuple[WorkloadCause, ...] | list[WorkloadCause] = ()
    expected_effect: str = ""
    feasibility: str = ""
    changes_task_policy: bool = False
    when_money_ends: str = ""


# --- helpers ------------------------------------------------------------------------------


def _editable_plan(plan, actor) -> UnitPlan:
    plan = locked_plan(plan)
    require_perm(actor, EDIT, plan)
    refusal = edit_refusal(plan)
    if refusal:
        raise DomainError(refusal)
    return plan


def _locked_measure(measure, actor) -> Measure:
    plan_id = Measure.objects.filter(pk=measure.pk).values_list("plan_id", flat=True).first()
    if plan_id is None:
        raise DomainError(_("This measure no longer exists."))
    plan = _editable_plan(UnitPlan(pk=plan_id), actor)
    locked = Measure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    locked.plan = plan
    return locked


def _text(value, *, field, limit=TEXT_MAX, required=False) -> str:
    text = (value or "").strip()
    label = capfirst(Measure._meta.get_field(field).verbose_name)
    if required and not text:
        raise DomainError(_("%(field)s is required.") % {"field": label})
    if len(text) > limit:
        raise DomainError(
            _("%(field)s has at most %(max)s characters; this text has %(count)s.")
            % {"field": label, "max": limit, "count": len(text)}
        )
    return text


def _benefit_share(value) -> Decimal | None:
    if value is None or value == "":
        return None
    error = _("The share of the unit that benefits is a percentage from 0 to 100.")
    try:
        if isinstance(value, float | bool):
            raise DomainError(error)
        share = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(error) from None
    if (
        not share.is_finite()
        or not 0 <= share <= HUNDRED
        or share != share.quantize(Decimal(".01"))
    ):
        raise DomainError(error)
    return share


def _causes(values) -> list[WorkloadCause]:
    """Causes given as objects or codes, all known."""
    codes = {c.code if isinstance(c, WorkloadCause) else str(c) for c in values or ()}
    found = list(WorkloadCause.objects.filter(code__in=codes))
    unknown = codes - {cause.code for cause in found}
    if unknown:
        raise DomainError(
            _("Unknown workload cause: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    return found


def _measure_fields(plan, data: MeasureData) -> tuple[dict, list[WorkloadCause]]:
    """The measure's fields from ``data``, validated, with its cost computed."""
    if not isinstance(data.category, MeasureCategory):
        raise DomainError(_("Choose the measure's category."))
    start = plan.process.school_year.start_year
    if not isinstance(data.first_year, int) or data.first_year < start:
        raise DomainError(
            _("A measure starts in the school year %(year)s or later.")
            % {"year": plan.process.school_year}
        )
    inputs = cost_inputs(
        cost_type=data.cost_type,
        amount=data.amount,
        fte=data.fte,
        hours=data.hours,
        function=data.function,
        hourly_rate=data.hourly_rate,
    )
    cost = measure_costs(
        **inputs,
        first_year=data.first_year,
        last_year=data.last_year,
        structural=bool(data.structural),
        school=plan.process.school,
    )
    fields = {
        "title": _text(data.title, field="title", limit=LINE_MAX, required=True),
        "description": _text(data.description, field="description"),
        "category": data.category,
        **inputs,
        "first_year": data.first_year,
        "last_year": data.last_year,
        "structural": bool(data.structural),
        "benefit_share": _benefit_share(data.benefit_share),
        "beneficiaries": _text(data.beneficiaries, field="beneficiaries", limit=LINE_MAX),
        "expected_effect": _text(data.expected_effect, field="expected_effect"),
        "feasibility": _text(data.feasibility, field="feasibility"),
        "changes_task_policy": bool(data.changes_task_policy),
        "when_money_ends": _text(data.when_money_ends, field="when_money_ends"),
        "cost_per_year": cost.per_year_json,
        "total_cost": cost.total,
        "rates": cost.rates,
    }
    return fields, _causes(data.causes)


def _clear_approval(plan) -> None:
    """Content changed: an approval by the unit's vote covered what the voters saw."""
    if plan.approval_vote_id is not None or plan.approved_revision is not None:
        plan.approval_vote = None
        plan.approved_revision = None
        plan.save(update_fields=["approval_vote", "approved_revision", "changed_at"])


# --- drafting -----------------------------------------------------------------------------


@transaction.atomic
def plan_for_unit(*, unit) -> UnitPlan:
    """``unit``'s plan, created (empty, as a draft) the first time it is needed."""
    plan, _created = UnitPlan.objects.get_or_create(
        unit=unit, defaults={"process_id": unit.process_id}
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    plan,
    actor,
    analysis,
    other_causes,
    expected_effects,
    success_indicators,
    causes,
    version: int | None = None,
) -> UnitPlan:
    """Change the plan's analysis, the causes the unit recognises (objects or codes), the
    effects it expects and how it will know they worked. Unchanged input writes nothing.

    ``version`` is the plan's version the input was based on: when the plan was changed since,
    EditConflict is raised and nothing is written (a change by a colleague is not overwritten
    unseen)."""
    plan = _editable_plan(plan, actor)
    texts = {}
    for field, value in (
        ("analysis", analysis),
        ("other_causes", other_causes),
        ("expected_effects", expected_effects),
        ("success_indicators", success_indicators),
    ):
        text = (value or "").strip()
        if len(text) > TEXT_MAX:
            raise DomainError(
                _("%(field)s has at most %(max)s characters; this text has %(count)s.")
                % {
                    "field": capfirst(UnitPlan._meta.get_field(field).verbose_name),
                    "max": TEXT_MAX,
                    "count": len(text),
                }
            )
        texts[field] = text
    new_causes = _causes(causes)
    changed = [field for field, text in texts.items() if getattr(plan, field) != text]
    causes_changed = {c.pk for c in new_causes} != set(plan.causes.values_list("pk", flat=True))
    if not (changed or causes_changed):
        return plan
    version_check(plan, version)
    for field in changed:
        setattr(plan, field, texts[field])
    version_next(plan)
    plan._history_user = actor  # the history names its author outside requests too
    plan.save()
    if causes_changed:
        plan.causes.set(new_causes)
    _clear_approval(plan)
    return plan


@transaction.atomic
def measure_create(*, plan, actor, data: MeasureData) -> Measure:
    """Add a measure to ``plan``, at the end, with its cost computed and stored."""
    plan = _editable_plan(plan, actor)
    fields, causes = _measure_fields(plan, data)
    last = plan.measures.aggregate(last=Max("order"))["last"]
    measure = Measure(plan=plan, order=0 if last is None else last + 1, created_by=actor, **fields)
    measure._history_user = actor
    measure.save()
    if causes:
        measure.causes.set(causes)
    _clear_approval(plan)
    return measure


@transaction.atomic
def measure_update(*, measure, actor, data: MeasureData, version: int | None = None) -> Measure:
    """Change a measure; its cost is computed again from today's function costs.

    ``version`` is the measure's version the input was based on: when the measure was changed
    since, EditConflict is raised and nothing is written. Unchanged input writes nothing."""
    measure = _locked_measure(measure, actor)
    fields, causes = _measure_fields(measure.plan, data)
    changed = [field for field, value in fields.items() if getattr(measure, field) != value]
    causes_changed = {c.pk for c in causes} != set(measure.causes.values_list("pk", flat=True))
    if not (changed or causes_changed):
        return measure
    version_check(measure, version)
    for field in changed:
        setattr(measure, field, fields[field])
    version_next(measure)
    measure._history_user = actor
    measure.save()
    if causes_changed:
        measure.causes.set(causes)
    _clear_approval(measure.plan)
    return measure


@transaction.atomic
def measure_delete(*, measure, actor) -> None:
    """Remove a measure from its plan (its history stays)."""
    measure = _locked_measure(measure, actor)
    plan = measure.plan
    measure._history_user = actor
    measure.delete()
    _clear_approval(plan)


@transaction.atomic
def measure_comment_add(*, measure, actor, text) -> MeasureComment:
    """Comment on a measure: anyone who can see its plan, in any state."""
    measure = (
        Measure.objects.select_related("plan__process__school", "plan__unit")
        .filter(pk=measure.pk)
        .first()
    )
    if measure is None:
        raise DomainError(_("This measure no longer exists."))
    require_perm(actor, COMMENT, measure.plan)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write a comment."))
    if len(text) > TEXT_MAX:
        raise DomainError(_("A comment has at most %(max)s characters.") % {"max": TEXT_MAX})
    return MeasureComment.objects.create(
        measure=measure, author=actor, author_name=str(actor), text=text
    )


@transaction.atomic
def warning_acknowledge(*, plan, actor, rule, measure=None, reason) -> WarningAcknowledgement:
    """Answer a framework warning the plan (or one of its measures) triggers with a reason.

    Only a failing rule that is not a must can be acknowledged; acknowledging it again
    replaces the reason. Warnings never block submission; the reasons go with the plan."""
    plan = _editable_plan(plan, actor)
    if rule.process_id != plan.process_id:
        raise DomainError(_("Choose a framework of this process."))
    if measure is not None and not plan.measures.filter(pk=measure.pk).exists():
        raise DomainError(_("Choose a measure of this plan."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason why the plan goes ahead despite the warning."))
    if len(reason) > TEXT_MAX:
        raise DomainError(_("A reason has at most %(max)s characters.") % {"max": TEXT_MAX})
    measure_key = str(measure.pk) if measure is not None else None
    if not any(
        v.rule_key == str(rule.pk)
        and v.measure_key == measure_key
        and not v.ok
        and v.severity != FrameworkRule.Severity.MUST
        for v in plan_verdicts(plan)
    ):
        raise DomainError(_("There is no warning to acknowledge here."))
    acknowledgement, _created = WarningAcknowledgement.objects.update_or_create(
        plan=plan,
        rule=rule,
        measure=measure,
        defaults={
            "reason": reason,
            "acknowledged_by": actor,
            "acknowledged_by_name": str(actor),
        },
    )
    return acknowledgement
