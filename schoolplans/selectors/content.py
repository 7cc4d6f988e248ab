"""The school plan's content: what a final version freezes, the pages show, the PDF prints
and the archive exports.

``school_plan_content`` gathers, in a fixed number of queries however many measures
there are, everything a reader of the school plan must see: the budget per unit and for the
school against the planned cost per school year (with the remainder, to the cent), every
measure with its trace to the unit measures it came from (``sources``) and its changes from
them (``changes``, old -> new), the framework verdicts per unit and on the whole plan, the
measures that benefit only a minority of their unit, and the measures that overlap across
units. It is JSON-ready (amounts as strings with cents, school years by their start year) and
built in the school's language, so a frozen version reads like the page it was frozen from.

Keys: school {name, brin}, school_year, start_year, introduction, categories {code: name},
years [start years], budget {units: [{unit, name, budget, cost_per_year, total,
remainder}], school: {budget, reserve, cost_per_year, total, remainder}}, measures [{key,
unit, unit_name, title, description, category, first_year, last_year, structural,
benefit_share, minority_benefit, changes_task_policy, cost_per_year, total_cost, annotation,
sources [{unit, unit_name, unit_measure, plan_revision, current_revision, title, ...}],
changes [{field, old, new, unit, year}]}], verdicts {units: [{unit, name, verdicts}],
school: [verdict]} with verdict {rule, rule_text, severity, ok, message, measure},
minority_benefit [keys], overlaps [{first, second, reason}]. A remainder is the budget minus
the cost (negative when overrun); None while the unit budgets are deferred.

``plan_display`` adds the labels and per-year rows the pages and the PDF show, to the content
as it stands or as a version froze it.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from plans.checks import MAJORITY, PlanFacts, run_checks
from plans.models import FrameworkRule, MeasureCategory
from plans.selectors.frameworks import framework_rule_list
from plans.selectors.unit_plan_state import plan_verdicts
from plans.services.measure_costs import measure_facts, rule_facts, school_year_label
from processes.models import Process
from units.models import BudgetLine, BudgetSplit, OrganisationalUnit
from werkdruk.money import format_euro, split_by_weights

from .. import changes as changes_module
from ..changes import ZERO, amount, per_year
from ..models import MeasureSource, SchoolPlanMeasure
from ..overlap import find_overlaps

# --- loading ------------------------------------------------------------------------------


@dataclass
class Loaded:
    """A school plan with everything its content needs."""

    process: Process
    school_plan: object
    measures: list  # SchoolPlanMeasure, with .traced (its sources) and .unit_keys
    units: list  # OrganisationalUnit, with .plan (or None)
    rules: list
    categories: dict  # code -> MeasureCategory
    school_budget: Decimal
    reserve: Decimal | None


def school_plan_measures(school_plan) -> list[SchoolPlanMeasure]:
    """The measures of ``school_plan`` in their order, with category, unit and sources loaded
    (three queries); each has ``traced`` (its MeasureSource snapshots) and ``unit_keys``."""
    measures = list(
        SchoolPlanMeasure.objects.filter(school_plan=school_plan)
        .select_related("category", "unit")
        .prefetch_related(
            Prefetch("source_links", queryset=MeasureSource.objects.order_by("unit_name", "pk"))
        )
        .order_by("order", "pk")
    )
    for measure in measures:
        measure.school_plan = school_plan
        measure.traced = list(measure.source_links.all())
        measure.unit_keys = (
            {measure.unit_id}
            if measure.unit_id
            else {source.unit_id for source in measure.traced if source.unit_id}
        )
    return measures


def load(school_plan, *, process=None) -> Loaded:
    """``school_plan`` and what its content needs, in a fixed number of queries. ``process``:
    the plan's process with its school and school year, when the caller has read it."""
    if process is None or process.pk != school_plan.process_id:
        process = Process.objects.select_related("school", "school_year").get(
            pk=school_plan.process_id
        )
    school_plan.process = process
    units = list(
        OrganisationalUnit.objects.filter(process=process)
        .select_related("plan")
        .order_by("name", "pk")
    )
    for unit in units:
        plan = getattr(unit, "plan", None)
        unit.plan_or_none = plan
        if plan is not None:
            plan.unit, plan.process = unit, process
    budget = BudgetLine.objects.filter(process=process).aggregate(total=Sum("amount"))["total"]
    reserve = (
        BudgetSplit.objects.filter(process=process).values_list("reserve_amount", flat=True).first()
    )
    return Loaded(
        process=process,
        school_plan=school_plan,
        measures=school_plan_measures(school_plan),
        units=units,
        rules=framework_rule_list(process=process),
        categories={category.code: category for category in MeasureCategory.objects.all()},
        school_budget=amount(budget),
        reserve=reserve,
    )


