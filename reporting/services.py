"""Writes of the annual report: starting a board report job and running it.

One job per board, school year and format is active (queued or running) at a time: starting
again returns it. A job that has shown no sign of life for ``STALE_AFTER`` counts as stopped
(the worker died): pages show it as failed, and starting again marks it failed and queues a new
one. Running a job is not one transaction, on purpose: its progress must be visible to the
page while it runs, so each change of state is its own short write.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import Board
from processes.services import require_perm
from werkdruk.exceptions import DomainError

from . import documents, figures
from .models import ReportJob

logger = logging.getLogger(__name__)

VIEW_BOARD = "reporting.view_board_report"
STALE_AFTER = datetime.timedelta(minutes=15)
ACTIVE = (ReportJob.State.QUEUED, ReportJob.State.RUNNING)

# Stored as msgids, translated when shown.
FAILED = gettext_noop(
    "The report could not be written because of an error. Start it again; if it fails again, "
    "ask the application's administrator to look at the log."
)
STOPPED = gettext_noop(
    "The report stopped without finishing (the background worker did not report progress). "
    "Start it again."
)
NOT_QUEUED = gettext_noop(
    "The report could not be handed to the background worker. Start it again in a moment; if "
    "that fails too, ask the application's administrator to check the worker."
)


def is_stale(job, *, now=None) -> bool:
    """``job`` is queued or running but has not moved for longer than ``STALE_AFTER``."""
    now = now or timezone.now()
    return job.state in ACTIVE and job.updated_at < now - STALE_AFTER


def render_report(report, fmt: str) -> tuple[bytes, str]:
    """The bytes and file name of ``report`` (a school's or the board's) in ``fmt``."""
    if fmt == ReportJob.Format.PDF:
        content = documents.report_pdf(report)
    elif fmt == ReportJob.Format.DOCX:
        content = documents.report_docx(report)
    else:
        raise ValueError(f"Unknown report format {fmt!r}")
    return content, documents.report_filename(report, fmt)


@transaction.atomic
def report_job_start(*, board, school_year, fmt, actor) -> ReportJob:
    """Queue the board report of ``school_year`` in ``fmt`` (pdf, docx); the active job of the
    same board, year and format if there is one."""
    require_perm(actor, VIEW_BOARD, board)
    if fmt not in ReportJob.Format.values:
        raise DomainError(_("Choose PDF or Word (DOCX)."))
    Board.objects.select_for_update().get(pk=board.pk)  # one start at a time per board
    now = timezone.now()
    active = ReportJob.objects.select_for_update().filter(
        board=board, school_year=school_year, format=fmt, state__in=ACTIVE
    )
    for job in active.order_by("-created_at", "-pk"):
        if not is_stale(job, now=now):
            return job
        _finish(job, state=ReportJob.State.FAILED, error=STOPPED)
    job = ReportJob.objects.create(
        board=board, school_year=school_year, format=fmt, requested_by=actor
    )
    transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id) -> None:
    """Hand the job to the worker; when the broker cannot be reached the job fails at once
    with a message, so the page does not wait for a job nobody will run."""
    from .tasks import report_job_run  # the tasks module imports the services

    try:
        report_job_run.delay(job_id)
    except Exception:
        logger.exception("Annual report job %s could not be queued", job_id)
        now = timezone.now()
        ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
            state=ReportJob.State.FAILED, error=NOT_QUEUED, finished_at=now, updated_at=now
        )


def _claim(job_id) -> ReportJob | None:
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update()
            .select_related("board", "school_year")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state != ReportJob.State.QUEUED:
            return None  # gone, or already taken (a task delivered twice)
        now = timezone.now()
        job.state = ReportJob.State.RUNNING
        job.started_at = job.updated_at = now
        job.save(update_fields=["state", "started_at", "updated_at"])
        return job


def _progress(job_id):
    def progress(done: int, total: int) -> None:
        ReportJob.objects.filter(pk=job_id, state=ReportJob.State.RUNNING).update(
            progress_done=min(done, total), progress_total=total, updated_at=timezone.now()
        )

    return progress


def _finish(job, *, state, error="") -> None:
    job.state = state
    job.error = error
    job.finished_at = job.updated_at = timezone.now()
    job.save(update_fields=["state", "error", "finished_at", "updated_at", "file", "filename"])


def _store(job_id, content: bytes, filename: str) -> ReportJob:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ReportJob.State.RUNNING:
            return job  # marked stopped meanwhile: keep that verdict, store nothing
        job.file.save(filename, ContentFile(content), save=False)
        job.filename = filename
        job.progress_done = job.progress_total
        job.save(update_fields=["progress_done"])
        _finish(job, state=ReportJob.State.DONE)
        _drop_older_files(job)
        return job


def _drop_older_files(job) -> None:
    """Keep one file per board, school year and format: the newest. A report holds names (the
    decision timeline), so older copies are not kept longer than needed; their jobs stay listed."""
    older = ReportJob.objects.filter(
        board_id=job.board_id,
        school_year_id=job.school_year_id,
        format=job.format,
        state=ReportJob.State.DONE,
    ).exclude(pk=job.pk)
    names = [name for name in older.values_list("file", flat=True) if name]
    older.update(file="")
    storage = job.file.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def report_job_run(*, job_id) -> ReportJob | None:
    """Run the queued job ``job_id``: the board report school by school (progress stored after
    each), rendered and stored; done, or failed with a message. Never leaves it running."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        with translation.override(settings.LANGUAGE_CODE):  # the report is in the school's
            report = figures.board_report(
                board=job.board, school_year=job.school_year, progress=_progress(job.pk)
            )
            content, filename = render_report(report, job.format)
        return _store(job.pk, content, filename)
    except Exception:
        logger.exception("Annual report job %s failed", job.pk)
        return _fail(job.pk)


def _fail(job_id) -> ReportJob:
    """Mark the running job failed; a job marked stopped meanwhile keeps that verdict."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state == ReportJob.State.RUNNING:
            _finish(job, state=ReportJob.State.FAILED, error=FAILED)
        return job
