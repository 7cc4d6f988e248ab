"""Reference data again after every transactional test.

Data migrations seed reference data (tests/seeds.py); a transactional test (browser,
integration, `django_db(transaction=True)`) empties every table when it ends. In one process
pytest-django runs those tests last, but pytest-xdist hands out whole files, so a worker runs
the ordinary tests of its next file after one: without this they would find no measure
categories, workload causes or default survey.
"""

import pytest
from django.test import TestCase, TransactionTestCase
from pytest_django.plugin import blocking_manager_key

from tests.seeds import reference_data_seed

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    if TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    return bool(cls and issubclass(cls, TransactionTestCase) and not issubclass(cls, TestCase))


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # After the last test the test database is gone already, and nothing needs the data.
    if nextitem is not None and is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            reference_data_seed()