# --- the content ------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(amount(value))


def _costs_json(costs: dict[int, Decimal], years: list[int]) -> dict[str, str]:
    return {str(year): str(costs.get(year, ZERO)) for year in years}


def _attribution(measure) -> dict:
    """The measure's cost per school year by unit: all of it to its own unit, or, for one
    combining several units' measures, split in proportion to what each unit's sources cost
    in that year (by their totals in a year none of them costs; equally if all are free)."""
    costs = per_year(measure.cost_per_year)
    if measure.unit_id is not None or not measure.traced:
        return {measure.unit_id: costs}
    by_year: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    totals: dict = defaultdict(lambda: ZERO)
    for source in measure.traced:
        totals[source.unit_id] += amount(source.total_cost)
        for year, value in per_year(source.cost_per_year).items():
            by_year[year][source.unit_id] += value
    units = list(totals)
    shares: dict = defaultdict(dict)
    for year, cost in costs.items():
        weights = {unit: by_year[year][unit] for unit in units}
        if not any(weights.values()):
            weights = dict(totals) if any(totals.values()) else dict.fromkeys(units, 1)
        for unit, part in split_by_weights(cost, weights).items():
            shares[unit][year] = part
    return shares


def _budget(loaded: Loaded, years: list[int]) -> dict:
    spent: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for measure in loaded.measures:
        for unit, costs in _attribution(measure).items():
            for year, value in costs.items():
                spent[unit][year] += value
    rows = []
    for unit in loaded.units:
        costs = spent.get(unit.pk, {})
        total = sum(costs.values(), ZERO)
        rows.append(
            {
                "unit": unit.pk,
                "name": unit.name,
                "budget": _money(unit.amount),
                "cost_per_year": _costs_json(costs, years),
                "total": str(total),
                "remainder": None if unit.amount is None else str(amount(unit.amount) - total),
            }
        )
    school_costs = {year: sum((spent[u][year] for u in spent), ZERO) for year in years}
    total = sum(school_costs.values(), ZERO)
    return {
        "units": rows,
        "school": {
            "budget": str(loaded.school_budget),
            "reserve": _money(loaded.reserve),
            "cost_per_year": _costs_json(school_costs, years),
            "total": str(total),
            "remainder": str(loaded.school_budget - total),
        },
    }


def _verdicts_json(verdicts, rules_by_key) -> list[dict]:
    return [
        {
            "rule": verdict.rule_key,
            "rule_text": rules_by_key[verdict.rule_key].text,
            "severity": verdict.severity,
            "ok": verdict.ok,
            "message": verdict.message,
            "measure": verdict.measure_key,
        }
        for verdict in verdicts
    ]


def _verdicts(loaded: Loaded) -> dict:
    rules_by_key = {str(rule.pk): rule for rule in loaded.rules}
    units = []
    for unit in loaded.units:
        mine = [m for m in loaded.measures if m.unit_id == unit.pk]
        if unit.plan_or_none is None or not mine:
            continue
        verdicts = plan_verdicts(unit.plan_or_none, measures=mine, rules=loaded.rules)
        units.append(
            {"unit": unit.pk, "name": unit.name, "verdicts": _verdicts_json(verdicts, rules_by_key)}
        )
    facts = PlanFacts(
        unit_budget=loaded.school_budget,
        measures=tuple(measure_facts(measure) for measure in loaded.measures),
    )
    school = run_checks([rule_facts(rule) for rule in loaded.rules], facts)
    return {"units": units, "school": _verdicts_json(school, rules_by_key)}


