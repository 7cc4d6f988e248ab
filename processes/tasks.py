from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def step_reminders_send() -> int:
    """Remind whoever must act on steps whose planned date is near or past."""
    return services.step_reminders_send()
