"""Shared pytest configuration.

Tests under tests/integration/ and tests/e2e/ are marked `integration` and `e2e` by folder.
With CI set (CI=true), such a test that is skipped (a missing browser, no PostgreSQL, an
import that failed) counts as a failure: CI must never go green without having run them.
Keep this module free of Django imports: tests/test_ci_skip_policy.py loads it on its own.
The fixtures every test folder shares (a school, its people, its process) live in
tests/fixtures/people.py, loaded below by name.
"""

import os
from pathlib import Path

import pytest

# Plugins of our own, one concern each (tests/plugins/), and the shared fixtures (tests/fixtures/).
pytest_plugins = [
    "tests.plugins.hypothesis_profiles",
    "tests.plugins.xdist_redis",
    "tests.plugins.reference_data",
    "tests.fixtures.people",
]

MARKED_FOLDERS = {"integration": "integration", "e2e": "e2e"}
NEVER_SKIP_IN_CI = frozenset(MARKED_FOLDERS.values())


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _folder_marker(path: Path) -> str | None:
    """The marker for tests/<folder> and everything in it, if that folder has one."""
    parts = path.parts
    for index, part in enumerate(parts[:-1]):
        if part == "tests" and parts[index + 1] in MARKED_FOLDERS:
            return MARKED_FOLDERS[parts[index + 1]]
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the markers must be there before `-m` deselects by them.
    for item in items:
        marker = _folder_marker(Path(item.path))
        if marker and not item.get_closest_marker(marker):
            item.add_marker(marker)


def _skip_reason(report) -> str:
    reason = str(report.longrepr)
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        reason = report.longrepr[2]
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        markers = sorted(m for m in NEVER_SKIP_IN_CI if item.get_closest_marker(m))
        if markers:
            report.outcome = "failed"
            report.longrepr = (
                f"CI=true: a test marked {', '.join(markers)} must run, "
                f"but it was skipped: {_skip_reason(report)}"
            )
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """A whole module skipped at import (pytest.importorskip) in tests/e2e or tests/integration."""
    report = yield
    path = getattr(collector, "path", None)
    if report.skipped and in_ci() and path is not None and _folder_marker(Path(path)):
        report.outcome = "failed"
        report.longrepr = (
            f"CI=true: {path} must run, but it was skipped at collection: {_skip_reason(report)}"
        )
    return report


@pytest.fixture(scope="session", autouse=True)
def _vote_key_dir(tmp_path_factory):
    """The votes' private keys in a folder of this test run (pytest removes old ones).

    Exported for the processes the tests start (the integration tests' Celery worker).
    """
    from django.conf import settings

    settings.VOTE_KEY_DIR = str(tmp_path_factory.mktemp("vote-keys"))
    os.environ["VOTE_KEY_DIR"] = settings.VOTE_KEY_DIR
    return Path(settings.VOTE_KEY_DIR)


@pytest.fixture(autouse=True)
def _unit_tests_run_tasks_eagerly(request):
    """Unit tests run Celery tasks eagerly and the outbox sends as soon as a row is written,
    as the test settings' defaults do, also in `make test`'s PostgreSQL run, whose environment
    turns eager tasks off for the integration tests' real worker.

    An override of its own, not monkeypatch: a test that calls `monkeypatch.undo()` while
    pytest-django's `settings` fixture is active would otherwise restore the value inside that
    fixture's override and leave it changed outside, for every later test of the process."""
    from werkdruk.celery import app

    if request.node.get_closest_marker("integration"):
        # Their tasks go to the real worker: whatever a unit test before them in this process
        # left in Celery's own configuration (it is not restored with Django's settings).
        from django.conf import settings

        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
        yield
        return
    from django.test import override_settings

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=True, OUTBOX_SEND_ON_COMMIT=False):
            yield
    finally:
        app.conf.task_always_eager = eager