def is_minority(measure) -> bool:
    """A measure that benefits half of its unit or less (the majority-benefit code)."""
    return measure.benefit_share is not None and measure.benefit_share <= MAJORITY


def _source_json(source, plans_by_unit) -> dict:
    plan = plans_by_unit.get(source.unit_id)
    return {
        "unit": source.unit_id,
        "unit_name": source.unit_name,
        "unit_measure": source.unit_measure_id,
        "plan_revision": source.plan_revision,
        "current_revision": plan.revision if plan is not None else None,
        "title": source.title,
        "description": source.description,
        "category": source.category_code,
        "first_year": source.first_year,
        "last_year": source.last_year,
        "structural": source.structural,
        "cost_per_year": {str(y): str(v) for y, v in per_year(source.cost_per_year).items()},
        "total_cost": str(amount(source.total_cost)),
    }


def _measure_json(measure, plans_by_unit) -> dict:
    return {
        "key": str(measure.pk),
        "unit": measure.unit_id,
        "unit_name": measure.unit.name if measure.unit_id else None,
        "title": measure.title,
        "description": measure.description,
        "category": measure.category.code,
        "first_year": measure.first_year,
        "last_year": measure.last_year,
        "structural": measure.structural,
        "benefit_share": None if measure.benefit_share is None else str(measure.benefit_share),
        "minority_benefit": is_minority(measure),
        "changes_task_policy": measure.changes_task_policy,
        "cost_per_year": {str(y): str(v) for y, v in per_year(measure.cost_per_year).items()},
        "total_cost": str(amount(measure.total_cost)),
        "annotation": measure.annotation,
        "sources": [_source_json(source, plans_by_unit) for source in measure.traced],
        "changes": [
            change.as_json() for change in changes_module.measure_changes(measure, measure.traced)
        ],
    }


def content_of(loaded: Loaded) -> dict:
    """The school plan's content (see the module docstring), in the active language."""
    process = loaded.process
    years = sorted(
        {int(year) for measure in loaded.measures for year in (measure.cost_per_year or {})}
        | {year for measure in loaded.measures for year in (measure.first_year, measure.last_year)}
    )
    plans_by_unit = {unit.pk: unit.plan_or_none for unit in loaded.units if unit.plan_or_none}
    codes = {m.category.code for m in loaded.measures} | {
        source.category_code for m in loaded.measures for source in m.traced
    }
    return {
        "school": {"name": process.school.name, "brin": process.school.brin},
        "school_year": str(process.school_year),
        "start_year": process.school_year.start_year,
        "introduction": loaded.school_plan.introduction,
        "categories": {
            code: str(loaded.categories[code]) if code in loaded.categories else code
            for code in sorted(codes)
        },
        "years": years,
        "budget": _budget(loaded, years),
        "measures": [_measure_json(measure, plans_by_unit) for measure in loaded.measures],
        "verdicts": _verdicts(loaded),
        "minority_benefit": [str(m.pk) for m in loaded.measures if is_minority(m)],
        "overlaps": [
            {"first": str(o.first.pk), "second": str(o.second.pk), "reason": o.reason}
            for o in find_overlaps(loaded.measures)
        ],
    }


def school_plan_content(school_plan) -> dict:
    """The school plan as it stands, JSON-ready and in the school's language: what a version
    freezes, the pages show, the PDF prints and the archive exports."""
    with translation.override(settings.LANGUAGE_CODE):
        return content_of(load(school_plan))


# --- a frozen version's content, ready for the pages and the PDF --------------------------


