from celery import shared_task

from .services import reminders


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def surveys_tick() -> dict:
    """Every few minutes: close rounds past their closing date, send due reminders."""
    return reminders.surveys_tick()
