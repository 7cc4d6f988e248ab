from celery import shared_task

from .services import evaluation


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def evaluation_reminders_send() -> int:
    """Remind whoever is responsible for an evaluation moment that its date is near (once per
    moment)."""
    return evaluation.evaluation_reminders_send()
