"""Test run: fast hashing, mail kept in memory, tasks eager unless a test starts a real worker."""

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A Celery worker started by the integration tests runs in another process, so
# its mail cannot reach the test's locmem outbox: it writes to files instead.
EMAIL_BACKEND = env.str("EMAIL_BACKEND_OVERRIDE", default=EMAIL_BACKEND)
if env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Unit tests run in a transaction that is rolled back, so on-commit callbacks never run: with
# eager tasks the outbox sends at once (tests/outbox.py checks the on-commit path explicitly).
OUTBOX_SEND_ON_COMMIT = env.bool("OUTBOX_SEND_ON_COMMIT", default=not CELERY_TASK_ALWAYS_EAGER)
# Unit tests run a report job inside the test's transaction, where a heartbeat thread (its own
# connection) would wait on locks; a worker started by the integration tests sets it.
REPORT_JOB_HEARTBEAT_SECONDS = env.float("REPORT_JOB_HEARTBEAT_SECONDS", default=0)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
LANGUAGE_CODE = "nl"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
