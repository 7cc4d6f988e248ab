import pytest

from processes import services
from processes.models import SchoolRole
from tests.factories import SchoolRoleFactory
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
def pmr2(school):
    return SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user


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
