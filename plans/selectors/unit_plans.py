"""Reads of step 8: the overview of the units' plans and a plan's page (measures, verdicts,
comments, acknowledged warnings). The measure form's reads are in
``plans.selectors.measure_editor``, the history in ``plans.selectors.unit_plan_history``.

Each function loads what its page needs in a fixed number of queries, however many units,
measures, comments or changes there are. Permissions come from ``plans.rules``; a unit of
another process is a 404 (``process_get_for_user`` already gives 404 for another school).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.utils import timezone

from processes.models import ProcessStep
from processes.selectors import current_sign_offs, process_step
from processes.services import sign_off_sides_for
from units.models import OrganisationalUnit
from units.predicates import member_unit_ids

from .. import costs
from ..checks import Verdict
from ..models import (
    FrameworkRule,
    Measure,
    MeasureComment,
    UnitAnnouncement,
    UnitPlan,
    WarningAcknowledgement,
    WorkloadCause,
)
from ..services import unit_plans as services
from ..services.measure_costs import school_year_label
from .unit_plan_state import edit_refusal, plan_verdicts, submit_refusals

STEP = 8
VIEW = "plans.view_unit_plan"
EDIT = "plans.edit_unit_plan"
COMMENT = "plans.comment_unit_plan"
SUBMIT = "plans.submit_unit_plan"
RETURN = "plans.return_unit_plan"
OVERVIEW = "plans.view_unit_plan_overview"
CLOSE = "plans.close_unit_plans"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Budget:
    """A total against the unit's budget (None while the budgets are deferred)."""

    total: Decimal
    budget: Decimal | None

    @property
    def check(self) -> costs.BudgetCheck | None:
        if self.budget is None:
            return None
        return costs.compare_with_budget(self.total, self.budget)


def _per_year(per_year: dict) -> list[tuple[str, Decimal]]:
    """A stored ``{"2026": "1234.56"}`` as [("2026-2027", Decimal)], in order."""
    return [
        (school_year_label(int(year)), Decimal(amount))
        for year, amount in sorted(per_year.items(), key=lambda item: int(item[0]))
    ]


def _step_open(step) -> bool:
    return step.state == ProcessStep.State.OPEN


# --- the overview -----------------------------------------------------------------------


@dataclass
class PlanRow:
    unit: OrganisationalUnit
    plan: UnitPlan | None
    measure_count: int
    budget: Budget
    deadline: object  # a date, or None before the announcement
    own: bool
    can_view: bool
    show_figures: bool

    @property
    def submitted(self) -> bool:
        return self.plan is not None and self.plan.state == UnitPlan.State.SUBMITTED


@dataclass
class Closing:
    """The joint close of step 8 after the deadline, by the director and the PMR."""

    deadline_passed: bool
    signed: dict  # side -> SignOff for the step's revision
    my_sides: list  # the sides the viewer may still confirm

    @property
    def can_confirm(self) -> bool:
        return self.deadline_passed and bool(self.my_sides)


@dataclass
class PlanOverview:
    rows: list[PlanRow]
    deadline: object
    closing: Closing | None

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.submitted)

    @property
    def missing(self) -> list[PlanRow]:
        return [row for row in self.rows if not row.submitted]


def _current_deadlines(process) -> dict[int, object]:
    return dict(
        UnitAnnouncement.objects.filter(process=process, current=True).values_list(
            "unit_id", "deadline"
        )
    )


