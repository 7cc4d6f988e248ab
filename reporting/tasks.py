from celery import shared_task

from . import services


@shared_task(
    bind=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5
)
def report_job_run(self, job_id: int, lease: str | None = None, waited: bool = False) -> str | None:
    """Write the board report of one job (progress, file, done or failed).

    Delivered again while a run still looks alive (its worker was just lost, or the broker
    resent the message), it looks once more when that run's lease runs out, and then takes
    the job over or leaves it to the live run."""
    try:
        job = services.report_job_run(
            job_id=job_id, lease=lease, waited=waited, queue=_queue_of(self)
        )
    except services.LeaseHeld as held:
        raise self.retry(args=(job_id, lease, True), kwargs={}, countdown=held.seconds) from None
    return job.state if job else None


@shared_task
def report_jobs_watch() -> dict:
    """Every minute: start jobs whose worker was lost again; give up after a few runs."""
    return services.report_jobs_watch()


def _queue_of(task) -> str | None:
    """The queue the running task's message came from (None when it runs inline): a job's
    parts and merge go where the job was sent, to the workers that take report jobs."""
    info = getattr(task.request, "delivery_info", None) or {}
    return info.get("routing_key") or None


@shared_task(
    bind=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5
)
def report_part_run(self, job_id: int, attempt: int, school_id: int, position: int) -> str | None:
    """Render one school's part of a board report's PDF (see services, "in parts")."""
    job = services.report_part_run(
        job_id=job_id,
        attempt=attempt,
        school_id=school_id,
        position=position,
        queue=_queue_of(self),
    )
    return job.state if job else None


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def report_merge_run(job_id: int, attempt: int) -> str | None:
    """Merge a board report's parts into its PDF and store it (see services, "in parts")."""
    job = services.report_merge_run(job_id=job_id, attempt=attempt)
    return job.state if job else None
