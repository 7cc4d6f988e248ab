"""Health checks for a load balancer and monitoring: ``/health/`` and ``/health/live/``.

``/health/live/`` touches nothing: the process answers (liveness). ``/health/`` checks what
the site needs (readiness): the database (one cheap query), the broker (a connection, with a
short timeout), the storage (a tiny file written, read back and deleted) and beat (its
heartbeat, stamped every minute through a worker, is recent). It answers JSON with each
check's status and HTTP 503 when any check fails. The answer, which anyone may read, gives a
failure's short finding or only the exception's type; the rest goes to the log.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

BEAT = "beat"
STORAGE_PROBE_FOLDER = "health"


class CheckFailed(Exception):
    """A check's own finding (not a crash): the message says what is wrong."""


def heartbeat_stamp(job: str = BEAT) -> None:
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(job=job, defaults={"beat_at": timezone.now()})


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    from .celery import app

    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    with app.connection_for_write(
        connect_timeout=timeout,
        transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout},
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return "ok"


def check_storage() -> str:
    content = uuid.uuid4().hex.encode()
    probe = f"{STORAGE_PROBE_FOLDER}/{uuid.uuid4().hex}.txt"
    name = default_storage.save(probe, ContentFile(content))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != content:
                raise CheckFailed("the file read back differs from the file written")
    finally:
        default_storage.delete(name)
    return "ok"


def check_beat() -> str:
    from .models import Heartbeat

    stamp = Heartbeat.objects.filter(job=BEAT).values_list("beat_at", flat=True).first()
    if stamp is None:
        raise CheckFailed("beat has not run yet")
    age = timezone.now() - stamp
    if age > timedelta(seconds=settings.HEALTH_BEAT_STALE_SECONDS):
        raise CheckFailed(f"the last heartbeat is {int(age.total_seconds())} s old")
    return "ok"


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str
    seconds: float


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "beat": check_beat,
}


def run_checks() -> list[Result]:
    """Every check, each on its own: one failing does not stop the others."""
    results = []
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            detail, ok = check(), True
        except CheckFailed as finding:
            detail, ok = str(finding), False
            logger.error("Health check %s failed: %s", name, finding)
        except Exception as error:
            detail, ok = type(error).__name__, False
            logger.exception("Health check %s failed", name)
        results.append(Result(name, ok, detail, round(time.monotonic() - started, 3)))
    return results