def unit_plan_overview(*, user, process) -> PlanOverview:
    """Per unit of ``process``, in name order: its plan's state, number of measures and total
    against the unit's budget, its deadline and whether ``user`` may open the plan. The
    figures are shown to the director and PMR, and to whoever may read the plan. A fixed
    number of queries."""
    step = process_step(process, STEP)
    units = (
        OrganisationalUnit.objects.filter(process=process)
        .select_related("plan")
        .annotate(
            measure_count=Count("plan__measures"),
            measures_total=Sum("plan__measures__total_cost"),
        )
        .order_by("name", "pk")
    )
    deadlines = _current_deadlines(process)
    own = member_unit_ids(user, process.pk)
    sees_all = user.has_perm(OVERVIEW, process)
    rows = []
    for unit in units:
        unit.process = process
        plan = getattr(unit, "plan", None)
        if plan is not None:
            plan.process, plan.unit = process, unit
        can_view = unit.pk in own or (plan is not None and user.has_perm(VIEW, plan))
        rows.append(
            PlanRow(
                unit=unit,
                plan=plan,
                measure_count=unit.measure_count,
                budget=Budget(unit.measures_total or ZERO, unit.amount),
                deadline=deadlines.get(unit.pk),
                own=unit.pk in own,
                can_view=can_view,
                show_figures=sees_all or can_view,
            )
        )
    deadline = max(deadlines.values(), default=None)
    return PlanOverview(
        rows=rows, deadline=deadline, closing=_closing(user, process, step, deadline)
    )


def _closing(user, process, step, deadline) -> Closing | None:
    if not _step_open(step) or not user.has_perm(CLOSE, process):
        return None
    signed = current_sign_offs(step)
    return Closing(
        deadline_passed=deadline is not None and deadline < timezone.localdate(),
        signed=signed,
        my_sides=[side for side in sign_off_sides_for(user, step) if side not in signed],
    )


# --- a plan and its measures ------------------------------------------------------------


@dataclass
class VerdictRow:
    verdict: Verdict
    rule: FrameworkRule
    acknowledgement: WarningAcknowledgement | None

    @property
    def may_acknowledge(self) -> bool:
        return not self.verdict.ok and self.verdict.severity != FrameworkRule.Severity.MUST


@dataclass
class MeasureRow:
    measure: Measure
    per_year: list
    verdicts: list[VerdictRow]  # this measure's failing verdicts
    comments: list
    notes: list[str] = field(default_factory=list)  # from the apps above (register_measure_notes)


# A hook for the apps above: a provider takes a plan's measures and returns notes to show with
# them by measure pk (schoolplans: a measure carried over from last year, with its verdict).
MeasureNotesProvider = Callable[[list], dict]
_measure_notes_providers: list[MeasureNotesProvider] = []


def register_measure_notes(provider: MeasureNotesProvider) -> None:
    if provider not in _measure_notes_providers:
        _measure_notes_providers.append(provider)


def measure_notes(measures) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    for provider in _measure_notes_providers:
        for pk, note in provider(measures).items():
            notes.setdefault(pk, []).append(note)
    return notes


@dataclass
class PlanPage:
    process: object
    step: ProcessStep
    unit: OrganisationalUnit
    plan: UnitPlan
    measures: list[MeasureRow]
    plan_verdicts: list[VerdictRow]
    blocking: list[VerdictRow]
    budget: Budget
    per_year: list
    causes: list  # the plan's recognised causes
    deadline: object
    is_member: bool
    edit_refusal: str | None  # why the plan cannot be changed now
    can_edit: bool
    can_comment: bool
    may_submit: bool  # the coordinator, plan not submitted: the submit form is shown
    submit_refusals: list  # why it cannot be submitted yet (empty: it can)
    can_return: bool

    @property
    def can_submit(self) -> bool:
        return self.may_submit and not self.submit_refusals


def unit_plan_get_for_user(*, user, process, unit_pk) -> tuple[OrganisationalUnit, UnitPlan]:
    """The unit (404 if not of ``process``) and its plan: created when a member opens it
    first; for anyone else a unit without a plan has nothing to show (403)."""
    unit = (
        OrganisationalUnit.objects.filter(process=process, pk=unit_pk)
        .select_related("plan", "working_method__leader")
        .first()
    )
    if unit is None:
        raise Http404
    unit.process = process
    plan = getattr(unit, "plan", None)
    if plan is None:
        if unit.pk not in member_unit_ids(user, process.pk):
            raise PermissionDenied
        plan = services.plan_for_unit(unit=unit)
    plan.process, plan.unit = process, unit
    if not user.has_perm(VIEW, plan):
        raise PermissionDenied
    return unit, plan


