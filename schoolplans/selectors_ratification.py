"""Reads for the pages of steps 10 and 11 and the decision list.

Every page starts from ``processes.selectors.process_get_for_user`` (404 for a user of another
school). A final version is readable by everyone of the school once it is published; before
that only by those who carry out the steps (director, PMR, steering group).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from plans.models import FrameworkRule, UnitPlan
from plans.services.measure_costs import school_year_label
from processes.models import ProcessStep
from processes.selectors import current_sign_offs, process_step
from processes.services import sign_off_sides_for
from units.models import OrganisationalUnit
from werkdruk.money import format_euro

from . import decision_list, publication
from .evaluation import evaluation_refusal, may_edit_evaluation
from .models import (
    EvaluationAgreement,
    PmrDecision,
    Publication,
    RatificationRecord,
    SchoolPlanVersion,
)
from .ratification import step11_blockers

COMPLETE = "processes.complete_step"


def _versions(process) -> list[SchoolPlanVersion]:
    """Every final version of the process's school plan, newest first, with what became of it."""
    versions = list(
        SchoolPlanVersion.objects.filter(school_plan__process=process)
        .select_related("created_by")
        .order_by("-number")
    )
    publications = {
        p.version_id: p
        for p in Publication.objects.filter(version__in=versions).select_related("published_by")
    }
    decisions: dict[int, list[PmrDecision]] = {}
    for decision in (
        PmrDecision.objects.filter(version__in=versions)
        .select_related("recorded_by")
        .prefetch_related("units_to_revise")
        .order_by("recorded_at", "pk")
    ):
        decisions.setdefault(decision.version_id, []).append(decision)
    ratified = set(
        RatificationRecord.objects.filter(version__in=versions).values_list("version_id", flat=True)
    )
    for version in versions:
        version.publication_row = publications.get(version.pk)
        version.decisions = decisions.get(version.pk, [])
        for decision in version.decisions:
            decision.version = version
        version.is_ratified = version.pk in ratified
    return versions


def may_read_unpublished(user, process) -> bool:
    return user.has_perm(COMPLETE, process)


def readable_versions(user, process) -> list[SchoolPlanVersion]:
    """The versions ``user`` may read: all for those who carry out the steps, else the
    published ones."""
    versions = _versions(process)
    if may_read_unpublished(user, process):
        return versions
    return [v for v in versions if v.publication_row is not None]


def version_get_for_user(*, user, process, number) -> SchoolPlanVersion:
    """Version ``number`` of the school plan; 404 if missing or not readable by ``user``."""
    for version in readable_versions(user, process):
        if version.number == number:
            return version
    raise Http404


@dataclass
class PublicationPage:
    step: ProcessStep
    version: SchoolPlanVersion | None  # the version shown: the latest readable
    latest: SchoolPlanVersion | None  # the latest final version (to publish)
    versions: list[SchoolPlanVersion]
    comments: list = field(default_factory=list)
    can_publish: bool = False
    can_comment: bool = False
    comment_period_open: bool = False


def publication_page(*, user, process) -> PublicationPage:
    step = process_step(process, publication.STEP)
    versions = readable_versions(user, process)
    shown = versions[0] if versions else None
    latest = publication.latest_version(process)
    sides = sign_off_sides_for(user, step)
    signed = current_sign_offs(step)
    can_publish = (
        step.state == ProcessStep.State.OPEN
        and latest is not None
        and publication.may_publish(user, step)
        and not (signed and all(side in signed for side in sides))
    )
    row = shown.publication_row if shown else None
    comments = list(row.comments.select_related("author")) if row else []
    period_open = row is not None and publication.comment_period_open(row)
    return PublicationPage(
        step=step,
        version=shown,
        latest=latest,
        versions=versions,
        comments=comments,
        can_publish=can_publish,
        can_comment=period_open and publication.may_comment(user, process),
        comment_period_open=period_open,
    )


@dataclass
class RatificationPage:
    step: ProcessStep
    version: SchoolPlanVersion | None  # the published version the PMR decides on
    versions: list[SchoolPlanVersion]
    evaluation: EvaluationAgreement | None
    signed: dict
    blockers: list[str]
    record: RatificationRecord | None
    units: list[OrganisationalUnit]
    decisions: list[PmrDecision]  # on every version, oldest first
    can_decide: bool = False
    can_sign: bool = False
    can_edit_evaluation: bool = False


def ratification_page(*, user, process) -> RatificationPage:
    step = process_step(process, 11)
    versions = _versions(process)
    published = [v for v in versions if v.publication_row is not None]
    version = published[0] if published else None
    # Decided on only while it is the latest final version (not after a refusal).
    current = version is not None and version is versions[0]
    signed = current_sign_offs(step)
    sides = sign_off_sides_for(user, step)
    is_open = step.state == ProcessStep.State.OPEN
    return RatificationPage(
        step=step,
        version=version,
        versions=published,
        evaluation=EvaluationAgreement.objects.filter(process=process).first(),
        signed=signed,
        blockers=step11_blockers(step) if is_open else [],
        record=decision_list.ratification_record_for(process),
        decisions=[d for v in reversed(versions) for d in v.decisions],
        units=list(
            OrganisationalUnit.objects.filter(
                process=process, plan__state=UnitPlan.State.SUBMITTED
            ).order_by("name", "pk")
        ),
        can_decide=is_open and current and "pmr" in sides and "pmr" not in signed,
        can_sign=is_open and "director" in sides and "director" not in signed,
        can_edit_evaluation=may_edit_evaluation(user, process) and evaluation_refusal(step) is None,
    )


@dataclass
class DecisionListPage:
    entries: list[dict]
    record: RatificationRecord | None


def decision_list_page(*, process) -> DecisionListPage:
    """The frozen list of the ratification if there is one, else the list as it stands."""
    record = decision_list.ratification_record_for(process)
    entries = record.decision_list if record else decision_list.decision_list_content(process)
    return DecisionListPage(entries=decision_list.entries_for_display(entries), record=record)


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
