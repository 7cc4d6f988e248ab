"""Shared fixtures of the reporting tests: English msgids, and the ratified demo process."""

import pytest
from django.utils import translation

from plans.demo import demo_load
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey


@pytest.fixture(autouse=True)
def english(settings):
    """Messages asserted in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def demo(db):
    """The demo board and schools (``plans.demo.demo_load``'s result), at no recorded step."""
    return demo_load()


@pytest.fixture
def ratified_demo(demo):
    """Het Baken Lyceum's process of last school year, recorded through every step: ratified,
    with spending recorded and the survey rounds filled."""
    process = demo_ratified(demo)
    demo_spending(process)
    demo_survey(process)
    process.refresh_from_db()
    return process