def measures_of(plan, *, comments=False) -> list[Measure]:
    queryset = (
        Measure.objects.filter(plan=plan)
        .select_related("category")
        .prefetch_related("causes")
        .order_by("order", "pk")
    )
    if comments:
        queryset = queryset.prefetch_related(
            Prefetch("comments", queryset=MeasureComment.objects.order_by("created_at", "pk"))
        )
    measures = list(queryset)
    for measure in measures:
        measure.plan = plan
    return measures


def rules_of(process) -> list[FrameworkRule]:
    return list(
        FrameworkRule.objects.filter(process=process)
        .prefetch_related("categories")
        .order_by("order", "pk")
    )


def verdict_rows(verdicts, rules, acknowledgements=()) -> list[VerdictRow]:
    by_key = {str(rule.pk): rule for rule in rules}
    acks = {(ack.rule_id, ack.measure_id): ack for ack in acknowledgements}
    rows = []
    for verdict in verdicts:
        rule = by_key[verdict.rule_key]
        measure_pk = int(verdict.measure_key) if verdict.measure_key not in (None, "None") else None
        rows.append(VerdictRow(verdict, rule, acks.get((rule.pk, measure_pk))))
    return rows


def unit_plan_page(*, user, process, unit_pk) -> PlanPage:
    """A unit's plan with its measures (costs per school year, causes, comments), the
    framework verdicts for each measure and for the plan, the acknowledged warnings, and what
    ``user`` may do. 404 for a unit of another process; 403 unless ``user`` may read the plan.
    A fixed number of queries, however many measures and comments."""
    step = process_step(process, STEP)
    unit, plan = unit_plan_get_for_user(user=user, process=process, unit_pk=unit_pk)
    measures = measures_of(plan, comments=True)
    rules = rules_of(process)
    acknowledgements = list(WarningAcknowledgement.objects.filter(plan=plan))
    verdicts = plan_verdicts(plan, measures=measures, rules=rules)
    rows = verdict_rows(verdicts, rules, acknowledgements)
    by_measure: dict[str, list] = {}
    for row in rows:
        if not row.verdict.ok and row.verdict.measure_key is not None:
            by_measure.setdefault(row.verdict.measure_key, []).append(row)
    total = sum((measure.total_cost for measure in measures), ZERO)
    per_year = costs.totals_per_school_year(
        {int(year): Decimal(amount) for year, amount in measure.cost_per_year.items()}
        for measure in measures
    )
    deadline = (
        UnitAnnouncement.objects.filter(unit=unit, current=True)
        .values_list("deadline", flat=True)
        .first()
    )
    refusal = edit_refusal(plan, step)
    notes = measure_notes(measures)
    may_submit = (
        _step_open(step) and plan.state != UnitPlan.State.SUBMITTED and user.has_perm(SUBMIT, plan)
    )
    return PlanPage(
        process=process,
        step=step,
        unit=unit,
        plan=plan,
        measures=[
            MeasureRow(
                measure=measure,
                per_year=_per_year(measure.cost_per_year),
                verdicts=by_measure.get(str(measure.pk), []),
                comments=list(measure.comments.all()),
                notes=notes.get(measure.pk, []),
            )
            for measure in measures
        ],
        plan_verdicts=[row for row in rows if row.verdict.measure_key is None],
        blocking=[row for row in rows if row.verdict.blocks_submission],
        budget=Budget(total, unit.amount),
        per_year=[(school_year_label(year), amount) for year, amount in per_year.items()],
        causes=list(plan.causes.all()),
        deadline=deadline,
        is_member=unit.pk in member_unit_ids(user, process.pk),
        edit_refusal=refusal,
        can_edit=refusal is None and user.has_perm(EDIT, plan),
        can_comment=user.has_perm(COMMENT, plan),
        may_submit=may_submit,
        submit_refusals=(
            submit_refusals(plan, step=step, measures=measures, verdicts=verdicts)
            if may_submit
            else []
        ),
        can_return=plan.state == UnitPlan.State.SUBMITTED and user.has_perm(RETURN, plan),
    )


def all_causes() -> list[WorkloadCause]:
    return list(WorkloadCause.objects.order_by("order", "code"))
