from celery import shared_task

from .services import staff


@shared_task(acks_late=True)
def staff_import_job_run(job_id: int) -> str | None:
    """Run a large staff import (``units.services.staff.staff_import_job_run``)."""
    job = staff.staff_import_job_run(job_id=job_id)
    return job.state if job else None


@shared_task
def staff_import_jobs_clean() -> int:
    """Every night: delete staff import jobs kept long enough (``staff_import_jobs_clean``)."""
    return staff.staff_import_jobs_clean()
