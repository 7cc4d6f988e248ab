"""Integration tests: PostgreSQL, Redis and a real Celery worker in another process.

Run them with bin/run-integration-tests, which starts throwaway PostgreSQL and Redis servers
and sets DATABASE_URL and CELERY_BROKER_URL. Without those the tests here are skipped, and
with CI=true a skip is a failure (tests/conftest.py).
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
WORKER_NAME = "integration@localhost"
WORKER_START_TIMEOUT = 60
PR_SET_PDEATHSIG = 1


@pytest.fixture(scope="session", autouse=True)
def _integration_services_required():
    engine = settings.DATABASES["default"]["ENGINE"]
    broker = settings.CELERY_BROKER_URL or ""
    if "postgresql" not in engine or not broker.startswith("redis://"):
        pytest.skip(
            "integration tests need PostgreSQL and Redis: run bin/run-integration-tests "
            f"(database engine {engine}, broker {broker or 'none'})"
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("integration tests need CELERY_TASK_ALWAYS_EAGER=false")


def _test_database_url() -> str:
    """DATABASE_URL with the test database that pytest-django created in its place."""
    database = settings.DATABASES["default"]
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + quote(database["NAME"])))


@pytest.fixture(scope="session")
def celery_email_dir(tmp_path_factory) -> Path:
    """Where the worker's e-mail lands (Django's file backend: one file per connection)."""
    return tmp_path_factory.mktemp("celery-mail")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, celery_email_dir, tmp_path_factory):
    """A real `celery worker` subprocess on the test database and Redis, for the session.

    Tests that use it need `transactional_db`: the worker only sees committed data.
    Yields the Popen, with `nodename` and `log_path` (the worker's log) added.
    """
    log_path = tmp_path_factory.mktemp("celery-worker") / "worker.log"
    worker = worker_start(
        name=WORKER_NAME,
        log_path=log_path,
        pool=("--concurrency", "1", "-P", "solo"),
        env={"EMAIL_FILE_PATH": str(celery_email_dir)},
    )
    try:
        yield worker
    finally:
        worker_stop(worker)


def worker_start(*, name, log_path, pool, env=None, queue=None, new_session=False):
    """Start a `celery worker` on the test database and Redis and wait until it answers.

    ``pool``: the pool arguments; ``env``: more environment variables; ``queue``: consume only
    that queue (a test's own worker, next to the session's); ``new_session``: in its own
    process group, so a test can kill the worker with its pool children at once.
    """
    from werkdruk.celery import app

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "werkdruk.settings.test",
        "DATABASE_URL": _test_database_url(),
        "DB_CONN_MAX_AGE": "0",  # no connection left open when the test database is dropped
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND_OVERRIDE": "django.core.mail.backends.filebased.EmailBackend",
        **(env or {}),  # may replace any of the above (a test's own mail backend)
    }
    command = [sys.executable, "-m", "celery", "-A", "werkdruk", "worker", "-n", name]
    command += ["-l", "info", *pool, "--without-gossip", "--without-mingle"]
    if queue:
        command += ["-Q", queue]
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            start_new_session=new_session,
        )
    worker.log_path = log_path
    worker.nodename = name
    try:
        _wait_until_ready(app, worker)
    except BaseException:
        worker_stop(worker)
        raise
    return worker


def worker_stop(worker):
    if worker.poll() is not None:
        return
    worker.terminate()  # a warm shutdown
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _die_with_parent():
    """Linux: the worker is killed if pytest dies without running this fixture's teardown."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _wait_until_ready(app, worker):
    """Until the worker answers a ping sent through Redis."""
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            pytest.fail(
                f"the Celery worker exited with status {worker.returncode}:\n"
                + worker.log_path.read_text(errors="replace")[-5000:]
            )
        if app.control.ping(destination=[worker.nodename], timeout=1.0):
            return
    worker.kill()
    pytest.fail(
        f"the Celery worker did not answer within {WORKER_START_TIMEOUT} s:\n"
        + worker.log_path.read_text(errors="replace")[-5000:]
    )
