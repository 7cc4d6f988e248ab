from celery import shared_task

from . import health


@shared_task(acks_late=True, ignore_result=True)
def beat_heartbeat() -> None:
    """Stamp the beat's heartbeat (seeded in the beat schedule, every minute)."""
    health.heartbeat_stamp()
