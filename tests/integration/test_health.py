"""Issue 19, item 3: /health/ against the real PostgreSQL and Redis of the integration run."""

from unittest import mock

from django.test import Client, override_settings
from django.urls import reverse

from tests.werkdruk.test_ops_health import free_port
from werkdruk.celery import app
from werkdruk.tasks import beat_heartbeat


def test_health_with_postgresql_and_redis_then_redis_unreachable(db, tmp_path):
    beat_heartbeat.apply()
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        response = Client().get(reverse("health"))
        assert response.status_code == 200, response.content
        assert app.conf.broker_url.startswith("redis://")

        # The project's own broker settings and timeouts, towards a port where nothing listens.
        unreachable = f"redis://127.0.0.1:{free_port()}/0"
        connect = app.connection_for_write
        with mock.patch.object(
            app, "connection_for_write", side_effect=lambda **kw: connect(url=unreachable, **kw)
        ):
            response = Client().get(reverse("health"))

    assert response.status_code == 503
    failing = {name for name, check in response.json()["checks"].items() if not check["ok"]}
    assert failing == {"broker"}
