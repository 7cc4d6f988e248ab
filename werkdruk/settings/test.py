"""Test run: fast hashing, mail kept in memory, tasks eager unless a test starts a real worker."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, CELERY_RESULT_BACKEND, DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A Celery worker started by the integration tests runs in another process, so
# its mail cannot reach the test's locmem outbox: it writes to files instead.
EMAIL_BACKEND = env.str("EMAIL_BACKEND_OVERRIDE", default=EMAIL_BACKEND)
if env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)


def _redis_db_after(url, offset):
    """The Redis URL ``offset`` database numbers further on (redis://host:port/0 when none)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + offset}"))


# Under pytest-xdist each worker (gw0, gw1, ...) has a test database of its own and starts a
# Celery worker of its own on it (tests/integration): a pair of Redis databases of its own too,
# or one worker's Celery worker would take another one's tasks. The Celery worker inherits
# PYTEST_XDIST_WORKER and so arrives at the same pair.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and CELERY_BROKER_URL.startswith("redis://"):
    _offset = 2 * int(_XDIST_WORKER.removeprefix("gw"))
    CELERY_BROKER_URL = _redis_db_after(CELERY_BROKER_URL, _offset)
    if CELERY_RESULT_BACKEND and CELERY_RESULT_BACKEND.startswith("redis://"):
        CELERY_RESULT_BACKEND = _redis_db_after(CELERY_RESULT_BACKEND, _offset)
# Unit tests run a report job inside the test's transaction, where a heartbeat thread (its own
# connection) would wait on locks; a worker started by the integration tests sets it.
REPORT_JOB_HEARTBEAT_SECONDS = env.float("REPORT_JOB_HEARTBEAT_SECONDS", default=0)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
LANGUAGE_CODE = "nl"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