def _year_label(year) -> str:
    return school_year_label(int(year))


def _change_label(change) -> str:
    labels = {
        "title": _("title"),
        "description": _("description"),
        "category": _("category"),
        "first_year": _("first school year"),
        "last_year": _("last school year"),
        "structural": _("structural"),
        "total_cost": _("total cost"),
    }
    if change["field"] == "cost_per_year":
        return _("cost in %(year)s") % {"year": _year_label(change["year"])}
    return labels.get(change["field"], change["field"])


def _change_value(field_name, value, categories) -> str:
    if value is None or value == "":
        return "–"
    if field_name in ("cost_per_year", "total_cost"):
        return format_euro(Decimal(str(value)))
    if field_name in ("first_year", "last_year"):
        return _year_label(value)
    if field_name == "structural":
        return _("yes") if value else _("no")
    if field_name == "category":
        return categories.get(value, value)
    return str(value)


def _measure_display(measure, years, categories) -> dict:
    changes = [
        {
            "field": change["field"],
            "label": _change_label(change),
            "old": _change_value(change["field"], change["old"], categories),
            "new": _change_value(change["field"], change["new"], categories),
            "unit": change["unit"],
            "year": change.get("year"),
        }
        for change in measure["changes"]
    ]
    changed_years = {c["year"]: c for c in changes if c["field"] == "cost_per_year"}
    total_change = next((c for c in changes if c["field"] == "total_cost"), None)
    costs = measure["cost_per_year"]
    return {
        **measure,
        "category_label": categories.get(measure["category"], measure["category"]),
        "years_label": " – ".join(
            dict.fromkeys([_year_label(measure["first_year"]), _year_label(measure["last_year"])])
        ),
        "units_label": measure["unit_name"]
        or ", ".join(dict.fromkeys(source["unit_name"] for source in measure["sources"])),
        "costs": [
            {"year": year, "amount": costs.get(str(year)), "change": changed_years.get(year)}
            for year in years
        ],
        "total_change": total_change,
        "changes": changes,
        "sources": [
            {**source, "category_label": categories.get(source["category"], source["category"])}
            for source in measure["sources"]
        ],
    }


def plan_display(content: dict) -> dict:
    """``content`` (a frozen version) with labels and per-year rows for the templates, in the
    active language: each measure's cost per school year with the unit's original where the
    merging group changed it, its sources (the trace) and its changes (old -> new)."""
    years = content["years"]
    categories = content["categories"]
    measures = [_measure_display(m, years, categories) for m in content["measures"]]
    titles = {m["key"]: m["title"] for m in measures}
    budget = content["budget"]

    def row(entry):
        costs = entry["cost_per_year"]
        remainder = entry["remainder"]
        return {
            **entry,
            "costs": [costs.get(str(year)) for year in years],
            "over": remainder is not None and Decimal(remainder) < 0,
        }

    severities = dict(FrameworkRule.Severity.choices)

    verdicts = [
        {
            **v,
            "unit_name": group["name"],
            "measure_title": titles.get(v["measure"]),
            "severity_label": severities.get(v["severity"], v["severity"]),
        }
        for group in content["verdicts"]["units"]
        for v in group["verdicts"]
        if not v["ok"]
    ] + [
        {
            **v,
            "unit_name": None,
            "measure_title": titles.get(v["measure"]),
            "severity_label": severities.get(v["severity"], v["severity"]),
        }
        for v in content["verdicts"]["school"]
        if not v["ok"]
    ]
    return {
        "years": [{"year": year, "label": _year_label(year)} for year in years],
        "measures": measures,
        "units": [row(unit) for unit in budget["units"]],
        "school": row(budget["school"]),
        "verdicts": verdicts,
        "overlaps": [
            {**o, "first_title": titles.get(o["first"]), "second_title": titles.get(o["second"])}
            for o in content["overlaps"]
        ],
        "changed_count": sum(1 for m in measures if m["changes"]),
    }
