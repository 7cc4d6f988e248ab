"""Every difference between a school-plan measure and the unit measure(s) it came from, as
old -> new: pure, on loaded objects, no database.

The baseline of a measure taken over from one unit measure is that measure's snapshot (its
``MeasureSource``). The baseline of a measure that combines several is their sum: the titles
joined with " / ", the descriptions one after the other, the category if they share one, the
earliest first and the latest last school year, structural if any of them is, and the cost
per school year and in total added up. So a plain combination shows no change in money, and
every euro moved by the merging group does.

Values are JSON-ready (text, category code, start year, bool, amount as a string with cents),
so the changes are stored as they are in a frozen version of the school plan.
"""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from werkdruk.money import CENT

ZERO = Decimal("0.00")
TITLE_JOIN = " / "
DESCRIPTION_JOIN = "\n\n"

# The fields compared, in the order the changes are listed.
TITLE = "title"
DESCRIPTION = "description"
CATEGORY = "category"
FIRST_YEAR = "first_year"
LAST_YEAR = "last_year"
STRUCTURAL = "structural"
COST_PER_YEAR = "cost_per_year"
TOTAL_COST = "total_cost"
FIELDS = (
    TITLE,
    DESCRIPTION,
    CATEGORY,
    FIRST_YEAR,
    LAST_YEAR,
    STRUCTURAL,
    COST_PER_YEAR,
    TOTAL_COST,
)


@dataclass(frozen=True)
class Change:
    """One difference: ``field`` went from ``old`` (the unit's) to ``new`` (the school
    plan's). ``unit`` names the unit(s) the old value came from; ``year`` is the school year
    (its start year) of a change in the cost per school year."""

    field: str
    old: object
    new: object
    unit: str
    year: int | None = None

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Baseline:
    """What the unit(s) had: one source's values, or several sources' values combined."""

    title: str
    description: str
    category: str
    first_year: int
    last_year: int
    structural: bool
    cost_per_year: dict[int, Decimal]
    total_cost: Decimal
    unit: str


def amount(value) -> Decimal:
    """A stored amount (string, Decimal or None) as Decimal euros with cents."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def per_year(stored: dict | None) -> dict[int, Decimal]:
    """A stored ``{"2026": "1234.56"}`` as ``{2026: Decimal("1234.56")}``."""
    return {int(year): amount(value) for year, value in (stored or {}).items()}


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def baseline(sources: Sequence) -> Baseline:
    """The unit values ``sources`` (MeasureSource snapshots, in their order) add up to."""
    if not sources:
        raise ValueError("a school-plan measure has at least one source")
    costs: dict[int, Decimal] = {}
    for source in sources:
        for year, value in per_year(source.cost_per_year).items():
            costs[year] = costs.get(year, ZERO) + value
    categories = _unique(source.category_code for source in sources)
    return Baseline(
        title=TITLE_JOIN.join(source.title for source in sources),
        description=DESCRIPTION_JOIN.join(s.description for s in sources if s.description),
        category=categories[0] if len(categories) == 1 else ", ".join(categories),
        first_year=min(source.first_year for source in sources),
        last_year=max(source.last_year for source in sources),
        structural=any(source.structural for source in sources),
        cost_per_year=dict(sorted(costs.items())),
        total_cost=sum((amount(source.total_cost) for source in sources), ZERO),
        unit=", ".join(_unique(source.unit_name for source in sources)),
    )


def measure_changes(school_measure, sources: Sequence) -> list[Change]:
    """Every difference of ``school_measure`` from its ``sources`` (from their sum when it
    combines several), in the order of ``FIELDS``; cost changes per school year in year
    order. No sources, no baseline: an empty list (traceability is checked elsewhere)."""
    if not sources:
        return []
    old = baseline(sources)
    unit = old.unit
    changes = []
    for field, was, now in (
        (TITLE, old.title, school_measure.title),
        (DESCRIPTION, old.description, school_measure.description),
        (CATEGORY, old.category, school_measure.category.code),
        (FIRST_YEAR, old.first_year, school_measure.first_year),
        (LAST_YEAR, old.last_year, school_measure.last_year),
        (STRUCTURAL, old.structural, bool(school_measure.structural)),
    ):
        if was != now:
            changes.append(Change(field, was, now, unit))
    costs = per_year(school_measure.cost_per_year)
    for year in sorted(set(old.cost_per_year) | set(costs)):
        was, now = old.cost_per_year.get(year, ZERO), costs.get(year, ZERO)
        if was != now:
            changes.append(Change(COST_PER_YEAR, str(was), str(now), unit, year))
    total = amount(school_measure.total_cost)
    if old.total_cost != total:
        changes.append(Change(TOTAL_COST, str(old.total_cost), str(total), unit))
    return changes
