"""Fixtures of the spending tests: a process of school year 2025-2026 whose school plan is
ratified (as the models record it; the ratification services are tested in schoolplans)."""

from decimal import Decimal

import pytest
from django.utils import translation

from plans.models import MeasureCategory
from processes import services as process_services
from processes.agreement import content_hash
from processes.models import SchoolRole
from schoolplans.models import (
    RatificationRecord,
    SchoolPlan,
    SchoolPlanMeasure,
    SchoolPlanVersion,
)
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)

YEAR = 2025
# title, category, cost per school year
MEASURES = [
    ("Correctie-uren", "task_relief", {"2025": "5200.00"}),
    ("Onderwijsassistent", "extra_staff", {"2025": "15200.50", "2026": "15200.50"}),
    ("Scholing nakijken", "professionalisation", {"2025": "7700.25"}),
    ("Extra conciërge", "extra_staff", {"2025": "8750.00"}),
]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def school(db):
    school = SchoolFactory()
    StaffMemberFactory.create_batch(2, school=school)
    return school


@pytest.fixture
def director(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user


@pytest.fixture
def pmr(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user


@pytest.fixture
def board_admin(school):
    return BoardAdministratorFactory(board=school.board).user


@pytest.fixture
def staff_user(school):
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


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
