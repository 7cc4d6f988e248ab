import pytest

from processes import services
from processes.models import SchoolRole
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.fixtures.language import english  # noqa: F401 - autouse, every test here


@pytest.fixture(autouse=True)
def engine_blockers_only(monkeypatch):
    """The engine's tests run with only the staff-list blocker; each feature app tests its own
    blockers with real content (units, budget split)."""
    from processes import registry
    from units.steps.staff import step1_needs_active_staff

    monkeypatch.setattr(registry, "_blockers", {1: [step1_needs_active_staff]})
    monkeypatch.setattr(registry, "_completion_hooks", {})


@pytest.fixture
def school(db):
    school = SchoolFactory()
    StaffMemberFactory.create_batch(3, school=school)
    return school


@pytest.fixture
def school_year(db):
    return SchoolYearFactory(start_year=2026)


@pytest.fixture
def director(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user


@pytest.fixture
def pmr(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user


@pytest.fixture
def pmr2(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user


@pytest.fixture
def steering(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.STEERING).user


@pytest.fixture
def staff_user(school):
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


@pytest.fixture
def board_admin(school):
    return BoardAdministratorFactory(board=school.board).user


@pytest.fixture
def other_school(db):
    return SchoolFactory()


@pytest.fixture
def other_director(other_school):
    return SchoolRoleFactory(school=other_school, role=SchoolRole.Role.DIRECTOR).user


@pytest.fixture
def other_board_admin(other_school):
    return BoardAdministratorFactory(board=other_school.board).user


@pytest.fixture
def process(school, school_year, director):
    return services.process_create(school=school, school_year=school_year, actor=director)


def step(process, number):
    """A fresh copy of one step of ``process``."""
    return process.steps.get(number=number)


def sign_both(process, number, director, pmr):
    services.step_sign_off(step=step(process, number), actor=director)
    services.step_sign_off(step=step(process, number), actor=pmr)


def finish_steps_1_to_4(process, director, pmr):
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    services.step_complete_by_system(step=step(process, 4), summary="Vote adopted")
