from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def report_job_run(job_id: int) -> str | None:
    """Write the board report of one queued job (progress, file, done or failed)."""
    job = services.report_job_run(job_id=job_id)
    return job.state if job else None
