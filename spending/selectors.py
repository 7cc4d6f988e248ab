"""Reads of the spending app: the ratified plan's measures with their planned and actual
spending per school year, totals per category and for the school, and the unspent money.

Figures (for the pages and for the annual report, section c):

- per measure and school year: *planned* is the ratified version's ``cost_per_year`` for that
  year; *actual* is what was recorded (0 when nothing was); *difference* = planned - actual,
  negative when the measure overspent;
- per category and for the school: the sums of those, to the cent;
- ``unspent(process)``: the school's planned minus actual spending in the process's school
  year. An overspend on one measure reduces what is left of the others; the total is never
  negative (an overspent plan leaves nothing, it does not carry a debt into next year).
  Cancelled measures count like the others: what was planned and not spent is unspent.
- ``spent_or_planned(process)``: the actual spending where recorded and the planned cost where
  nothing was recorded yet, for the carry-over (money nobody reported on is assumed spent as
  planned, so a carry-over never offers money that may still be spent).

Measures are numbered 1, 2, ... in the order of the ratified version; the version is frozen,
so a measure's number never changes. The import matches rows by that number.

Every read here runs a fixed number of queries, however many measures the plan has.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from plans.models import MeasureCategory
from schoolplans.models import RatificationRecord, SchoolPlanMeasure, SchoolPlanVersion

from .models import MeasureSpending

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")


def amount(value) -> Decimal:
    return Decimal(str(value or "0")).quantize(CENTS)


def year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


@dataclass
class MeasureFigures:
    """One ratified measure in one school year."""

    number: int
    measure_id: int | None  # the live SchoolPlanMeasure (None if it no longer exists)
    title: str
    unit_name: str
    category: str  # the category code
    category_label: str
    first_year: int
    last_year: int
    planned: Decimal
    actual: Decimal
    status: str
    status_label: str
    fte_hired: Decimal | None
    note: str
    recorded: bool  # a spending row exists for this year
    year: int
    version: int = 0  # the row's edit version (0: no row yet)

    @property
    def difference(self) -> Decimal:
        return self.planned - self.actual

    @property
    def runs_in_year(self) -> bool:
        return self.first_year <= self.year <= self.last_year


@dataclass
class Totals:
    """Sums over some measures (a category, or the whole school)."""

    planned: Decimal = ZERO
    actual: Decimal = ZERO
    count: int = 0

    @property
    def difference(self) -> Decimal:
        return self.planned - self.actual

    def add(self, figures: MeasureFigures) -> None:
        self.planned += figures.planned
        self.actual += figures.actual
        self.count += 1


@dataclass
class CategoryTotals(Totals):
    code: str = ""
    label: str = ""


@dataclass
class SpendingOverview:
    """The ratified plan's spending in one school year: measures, categories, school."""

    process: object
    version: SchoolPlanVersion
    year: int
    years: list[int]
    measures: list[MeasureFigures]
    categories: list[CategoryTotals]
    total: Totals = field(default_factory=Totals)

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def unspent(self) -> Decimal:
        return max(self.total.difference, ZERO)

    @property
    def spent_or_planned(self) -> Decimal:
        return sum((m.actual if m.recorded else m.planned for m in self.measures), ZERO)


def ratified_version(process) -> SchoolPlanVersion | None:
    """The ratified version of ``process``'s school plan (the latest, should there be more)."""
    record = (
        RatificationRecord.objects.filter(version__school_plan__process=process)
        .select_related("version")
        .defer("decision_list")  # tens of KB of JSON, not needed for the version
        .order_by("-ratified_at", "-pk")
        .first()
    )
    return record.version if record else None


def ratified_measures(version) -> list[dict]:
    """The ratified version's measures, each with its ``number`` (1-based, frozen)."""
    return [
        {**measure, "number": number}
        for number, measure in enumerate((version.content or {}).get("measures") or [], 1)
    ]


def plan_years(version) -> list[int]:
    content = version.content or {}
    years = {int(year) for year in content.get("years") or []}
    for measure in content.get("measures") or []:
        years.update(range(int(measure["first_year"]), int(measure["last_year"]) + 1))
    return sorted(years)


_UNREAD = object()


def spending_overview(
    process, *, year: int | None = None, version=_UNREAD
) -> SpendingOverview | None:
    """The spending of ``process``'s ratified plan in school ``year`` (start year; by default
    the process's own), or None when the plan is not ratified. Four queries; three when the
    caller gives the ``ratified_version`` it read (None: not ratified)."""
    if version is _UNREAD:
        version = ratified_version(process)
    if version is None:
        return None
    year = process.school_year.start_year if year is None else int(year)
    live = set(
        SchoolPlanMeasure.objects.filter(
            school_plan_id=version.school_plan_id, pk__in=_keys(version)
        ).values_list("pk", flat=True)
    )
    rows = {
        row.measure_id: row
        for row in MeasureSpending.objects.filter(process=process, start_year=year)
    }
    return _overview(process, version, year, live=live, rows=rows, labels=_labels())


