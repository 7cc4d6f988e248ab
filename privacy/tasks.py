from celery import shared_task

from .services import retention


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def retention_run() -> int:
    """Remove the personal data of staff whose board's retention period has passed (daily)."""
    return retention.retention_run()
