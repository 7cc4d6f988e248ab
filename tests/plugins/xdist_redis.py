"""Under pytest-xdist: each xdist worker on Redis databases of its own.

Each xdist worker (gw0, gw1, ...) has a test database of its own, and the integration tests
start a Celery worker of its own on it (tests/integration/conftest.py). With one Redis database
for all of them, one xdist worker's Celery worker would take another one's tasks: xdist worker
n uses the databases 2n and 2n+1 after those that bin/run-integration-tests hands out.

The environment is changed, not only the settings: Celery reads CELERY_BROKER_URL and
CELERY_RESULT_BACKEND from the environment before its configuration, and the Celery worker
inherits the environment.
"""

import os
from urllib.parse import urlsplit, urlunsplit

URL_VARIABLES = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")


def redis_db_after(url: str, offset: int) -> str:
    """The Redis URL ``offset`` database numbers further on (redis://host:port is database 0)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + offset}"))


def xdist_redis_environment(environ) -> dict[str, str]:
    """The Redis URLs of this xdist worker, or nothing outside xdist or without Redis."""
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return {}
    offset = 2 * int(worker.removeprefix("gw"))
    return {
        name: redis_db_after(environ[name], offset)
        for name in URL_VARIABLES
        if environ.get(name, "").startswith("redis://")
    }


def pytest_configure(config):
    changes = xdist_redis_environment(os.environ)
    if not changes:
        return
    os.environ.update(changes)
    from django.conf import settings

    # pytest-django has loaded the settings already, with the URLs as they were.
    for name, url in changes.items():
        setattr(settings, name, url)
