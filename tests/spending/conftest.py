"""Fixtures of the spending tests: a process of school year 2025-2026 whose school plan is
ratified (as the models record it; the ratification services are tested in schoolplans)."""

from decimal import Decimal

import pytest

from plans.models import MeasureCategory
from processes import services as process_services
from processes.agreement import content_hash
from schoolplans.models import (
    RatificationRecord,
    SchoolPlan,
    SchoolPlanMeasure,
    SchoolPlanVersion,
)
from tests.factories import (
    SchoolFactory,
    SchoolYearFactory,
    StaffMemberFactory,
)
from tests.fixtures.language import english  # noqa: F401 - autouse, every test here

YEAR = 2025
# title, category, cost per school year
MEASURES = [
    ("Correctie-uren", "task_relief", {"2025": "5200.00"}),
    ("Onderwijsassistent", "extra_staff", {"2025": "15200.50", "2026": "15200.50"}),
    ("Scholing nakijken", "professionalisation", {"2025": "7700.25"}),
    ("Extra conciërge", "extra_staff", {"2025": "8750.00"}),
]


@pytest.fixture
def school(db):
    # Overrides the shared school (tests/fixtures/people.py): two staff members.
    school = SchoolFactory()
    StaffMemberFactory.create_batch(2, school=school)
    return school


@pytest.fixture
def process(school, director):
    year = SchoolYearFactory(start_year=YEAR)
    return process_services.process_create(school=school, school_year=year, actor=director)


def ratify(process, measures=MEASURES):
    """A school plan with ``measures`` and its ratified version (content keyed by the pks)."""
    school_plan = SchoolPlan.objects.create(process=process)
    categories = {c.code: c for c in MeasureCategory.objects.all()}
    entries = []
    for order, (title, category, costs) in enumerate(measures, 1):
        years = sorted(int(year) for year in costs)
        measure = SchoolPlanMeasure.objects.create(
            school_plan=school_plan,
            order=order,
            title=title,
            category=categories[category],
            first_year=years[0],
            last_year=years[-1],
            cost_per_year=costs,
            total_cost=sum(Decimal(v) for v in costs.values()),
        )
        entries.append(
            {
                "key": str(measure.pk),
                "unit": None,
                "unit_name": "",
                "title": title,
                "category": category,
                "first_year": years[0],
                "last_year": years[-1],
                "cost_per_year": costs,
            }
        )
    content = {"years": [YEAR, YEAR + 1], "measures": entries}
    version = SchoolPlanVersion.objects.create(
        school_plan=school_plan, number=1, content=content, content_hash=content_hash(content)
    )
    RatificationRecord.objects.create(version=version, decision_list=[], decision_list_hash="0")
    return version


@pytest.fixture
def ratified(process):
    ratify(process)
    return process
