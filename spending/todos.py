"""The dashboard's to-do for the director, who records the spending of a ratified plan: each
school year of the plan that has begun, this year's and last year's, with measures that have
no spending recorded yet (last year's is overdue: the annual report needs it).

Registered with ``processes.registry.register_todo_provider`` in ``SpendingConfig.ready()``.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import ngettext

from processes.models import ProcessStep
from processes.todos import Todo, current_start_year, overdue, school_roles
from schoolplans.models import RatificationRecord, SchoolPlanMeasure

from .models import MeasureSpending
from .selectors import plan_years, ratified_measures, year_label


def spending_todos(user, processes) -> dict[int, list[Todo]]:
    """ "Record the spending of <year>" per ratified process of a school the user directs.
    Two queries for such a director, none for anyone else."""
    ratified = [
        process.pk
        for process in processes
        if "director" in school_roles(user, process.school_id)
        and any(
            step.number == 11 and step.state == ProcessStep.State.DONE
            for step in process.steps.all()
        )
    ]
    if not ratified:
        return {}
    current = current_start_year()
    years = (current - 1, current)
    versions = {
        record.version.school_plan.process_id: record.version
        for record in RatificationRecord.objects.filter(
            version__school_plan__process_id__in=ratified
        )
        .select_related("version__school_plan")
        .only("version__content", "version__school_plan__process_id")  # not the decision list
        .order_by("ratified_at", "pk")
    }
    entries = {pk: ratified_measures(version) for pk, version in versions.items()}
    keys = {int(m["key"]) for ms in entries.values() for m in ms if str(m.get("key")).isdigit()}
    spent = {
        f"spent_{year}": Exists(
            MeasureSpending.objects.filter(measure=OuterRef("pk"), start_year=year)
        )
        for year in years
    }
    recorded = {
        pk: {year for year, done in zip(years, flags, strict=True) if done}
        for pk, *flags in SchoolPlanMeasure.objects.filter(pk__in=keys)
        .annotate(**spent)
        .values_list("pk", *spent)
    }
    todos: dict[int, list[Todo]] = {}
    for process_id, version in versions.items():
        for year in [y for y in plan_years(version) if y in years]:
            missing = sum(
                1
                for m in entries[process_id]
                if int(m["first_year"]) <= year <= int(m["last_year"])
                and str(m.get("key")).isdigit()
                and int(m["key"]) in recorded  # a measure no longer there cannot be recorded
                and year not in recorded[int(m["key"])]
            )
            if not missing:
                continue
            text = ngettext(
                "Record the spending of %(year)s: %(count)s measure has no figures yet",
                "Record the spending of %(year)s: %(count)s measures have no figures yet",
                missing,
            ) % {"year": year_label(year), "count": missing}
            url = reverse("spending:overview", args=[process_id]) + f"?year={year}"
            end = datetime.date(year + 1, 7, 31)  # the school year's last day
            todos.setdefault(process_id, []).append(Todo(text, url, urgent=overdue(end), due=end))
    return todos
