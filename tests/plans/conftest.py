"""Fixtures for the frameworks: step 3 opened for real (the school, its people and its process
are the shared ones of tests/fixtures/people.py)."""

import pytest

from processes import registry
from tests.fixtures.language import english  # noqa: F401 - autouse, every test here
from tests.processes.conftest import sign_both


@pytest.fixture
def without_earlier_blockers(monkeypatch):
    """Steps 1 and 2 without their apps' blockers (units, split): those are tested in their own
    apps, and these tests need steps 1 and 2 signed off to reach step 3."""
    kept = {number: list(fns) for number, fns in registry._blockers.items() if number not in (1, 2)}
    monkeypatch.setattr(registry, "_blockers", kept)


@pytest.fixture
def step3_open(process, director, pmr, without_earlier_blockers):
    """``process`` with steps 1 and 2 signed off by director and PMR, so step 3 is open."""
    sign_both(process, 1, director, pmr)
    sign_both(process, 2, director, pmr)
    return process
