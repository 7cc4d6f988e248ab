"""Read a unit plan's history for its history page: who created, changed or deleted the plan,
a measure or an acknowledged warning, when, and which fields went from what to what.

Built from django-simple-history's records in a fixed number of queries: each model's records
are loaded once (with their users and their causes) and compared in Python.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from werkdruk.money import format_euro

from ..models import FrameworkRule, Measure, MeasureCategory, UnitPlan, WarningAcknowledgement
from ..services.measure_costs import school_year_label
from .unit_plans import all_causes, unit_plan_get_for_user

# Fields the history does not list: bookkeeping, and the costs that follow from the inputs.
NOT_SHOWN = {
    "id",
    "plan",
    "process",
    "unit",
    "order",
    "created_at",
    "changed_at",
    "created_by",
    "cost_per_year",
    "rates",
    "acknowledged_at",
    "acknowledged_by",
    "acknowledged_by_name",
    "submitted_by",
    "approval_vote",
    "version",
}
LONGEST = 120
EUROS = {"amount", "hourly_rate", "total_cost"}
SCHOOL_YEARS = {"first_year", "last_year"}


@dataclass
class Change:
    at: object
    who: str
    subject: str  # "the plan", a measure's title, an acknowledged warning's rule
    kind: str  # "+" created, "~" changed, "-" deleted
    fields: list  # (label, old, new)


def _shown(value, field, names=None) -> str:
    if names is not None:
        value = names.get(value, value)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "✓" if value else "–"
    if value in (None, ""):
        return "–"
    if field.name in SCHOOL_YEARS:
        return school_year_label(value)
    if isinstance(value, Decimal):
        return format_euro(value) if field.name in EUROS else number_format(value.normalize())
    text = str(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def _cause_list(pks, names) -> str:
    return ", ".join(sorted(names[pk] for pk in pks if pk in names)) or "–"


def _changes(model, before, record, m2m, names) -> list[tuple]:
    """(label, old, new) for each field that differs between two records of one object (or
    that is filled in, for the first record)."""
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in NOT_SHOWN:
            continue
        new = getattr(record, field.attname)
        old = getattr(before, field.attname) if before is not None else None
        if (before is not None and old == new) or (before is None and new in (None, "", False)):
            continue
        lookup = names.get(field.attname)
        changes.append((field.verbose_name, _shown(old, field, lookup), _shown(new, field, lookup)))
    if m2m is not None:
        old_causes = m2m.get(before.history_id, set()) if before is not None else set()
        new_causes = m2m.get(record.history_id, set())
        if old_causes != new_causes:
            changes.append(
                (
                    model._meta.get_field("causes").verbose_name,
                    _cause_list(old_causes, names["causes"]),
                    _cause_list(new_causes, names["causes"]),
                )
            )
    return changes


def _entries(model, records, subject, names, *, m2m=None) -> list[Change]:
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        changes = [] if record.history_type == "-" else _changes(model, before, record, m2m, names)
        if record.history_type == "~" and not changes:
            continue  # only bookkeeping changed
        entries.append(
            Change(
                at=record.history_date,
                who=str(record.history_user) if record.history_user else "",
                subject=subject(record),
                kind=record.history_type,
                fields=changes,
            )
        )
    return entries


def _records(manager, **filters) -> list:
    queryset = manager.filter(**filters).select_related("history_user")
    return list(queryset.order_by("history_date", "history_id"))


def _m2m_causes(model, **filters) -> dict[int, set[int]]:
    """The causes each historical record of ``model`` selected by ``filters`` had
    (simple-history keeps them in a model of its own per many-to-many field), in one query."""
    through = apps.get_model("plans", f"Historical{model.__name__}_causes")
    rows = through.objects.filter(
        **{f"history__{name}": value for name, value in filters.items()}
    ).values_list("history_id", "workloadcause_id")
    causes: dict[int, set[int]] = {}
    for history_id, cause_id in rows:
        causes.setdefault(history_id, set()).add(cause_id)
    return causes


def unit_plan_history(*, user, process, unit_pk, limit=300) -> tuple:
    """(unit, plan, changes newest first, at most ``limit``), with the same access as the
    plan itself (404 for a unit of another process, 403 for whoever may not read the plan)."""
    unit, plan = unit_plan_get_for_user(user=user, process=process, unit_pk=unit_pk)
    rules = {rule.pk: str(rule) for rule in FrameworkRule.objects.filter(process=process)}
    names = {
        "causes": {cause.pk: str(cause) for cause in all_causes()},
        "category_id": {c.pk: str(c) for c in MeasureCategory.objects.all()},
        "rule_id": rules,
    }
    plan_records = _records(UnitPlan.history, id=plan.pk)
    measure_records = _records(Measure.history, plan_id=plan.pk)
    ack_records = _records(WarningAcknowledgement.history, plan_id=plan.pk)
    entries = [
        *_entries(
            UnitPlan,
            plan_records,
            lambda r: _("the plan"),
            names,
            m2m=_m2m_causes(UnitPlan, id=plan.pk),
        ),
        *_entries(
            Measure,
            measure_records,
            lambda r: r.title,
            names,
            m2m=_m2m_causes(Measure, plan_id=plan.pk),
        ),
        *_entries(
            WarningAcknowledgement,
            ack_records,
            lambda r: _("Warning: %(rule)s") % {"rule": rules.get(r.rule_id, "")},
            names,
        ),
    ]
    entries.sort(key=lambda change: change.at, reverse=True)
    return unit, plan, entries[:limit]