def spending_overviews(pairs) -> dict[int, SpendingOverview]:
    """``spending_overview`` of each (process, ratified version) of ``pairs`` in the process's
    own school year, by process pk: three queries however many processes (none without)."""
    pairs = [(process, version) for process, version in pairs if version is not None]
    if not pairs:
        return {}
    live_query = Q(pk__in=[])
    rows_query = Q(pk__in=[])
    for process, version in pairs:
        live_query |= Q(school_plan_id=version.school_plan_id, pk__in=_keys(version))
        rows_query |= Q(process=process, start_year=process.school_year.start_year)
    live: dict[int, set[int]] = {}
    for plan_id, pk in SchoolPlanMeasure.objects.filter(live_query).values_list(
        "school_plan_id", "pk"
    ):
        live.setdefault(plan_id, set()).add(pk)
    rows: dict[int, dict] = {}
    for row in MeasureSpending.objects.filter(rows_query):
        rows.setdefault(row.process_id, {})[row.measure_id] = row
    labels = _labels()
    return {
        process.pk: _overview(
            process,
            version,
            process.school_year.start_year,
            live=live.get(version.school_plan_id, set()),
            rows=rows.get(process.pk, {}),
            labels=labels,
        )
        for process, version in pairs
    }


def _keys(version) -> list[int]:
    """The school plan measures the ratified ``version``'s measures were made from."""
    return [int(m["key"]) for m in ratified_measures(version) if str(m.get("key", "")).isdigit()]


def _labels() -> dict[str, str]:
    return {c.code: str(c) for c in MeasureCategory.objects.all()}


def _overview(process, version, year, *, live, rows, labels) -> SpendingOverview:
    """The overview from what was read: ``live``, the pks of the version's measures still in
    the plan; ``rows``, the year's recorded spending by measure pk; ``labels``, the categories'
    names by code (in the categories' order)."""
    entries = ratified_measures(version)
    statuses = dict(MeasureSpending.Status.choices)
    measures = []
    for entry in entries:
        key = int(entry["key"]) if str(entry.get("key", "")).isdigit() else None
        measure_id = key if key in live else None
        row = rows.get(measure_id)
        status = row.status if row else MeasureSpending.Status.PLANNED
        measures.append(
            MeasureFigures(
                number=entry["number"],
                measure_id=measure_id,
                title=entry.get("title", ""),
                unit_name=entry.get("unit_name") or _("whole school"),
                category=entry.get("category", ""),
                category_label=labels.get(entry.get("category"), entry.get("category", "")),
                first_year=int(entry["first_year"]),
                last_year=int(entry["last_year"]),
                planned=amount((entry.get("cost_per_year") or {}).get(str(year))),
                actual=row.actual if row else ZERO,
                status=status,
                status_label=str(statuses[status]),
                fte_hired=row.fte_hired if row else None,
                note=row.note if row else "",
                recorded=row is not None,
                year=year,
                version=row.version if row else 0,
            )
        )
    return SpendingOverview(
        process=process,
        version=version,
        year=year,
        years=plan_years(version) or [year],
        measures=measures,
        categories=_by_category(measures, labels),
        total=_total(measures),
    )


def _total(measures) -> Totals:
    total = Totals()
    for figures in measures:
        total.add(figures)
    return total


def _by_category(measures, labels) -> list[CategoryTotals]:
    order = {code: index for index, code in enumerate(labels)}
    categories: dict[str, CategoryTotals] = OrderedDict()
    for figures in sorted(measures, key=lambda m: (order.get(m.category, len(order)), m.number)):
        if figures.category not in categories:
            categories[figures.category] = CategoryTotals(
                code=figures.category, label=figures.category_label
            )
        categories[figures.category].add(figures)
    return list(categories.values())


def spending_overview_or_404(process, *, year=None) -> SpendingOverview:
    overview = spending_overview(process, year=year)
    if overview is None:
        raise Http404(_("This process has no ratified school plan yet."))
    return overview


def spending_not_ready(process) -> str | None:
    """Why the spending page of ``process`` has nothing to show yet (it answers 404), or None.
    One query."""
    if ratified_version(process) is None:
        return _("available once the school plan is ratified (step 11)")
    return None


def measure_figures(process, *, number: int, year: int | None = None) -> MeasureFigures:
    """One measure of the ratified plan by its number; 404 when there is no such measure."""
    overview = spending_overview_or_404(process, year=year)
    for figures in overview.measures:
        if figures.number == number and figures.measure_id is not None:
            return figures
    raise Http404


def unspent(process, *, year: int | None = None) -> Decimal:
    """Planned minus actual spending of the ratified plan in ``year`` (by default the process's
    school year), overspends included, never below zero; 0.00 without a ratified plan."""
    overview = spending_overview(process, year=year)
    return overview.unspent if overview else ZERO


def spent_or_planned(process, *, year: int | None = None) -> Decimal | None:
    """Actual spending where recorded, planned cost elsewhere (see the module), in ``year``;
    None without a ratified plan."""
    overview = spending_overview(process, year=year)
    return overview.spent_or_planned if overview else None


def spent_for_carry_over(process) -> Decimal | None:
    """What next year's carry-over counts as spent in ``process``'s own school year: actual
    where recorded and planned elsewhere, once anything is recorded; None before that (the
    offer then counts the plan)."""
    pk = getattr(process, "pk", process)
    if not MeasureSpending.objects.filter(process_id=pk).exists():
        return None
    overview = spending_overview(process)
    return overview.spent_or_planned if overview else None


def spending_by_category(process, *, year: int | None = None) -> list[CategoryTotals]:
    """Planned and actual spending per measure category (annual report, section c)."""
    overview = spending_overview(process, year=year)
    return overview.categories if overview else []
