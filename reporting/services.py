"""Writes of the annual report: starting a board report job and running it.

One job per board, school year and format is active (queued or running) at a time: starting
again returns it. Running a job is not one transaction, on purpose: its progress must be visible
to the page while it runs, so each change of state is its own short write.

A worker can be lost while it runs a job (its process killed, its machine gone). So a running
job writes a heartbeat (``updated_at``) every ``REPORT_JOB_HEARTBEAT_SECONDS``, also during one
long WeasyPrint call, and a job silent for ``REPORT_JOB_ORPHAN_SECONDS`` counts as orphaned. It
is started again by its own task when the broker delivers that again (a worker child killed,
with ``acks_late`` and ``reject_on_worker_lost``), or else by the watchdog task that beat runs
every minute (a whole machine gone: Redis gives its message back only after an hour). Each run
has a number (``attempt``): a run writes progress and its file only while the job still carries
its number, and a run starts only by a conditional update of the locked row, so two deliveries
never run together and never both store a file. After ``REPORT_JOB_MAX_ATTEMPTS`` runs the job
fails with a message. A job with no sign of life at all, neither from a worker nor from the
watchdog, counts as stopped (``is_stale``): pages show it as failed, and starting again marks it
failed and queues a new one.
"""

import datetime
import logging
import pickle
import threading
import time
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import Board, School
from processes.services import require_perm
from werkdruk.exceptions import DomainError
from werkdruk.storage import stored_files_delete

from . import documents
from .models import ReportJob, ReportJobPart, new_lease
from .selectors import figures

logger = logging.getLogger(__name__)

VIEW_BOARD = "reporting.view_board_report"
ACTIVE = (ReportJob.State.QUEUED, ReportJob.State.RUNNING)
# A queued job that no worker took for this long will not be taken (no worker, a lost message).
QUEUED_STALE_AFTER = datetime.timedelta(minutes=15)
# A running job is restarted within a minute after its orphan limit; one silent for this many
# orphan limits was not restarted: the watchdog does not run either.
RUNNING_STALE_FACTOR = 5
# A heartbeat thread stops after this long, so a run hung for good stops looking alive.
RUN_LIMIT = datetime.timedelta(minutes=30)

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
GAVE_UP = gettext_noop(
    "The report was started again each time the background worker stopped, but the worker "
    "stopped every time. Ask the application's administrator to check the worker before you "
    "start it again."
)
RESTARTED = gettext_noop("Started again after the background worker stopped (attempt %(attempt)s).")


class LeaseHeld(Exception):
    """The job's run showed a sign of life lately: look again in ``seconds``."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class LeaseLost(Exception):
    """The job is no longer this run's (restarted after it looked lost, or marked stopped)."""


def orphan_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_JOB_ORPHAN_SECONDS)


def is_orphaned(job, *, now=None) -> bool:
    """``job`` is running but its run has shown no sign of life for the orphan limit."""
    now = now or timezone.now()
    return job.state == ReportJob.State.RUNNING and job.updated_at < now - orphan_after()


def is_stale(job, *, now=None) -> bool:
    """``job`` is active but nothing moved it for so long that nothing will: a queued job for
    ``QUEUED_STALE_AFTER``, a running one (neither heartbeat nor restart) for
    ``RUNNING_STALE_FACTOR`` orphan limits."""
    now = now or timezone.now()
    if job.state == ReportJob.State.QUEUED:
        limit = QUEUED_STALE_AFTER
    elif job.state == ReportJob.State.RUNNING:
        limit = RUNNING_STALE_FACTOR * orphan_after()
    else:
        return False
    return job.updated_at < now - limit


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
    transaction.on_commit(partial(_queue, job.pk, job.lease))
    return job


def _queue(job_id, lease) -> None:
    """Hand the job to the worker; when the broker cannot be reached the job fails at once
    with a message, so the page does not wait for a job nobody will run."""
    from .tasks import report_job_run  # the tasks module imports the services

    try:
        report_job_run.delay(job_id, lease)
    except Exception:
        logger.exception("Annual report job %s could not be queued", job_id)
        now = timezone.now()
        ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED, lease=lease).update(
            state=ReportJob.State.FAILED, error=NOT_QUEUED, finished_at=now, updated_at=now
        )


