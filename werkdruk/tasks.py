from celery import shared_task

from . import health


@shared_task(acks_late=True, ignore_result=True)
def beat_heartbeat() -> None:
    """Stamp the beat's heartbeat (seeded in the beat schedule, every minute)."""
    health.heartbeat_stamp()


@shared_task(acks_late=True, ignore_result=True)
def outbox_send(ids) -> None:
    """Send the outbox rows ``ids`` that this run can claim (``werkdruk.outbox.send_batch``)."""
    from . import outbox

    outbox.send_batch(ids)


@shared_task(acks_late=True, ignore_result=True)
def outbox_sweep() -> None:
    """Every minute (beat): dispatch due outbox rows, delete old ones."""
    from . import outbox

    outbox.sweep()
