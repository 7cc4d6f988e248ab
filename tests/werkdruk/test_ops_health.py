"""Issue 19, item 3: /health/ checks database, broker, storage and beat; /health/live/ nothing.

Each dependency is taken down on its own (patched to fail, or pointed at a port where nothing
listens): the answer is 503 and names that check, while the others still pass.
"""

import socket
from datetime import timedelta
from importlib import import_module
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu import Connection

from werkdruk import health
from werkdruk.celery import app
from werkdruk.models import Heartbeat
from werkdruk.tasks import beat_heartbeat

CHECKS = {"database", "broker", "storage", "beat"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def beat_ran(db):
    beat_heartbeat.apply()


def get_health(client=None):
    response = (client or Client()).get(reverse("health"))
    return response, response.json()


def failing(body) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_all_healthy_answers_200_with_each_check(beat_ran, tmp_path):
    response, body = get_health()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] and check["detail"] == "ok" for check in body["checks"].values())
    # The storage probe leaves nothing behind.
    probe_folder = tmp_path / "media" / health.STORAGE_PROBE_FOLDER
    assert not probe_folder.exists() or not any(probe_folder.iterdir())


def test_anonymous_needs_no_sign_in(beat_ran):
    """Also not in production behind the SSL redirect (SECURE_REDIRECT_EXEMPT, checked in
    test_ops_monitoring's production settings test)."""
    response, _ = get_health()
    assert response.status_code == 200  # not a redirect to the sign-in page


def test_database_down(beat_ran):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("refused")):
        response, body = get_health()

    assert response.status_code == 503
    assert body["status"] == "failing"
    # Beat's heartbeat lives in the database: without it, beat cannot be shown to run either.
    assert failing(body) == {"database", "beat"}
    assert body["checks"]["database"]["detail"] == "OperationalError"


def test_broker_down(beat_ran):
    unreachable = f"redis://127.0.0.1:{free_port()}/0"

    def connection_for_write(**kwargs):
        return Connection(unreachable, **kwargs)

    with mock.patch.object(app, "connection_for_write", side_effect=connection_for_write):
        response, body = get_health()

    assert response.status_code == 503
    assert failing(body) == {"broker"}
    assert body["checks"]["broker"]["seconds"] < 10  # a short timeout, no endless retrying


def test_storage_down(beat_ran):
    with mock.patch.object(health.default_storage, "save", side_effect=PermissionError("denied")):
        response, body = get_health()

    assert response.status_code == 503
    assert failing(body) == {"storage"}
    assert body["checks"]["storage"]["detail"] == "PermissionError"


def test_storage_that_returns_other_content(beat_ran):
    class Wrong:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return b"something else"

    with mock.patch.object(health.default_storage, "open", return_value=Wrong()):
        response, body = get_health()

    assert response.status_code == 503
    assert failing(body) == {"storage"}


def test_beat_never_ran(db):
    response, body = get_health()

    assert response.status_code == 503
    assert failing(body) == {"beat"}
    assert body["checks"]["beat"]["detail"] == "beat has not run yet"


def test_beat_stopped_long_ago(db, settings):
    settings.HEALTH_BEAT_STALE_SECONDS = 300
    Heartbeat.objects.create(job="beat", beat_at=timezone.now() - timedelta(seconds=301))

    response, body = get_health()

    assert response.status_code == 503
    assert failing(body) == {"beat"}
    assert "s old" in body["checks"]["beat"]["detail"]

    beat_heartbeat.apply()  # beat is back: the next tick makes it healthy again
    response, body = get_health()
    assert response.status_code == 200


def test_a_failure_is_logged_with_its_reason(db, caplog):
    with caplog.at_level("ERROR", logger="werkdruk.health"):
        get_health()
    assert "Health check beat failed: beat has not run yet" in caplog.text


def test_every_check_runs_even_when_all_fail(db):
    down = mock.patch.object(connection, "cursor", side_effect=OperationalError("refused"))
    with (
        down,
        mock.patch.object(app, "connection_for_write", side_effect=ConnectionError),
        mock.patch.object(health.default_storage, "save", side_effect=OSError),
    ):
        response, body = get_health()
    assert response.status_code == 503
    assert failing(body) == CHECKS


def test_the_heartbeat_is_in_the_beat_schedule(db):
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # The migration's seed, again: a transactional test before this one (same process) may have
    # emptied the table; it is idempotent.
    import_module("werkdruk.migrations.0002_ops_heartbeat").seed(apps, None)
    assert PeriodicTask.objects.filter(task="werkdruk.tasks.beat_heartbeat").count() == 1
    task = PeriodicTask.objects.get(task="werkdruk.tasks.beat_heartbeat")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")
    assert task.expire_seconds == 60


# --- liveness -------------------------------------------------------------------------------


def test_live_always_answers_200_and_touches_nothing():
    """No database fixture: pytest-django would fail the test on any query."""
    with (
        mock.patch.object(health, "run_checks", side_effect=AssertionError("no checks")),
        mock.patch.object(app, "connection_for_write", side_effect=AssertionError("no broker")),
    ):
        response = Client().get(reverse("health-live"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_live_answers_while_the_database_is_down():
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("refused")):
        response = Client().get(reverse("health-live"))
    assert response.status_code == 200