def _claim(job_id, lease=None, *, waited=False, now=None) -> ReportJob | None:
    """Start a run of the job for the task message carrying ``lease`` (None: a message sent
    before leases, which any lease matches); None when there is nothing for it to do.

    A queued job is started. A running job whose message is delivered again lost its worker,
    or the broker resent the message while the run goes on: it is taken over once the run has
    been silent for the orphan limit; before that, ``LeaseHeld`` says when to look again, and
    a second look (``waited``) that finds the run alive leaves the job to it. The row is locked
    and the run number goes up, which fences the earlier run off (see ``_beat``, ``_store``).
    """
    with transaction.atomic():
        job = (
            ReportJob.objects.select_for_update()
            .select_related("board", "school_year")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state not in ACTIVE:
            return None  # gone, or finished
        if lease is not None and job.lease != lease:
            return None  # a message the watchdog replaced by a newer one
        now = now or timezone.now()
        if job.state == ReportJob.State.RUNNING:
            silent = now - job.updated_at
            if silent < orphan_after():
                if waited:
                    return None  # the run is alive; the watchdog restarts it should it stop
                raise LeaseHeld((orphan_after() - silent).total_seconds() + 1)
            if job.attempt >= settings.REPORT_JOB_MAX_ATTEMPTS:
                _finish(job, state=ReportJob.State.FAILED, error=GAVE_UP)
                return None
            logger.warning(
                "Annual report job %s: run %s stopped answering; starting it again",
                job.pk,
                job.attempt,
            )
        job.state = ReportJob.State.RUNNING
        job.attempt += 1
        job.progress_done = 0
        job.started_at = job.updated_at = now
        job.save(update_fields=["state", "attempt", "progress_done", "started_at", "updated_at"])
        return job


def _beat(job_id, attempt) -> bool:
    """A sign of life of run ``attempt``; False when the job is no longer that run's."""
    return bool(
        ReportJob.objects.filter(pk=job_id, state=ReportJob.State.RUNNING, attempt=attempt).update(
            updated_at=timezone.now()
        )
    )


class Heartbeat(threading.Thread):
    """Calls ``beat`` every ``interval`` seconds until stopped, while the run renders (one
    WeasyPrint call takes tens of seconds and reports nothing). Stops when ``beat`` says the job
    is no longer the run's (``lost`` is then set) and after ``limit`` seconds, so a run hung for
    good stops looking alive. Runs in its own thread, with its own database connection."""

    def __init__(self, beat, *, interval: float, limit: float):
        super().__init__(name="report-job-heartbeat", daemon=True)
        self.beat = beat
        self.interval = interval
        self.limit = limit
        self.lost = threading.Event()
        self._done = threading.Event()

    def run(self):
        deadline = time.monotonic() + self.limit
        try:
            while not self._done.wait(self.interval) and time.monotonic() < deadline:
                try:
                    if not self.beat():
                        self.lost.set()
                        return
                except Exception:  # the database is away for a moment: try again next time
                    logger.exception("Heartbeat of an annual report job failed")
        finally:
            connection.close()  # this thread's own connection

    def stop(self):
        self._done.set()
        self.join()


def _heartbeat_start(job_id, attempt) -> Heartbeat | None:
    interval = settings.REPORT_JOB_HEARTBEAT_SECONDS
    if not interval:
        return None
    heartbeat = Heartbeat(
        partial(_beat, job_id, attempt), interval=interval, limit=RUN_LIMIT.total_seconds()
    )
    heartbeat.start()
    return heartbeat


def _progress(job_id, attempt):
    def progress(done: int, total: int) -> None:
        updated = ReportJob.objects.filter(
            pk=job_id, state=ReportJob.State.RUNNING, attempt=attempt
        ).update(progress_done=min(done, total), progress_total=total, updated_at=timezone.now())
        if not updated:
            raise LeaseLost  # another run has it now, or it was marked stopped: stop here

    return progress


def _finish(job, *, state, error="") -> None:
    job.state = state
    job.error = error
    job.finished_at = job.updated_at = timezone.now()
    job.save(update_fields=["state", "error", "finished_at", "updated_at", "file", "filename"])
    if state == ReportJob.State.FAILED:
        _parts_drop(job.pk)  # parts of a PDF in parts (see below) serve no more


def _store(job_id, attempt, content: bytes, filename: str) -> ReportJob:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ReportJob.State.RUNNING or job.attempt != attempt:
            return job  # marked stopped, or another run has it: store nothing
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
    names = list(older.exclude(file="").values_list("file", flat=True))
    older.update(file="")
    stored_files_delete(names, storage=job.file.storage)


def report_files_delete(*, board_ids) -> int:
    """Delete the stored report files of the boards ``board_ids`` (their jobs stay listed,
    without a file; the board writes the report again). Used by the removal of a person
    (privacy): a report names people, and a file written before the removal would keep the
    name. Returns how many files go."""
    done = ReportJob.objects.filter(board_id__in=board_ids).exclude(file="")
    names = list(done.values_list("file", flat=True))
    done.update(file="")
    stored_files_delete(names)
    return len(names)


def report_job_run(*, job_id, lease=None, waited=False, queue=None) -> ReportJob | None:
    """Run the job ``job_id`` for the task message carrying ``lease``: the board report school
    by school (progress stored after each, a heartbeat in between), rendered and stored; done,
    or failed with a message. None when there was nothing to run (see ``_claim``, which may
    raise ``LeaseHeld``). Never leaves its run running, unless its worker is lost."""
    job = _claim(job_id, lease, waited=waited)
    if job is None:
        return None
    attempt = job.attempt
    if _in_parts(job):
        return _parts_start(job, attempt, queue=queue)
    heartbeat = _heartbeat_start(job.pk, attempt)
    try:
        with translation.override(settings.LANGUAGE_CODE):  # the report is in the school's
            report = figures.board_report(
                board=job.board, school_year=job.school_year, progress=_progress(job.pk, attempt)
            )
            content, filename = render_report(report, job.format)
        return _store(job.pk, attempt, content, filename)
    except LeaseLost:
        logger.warning("Annual report job %s: run %s was replaced; it stops", job.pk, attempt)
        return ReportJob.objects.get(pk=job.pk)
    except Exception:
        logger.exception("Annual report job %s failed", job.pk)
        return _fail(job.pk, attempt)
    finally:
        if heartbeat is not None:
            heartbeat.stop()


# --- the board report's PDF in parts ------------------------------------------------------------
#
# WeasyPrint lays a document out in one process, and its time and memory grow with the
# document: the board's whole report took 38 s and 1.1 GiB. So a board's PDF is rendered school
# by school, each school by its own task (``report_part_run``), as many at once as there are
# worker processes, each part stored through the default storage (web and workers may be on
# different machines). The part that completes the set queues the merge (``report_merge_run``),
# which renders the cover (the summary and the contents, with the merged file's page numbers),
# joins the parts with pypdf, numbers every page and stores the report like a single rendering
# would. Celery's chord would need a result backend; the database is the join here, under the
# job's row lock. The run's number fences the parts like the rest of the run: a part or a merge
# of a replaced run stores nothing, and a failed part fails the job.


def _in_parts(job) -> bool:
    minimum = settings.REPORT_PDF_PARTS_MIN_SCHOOLS
    return (
        job.format == ReportJob.Format.PDF
        and bool(minimum)
        and job.board.schools.count() >= minimum
    )


def _parts_drop(job_id, *, attempt=None, except_attempt=None) -> None:
    """Delete the stored parts of ``job_id``: those of run ``attempt``, or all but
    ``except_attempt``'s, or all."""
    parts = ReportJobPart.objects.filter(job_id=job_id)
    if attempt is not None:
        parts = parts.filter(attempt=attempt)
    if except_attempt is not None:
        parts = parts.exclude(attempt=except_attempt)
    for part in parts:
        part.delete()  # its file too (models.report_job_part_file_delete)


def _parts_start(job, attempt, *, queue=None) -> ReportJob:
    """Queue one part per school of the run ``attempt`` (on ``queue``, the job's own; None:
    the default); the job runs on in those tasks."""
    from celery import group

    from .tasks import report_part_run

    schools = list(job.board.schools.order_by("name", "pk").values_list("pk", flat=True))
    _parts_drop(job.pk, except_attempt=attempt)
    # The biggest parts first (a part's pages and time follow its school plan's measures): the
    # last parts to start are then short, so the worker processes finish close together
    # instead of one rendering a big school alone while the others wait for the merge.
    size = _part_sizes(job)
    order = sorted(enumerate(schools, 1), key=lambda item: -size.get(item[1], 0))
    ReportJob.objects.filter(pk=job.pk, state=ReportJob.State.RUNNING, attempt=attempt).update(
        progress_done=0, progress_total=len(schools), updated_at=timezone.now()
    )
    try:
        group(
            report_part_run.si(job.pk, attempt, school_id, position)
            for position, school_id in order
        ).apply_async(**({"queue": queue} if queue else {}))
    except Exception:
        logger.exception("Annual report job %s: its parts could not be queued", job.pk)
        return _fail(job.pk, attempt)
    return ReportJob.objects.get(pk=job.pk)


def _part_sizes(job) -> dict[int, int]:
    """An estimate of each school's part, by school id: its school plan's measures this
    school year (the section's tables and the appendix's decisions grow with them)."""
    from schoolplans.models import SchoolPlanMeasure

    return dict(
        SchoolPlanMeasure.objects.filter(
            school_plan__process__school__board_id=job.board_id,
            school_plan__process__school_year_id=job.school_year_id,
        )
        .values_list("school_plan__process__school_id")
        .annotate(count=Count("pk"))
        .values_list("school_plan__process__school_id", "count")
    )


def _running(job_id, attempt) -> ReportJob | None:
    return (
        ReportJob.objects.select_related("board", "school_year")
        .filter(pk=job_id, state=ReportJob.State.RUNNING, attempt=attempt)
        .first()
    )


def _part_store(job_id, attempt, position, part, report) -> bool:
    """Store school ``position``'s part of run ``attempt`` and count it; True when it
    completes the set (the caller queues the merge). Raises ``LeaseLost`` when the run is no
    longer the job's; a part stored already (its task delivered again) is not stored twice."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ReportJob.State.RUNNING or job.attempt != attempt:
            raise LeaseLost
        parts = ReportJobPart.objects.filter(job_id=job_id, attempt=attempt)
        if parts.filter(position=position).exists():
            return False
        stored = ReportJobPart(
            job=job,
            attempt=attempt,
            position=position,
            pages=part.pages,
            appendix_from=part.appendix_from,
            figures=pickle.dumps(report),
        )
        stored.file.save("part.pdf", ContentFile(part.content), save=False)
        stored.save()
        done = parts.count()
        job.progress_done = min(done, job.progress_total)
        job.updated_at = timezone.now()
        job.save(update_fields=["progress_done", "updated_at"])
        return done == job.progress_total


def report_part_run(*, job_id, attempt, school_id, position, queue=None) -> ReportJob | None:
    """Render school ``position``'s part of the board report of run ``attempt`` and store it;
    the part that completes the set queues the merge. A failure fails the job (with the
    message of a failed report) and drops its parts. None when the run is no longer the job's."""
    job = _running(job_id, attempt)
    if job is None:
        return None
    heartbeat = _heartbeat_start(job_id, attempt)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            school = School.objects.get(pk=school_id, board_id=job.board_id)
            report = figures.school_report(school=school, school_year=job.school_year)
            part = documents.board_part_pdf(report, position=position)
        complete = _part_store(job_id, attempt, position, part, report)
    except LeaseLost:
        logger.warning("Annual report job %s: run %s was replaced; its part stops", job_id, attempt)
        return ReportJob.objects.get(pk=job_id)
    except Exception:
        logger.exception("Annual report job %s failed at its school number %s", job_id, position)
        job = _fail(job_id, attempt)
        _parts_drop(job_id, attempt=attempt)
        return job
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    if complete:
        from .tasks import report_merge_run

        try:
            report_merge_run.apply_async((job_id, attempt), **({"queue": queue} if queue else {}))
        except Exception:
            logger.exception("Annual report job %s: its merge could not be queued", job_id)
            job = _fail(job_id, attempt)
            _parts_drop(job_id, attempt=attempt)
            return job
    return ReportJob.objects.get(pk=job_id)


def report_merge_run(*, job_id, attempt) -> ReportJob | None:
    """Build the board report of run ``attempt`` from its stored parts, store it (done) and
    delete the parts; failed with a message on an error. None when the run is not the job's."""
    job = _running(job_id, attempt)
    if job is None:
        return None
    heartbeat = _heartbeat_start(job_id, attempt)
    try:
        stored = list(
            ReportJobPart.objects.filter(job_id=job_id, attempt=attempt).order_by("position")
        )
        with translation.override(settings.LANGUAGE_CODE):
            if [part.position for part in stored] != list(range(1, job.progress_total + 1)):
                raise RuntimeError("A part of the board report is missing")
            # Our own tasks pickled these (``_part_store``) in our own database.
            reports = [pickle.loads(part.figures) for part in stored]  # noqa: S301
            report = figures.board_report(
                board=job.board, school_year=job.school_year, reports=reports
            )
            parts = []
            for part in stored:
                with part.file.open("rb") as file:
                    parts.append(
                        documents.BoardPart(
                            content=file.read(), pages=part.pages, appendix_from=part.appendix_from
                        )
                    )
            content = documents.board_pdf_merge(report, parts)
            del parts
            filename = documents.report_filename(report, ReportJob.Format.PDF)
        return _store(job_id, attempt, content, filename)
    except Exception:
        logger.exception("Annual report job %s failed while its parts were merged", job_id)
        return _fail(job_id, attempt)
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        _parts_drop(job_id, attempt=attempt)  # merged, or the run failed: they served


def _fail(job_id, attempt) -> ReportJob:
    """Mark the run failed; a job marked stopped or run by another run meanwhile is left."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.state == ReportJob.State.RUNNING and job.attempt == attempt:
            _finish(job, state=ReportJob.State.FAILED, error=FAILED)
        return job


def report_jobs_watch(*, now=None) -> dict:
    """The watchdog's work (beat runs it every minute): start running jobs whose run has
    been silent for the orphan limit again, under a new lease (the old message then does
    nothing), until ``REPORT_JOB_MAX_ATTEMPTS`` runs; mark jobs that nothing moved for too
    long (``is_stale``) as stopped. Returns how many jobs it restarted and failed."""
    now = now or timezone.now()
    restarted = failed = 0
    silent = ReportJob.objects.filter(state__in=ACTIVE, updated_at__lt=now - orphan_after())
    for job_id in silent.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.state not in ACTIVE:
                continue
            if is_stale(job, now=now):
                _finish(job, state=ReportJob.State.FAILED, error=STOPPED)
                failed += 1
            elif is_orphaned(job, now=now):
                if job.attempt >= settings.REPORT_JOB_MAX_ATTEMPTS:
                    _finish(job, state=ReportJob.State.FAILED, error=GAVE_UP)
                    failed += 1
                    continue
                logger.warning(
                    "Annual report job %s: run %s stopped answering; queued again",
                    job.pk,
                    job.attempt,
                )
                job.state = ReportJob.State.QUEUED
                job.lease = new_lease()
                job.updated_at = now  # a restart is a sign of life: the queued job waits anew
                job.save(update_fields=["state", "lease", "updated_at"])
                transaction.on_commit(partial(_queue, job.pk, job.lease))
                restarted += 1
    return {"restarted": restarted, "failed": failed}
