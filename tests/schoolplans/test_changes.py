"""The changes of a school-plan measure from the unit measure(s) it came from: pure, on plain
objects; a combined measure against the sum of its sources."""

from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest

from schoolplans.changes import Change, baseline, measure_changes


@dataclass
class Source:
    unit_name: str = "OP onderbouw"
    title: str = "Onderwijsassistent brugklas"
    description: str = "Een assistent in de klas."
    category_code: str = "extra_staff"
    first_year: int = 2026
    last_year: int = 2027
    structural: bool = True
    cost_per_year: dict = field(default_factory=lambda: {"2026": "1000.00", "2027": "1000.00"})
    total_cost: Decimal = Decimal("2000.00")


def school_measure(source=None, **changes):
    """A school-plan measure taken over from ``source`` unchanged, then ``changes``."""
    source = source or Source()
    values = {
        "title": source.title,
        "description": source.description,
        "category": SimpleNamespace(code=source.category_code),
        "first_year": source.first_year,
        "last_year": source.last_year,
        "structural": source.structural,
        "cost_per_year": dict(source.cost_per_year),
        "total_cost": source.total_cost,
    }
    values.update(changes)
    return SimpleNamespace(**values)


def test_a_measure_taken_over_unchanged_has_no_changes():
    assert measure_changes(school_measure(), [Source()]) == []


def test_every_field_changed_is_listed_old_to_new_with_the_unit():
    measure = school_measure(
        title="Twee onderwijsassistenten",
        description="",
        category=SimpleNamespace(code="task_relief"),
        first_year=2027,
        last_year=2028,
        structural=False,
    )

    assert measure_changes(measure, [Source()]) == [
        Change("title", "Onderwijsassistent brugklas", "Twee onderwijsassistenten", "OP onderbouw"),
        Change("description", "Een assistent in de klas.", "", "OP onderbouw"),
        Change("category", "extra_staff", "task_relief", "OP onderbouw"),
        Change("first_year", 2026, 2027, "OP onderbouw"),
        Change("last_year", 2027, 2028, "OP onderbouw"),
        Change("structural", True, False, "OP onderbouw"),
    ]


def test_a_changed_amount_is_listed_per_school_year_and_in_the_total_to_the_cent():
    measure = school_measure(
        cost_per_year={"2026": "1000.00", "2027": "750.01", "2028": "0.10"},
        total_cost=Decimal("1750.11"),
    )

    changes = measure_changes(measure, [Source()])

    assert [c.as_json() for c in changes] == [
        {
            "field": "cost_per_year",
            "old": "1000.00",
            "new": "750.01",
            "unit": "OP onderbouw",
            "year": 2027,
        },
        {
            "field": "cost_per_year",
            "old": "0.00",
            "new": "0.10",
            "unit": "OP onderbouw",
            "year": 2028,
        },
        {
            "field": "total_cost",
            "old": "2000.00",
            "new": "1750.11",
            "unit": "OP onderbouw",
            "year": None,
        },
    ]


def test_a_combined_measure_is_compared_with_the_sum_of_its_sources():
    first = Source()
    second = Source(
        unit_name="OP bovenbouw",
        title="Assistent bovenbouw",
        description="",
        first_year=2027,
        last_year=2028,
        structural=False,
        cost_per_year={"2027": "500.50", "2028": "0.00"},
        total_cost=Decimal("500.50"),
    )
    old = baseline([first, second])
    assert old.title == "Onderwijsassistent brugklas / Assistent bovenbouw"
    assert old.description == "Een assistent in de klas."
    assert (old.first_year, old.last_year, old.structural) == (2026, 2028, True)
    assert old.cost_per_year == {
        2026: Decimal("1000.00"),
        2027: Decimal("1500.50"),
        2028: Decimal("0.00"),
    }
    assert old.total_cost == Decimal("2500.50")
    assert old.unit == "OP onderbouw, OP bovenbouw"

    combined = school_measure(
        title="Onderwijsassistenten",
        description=old.description,
        first_year=2026,
        last_year=2028,
        cost_per_year={"2026": "1000.00", "2027": "1500.50", "2028": "0.00"},
        total_cost=Decimal("2500.50"),
    )
    assert measure_changes(combined, [first, second]) == [
        Change(
            "title",
            "Onderwijsassistent brugklas / Assistent bovenbouw",
            "Onderwijsassistenten",
            "OP onderbouw, OP bovenbouw",
        )
    ]

    combined.cost_per_year["2027"] = "1500.00"
    combined.total_cost = Decimal("2500.00")
    assert [(c.field, c.old, c.new, c.year) for c in measure_changes(combined, [first, second])][
        1:
    ] == [
        ("cost_per_year", "1500.50", "1500.00", 2027),
        ("total_cost", "2500.50", "2500.00", None),
    ]


def test_sources_of_different_categories_make_any_category_a_change():
    sources = [Source(), Source(unit_name="OOP", category_code="ict")]
    measure = school_measure(
        category=SimpleNamespace(code="extra_staff"),
        title=baseline(sources).title,
        description=baseline(sources).description,
        cost_per_year={"2026": "2000.00", "2027": "2000.00"},
        total_cost=Decimal("4000.00"),
    )
    changes = measure_changes(measure, sources)
    assert changes == [Change("category", "extra_staff, ict", "extra_staff", "OP onderbouw, OOP")]


def test_no_sources_no_baseline():
    assert measure_changes(school_measure(), []) == []
    with pytest.raises(ValueError):
        baseline([])
