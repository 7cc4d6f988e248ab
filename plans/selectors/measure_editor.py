"""Reads of step 8's measure form: the plan with its other measures, the rules and the choices
(categories, causes, functions), and the live preview of a measure being typed, which costs it
with ``measure_costs`` and checks it with ``plan_verdicts`` without saving anything."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from processes.selectors import process_step
from units.models import OrganisationalUnit
from werkdruk.domain_errors import error_lines
from werkdruk.exceptions import DomainError

from ..forms.unit_plans import school_year_choices
from ..models import FrameworkRule, FunctionCost, Measure, MeasureCategory, UnitPlan, WorkloadCause
from ..services.measure_costs import measure_costs, school_year_label
from .unit_plan_state import plan_verdicts
from .unit_plans import (
    EDIT,
    STEP,
    ZERO,
    Budget,
    VerdictRow,
    all_causes,
    measures_of,
    rules_of,
    unit_plan_get_for_user,
    verdict_rows,
)


@dataclass
class MeasureEditor:
    """What the measure form needs: the plan, its measures (for the plan total and the
    verdicts), the rules and the choices."""

    process: object
    step: ProcessStep
    unit: OrganisationalUnit
    plan: UnitPlan
    measures: list[Measure]
    rules: list[FrameworkRule]
    categories: list[MeasureCategory]
    causes: list[WorkloadCause]
    functions: list[str]
    measure: Measure | None = None


def _functions(process) -> list[str]:
    """The functions with a yearly cost in the school years a measure may run in (or before:
    a missing year uses the latest earlier one)."""
    last = school_year_choices(process)[-1][0]
    names = (
        FunctionCost.objects.for_school(process.school)
        .filter(school_year__start_year__lte=last)
        .values("function")
        .annotate(order=Max("order"))
        .order_by("order", "function")
    )
    return [row["function"] for row in names]


def measure_editor(*, user, process, unit_pk, measure_pk=None) -> MeasureEditor:
    """The plan of a unit for editing a measure (a new one, or ``measure_pk``). 404 for a unit
    or measure of another plan; 403 unless ``user`` may edit the plan now."""
    step = process_step(process, STEP)
    unit, plan = unit_plan_get_for_user(user=user, process=process, unit_pk=unit_pk)
    if not user.has_perm(EDIT, plan):
        raise PermissionDenied
    measures = measures_of(plan)
    measure = None
    if measure_pk is not None:
        measure = next((m for m in measures if m.pk == measure_pk), None)
        if measure is None:
            raise Http404
    return MeasureEditor(
        process=process,
        step=step,
        unit=unit,
        plan=plan,
        measures=measures,
        rules=rules_of(process),
        categories=list(MeasureCategory.objects.order_by("order", "code")),
        causes=all_causes(),
        functions=_functions(process),
        measure=measure,
    )


@dataclass
class MeasurePreview:
    """What the measure form shows while the user types: the measure's cost per school year
    and in total, the plan's total with it against the unit budget, and the verdicts of the
    framework checks on the measure and on the plan."""

    per_year: list
    total: Decimal | None  # None while the cost cannot be computed yet
    problems: list[str]
    budget: Budget  # the plan with this measure (without it while its cost is unknown)
    verdicts: list[VerdictRow]


def measure_preview(*, editor, form=None) -> MeasurePreview:
    """The preview of a bound, validated ``form`` against ``editor``'s plan: nothing is saved.
    The measure is costed by ``measure_costs`` and checked by ``plan_verdicts`` as an unsaved
    Measure among the plan's other measures. No queries besides the function costs. Without
    a form (a new measure, nothing typed yet): the plan without it."""
    others = [m for m in editor.measures if editor.measure is None or m.pk != editor.measure.pk]
    others_total = sum((m.total_cost for m in others), ZERO)
    inputs = form.cost_inputs() if form is not None else None
    cost = None
    problems = form.typed_cost_errors() if form is not None else []
    if inputs is not None:
        try:
            cost = measure_costs(**inputs, school=editor.process.school)
        except DomainError as error:
            problems = error_lines(error)
    if cost is None:
        return MeasurePreview([], None, problems, Budget(others_total, editor.unit.amount), [])
    data = form.cleaned_data
    verdicts = []
    category = form.chosen_category()
    if category is not None:
        draft = Measure(
            pk=editor.measure.pk if editor.measure else None,
            plan=editor.plan,
            title=data.get("title") or _("This measure"),
            category=category,
            cost_type=inputs["cost_type"],
            first_year=inputs["first_year"],
            last_year=inputs["last_year"],
            structural=inputs["structural"],
            benefit_share=data.get("benefit_share"),
            total_cost=cost.total,
            cost_per_year={str(year): str(amount) for year, amount in cost.per_year.items()},
        )
        found = plan_verdicts(editor.plan, measures=[*others, draft], rules=editor.rules)
        mine = (None, str(draft.pk))
        verdicts = verdict_rows([v for v in found if v.measure_key in mine], editor.rules)
    return MeasurePreview(
        per_year=[(school_year_label(year), amount) for year, amount in cost.per_year.items()],
        total=cost.total,
        problems=[],
        budget=Budget(others_total + cost.total, editor.unit.amount),
        verdicts=verdicts,
    )
