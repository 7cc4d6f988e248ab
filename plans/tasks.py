from celery import shared_task

from .services import unit_plan_notices as notices


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def plan_reminders_send() -> int:
    """Remind the units whose plan is not submitted that their deadline is near or past."""
    return notices.plan_reminders_send()
