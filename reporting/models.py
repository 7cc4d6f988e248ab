"""The background job that writes a board's annual report (PDF or DOCX) for one school year.

The file is stored through the default storage (werkdruk/storage.py: MEDIA_ROOT or an S3
bucket) as ``reports/<uuid4>.<ext>``, an unguessable name, and is only handed out by the
download view, which checks the permission: it is never linked by its media URL. A deleted job
takes its stored file with it (``report_job_file_delete``), also when its board goes.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from werkdruk.storage import stored_files_delete


def new_lease() -> str:
    return uuid.uuid4().hex


def report_upload_to(job, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1] if "." in filename else job.format
    return f"reports/{uuid.uuid4().hex}.{extension}"


class ReportJob(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", _("Word (DOCX)")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    board = models.ForeignKey(
        "processes.Board", on_delete=models.CASCADE, related_name="report_jobs"
    )
    school_year = models.ForeignKey(
        "processes.SchoolYear", on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(_("file type"), max_length=4, choices=Format.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # A msgid (English), translated when shown, so each reader sees it in their language.
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Last sign of life (queued, started, progress, the running worker's heartbeat): the
    # watchdog and the stale check compare against it.
    updated_at = models.DateTimeField(_("last progress at"), auto_now_add=True)
    # The runs a worker started (a restart after a lost worker adds one). A run writes only
    # while the job still carries its number, so a run that was replaced stores nothing.
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    # The task message allowed to start the job: a restart by the watchdog sends a new one,
    # and older messages still on their way then do nothing.
    lease = models.CharField(max_length=32, default=new_lease, editable=False)

    class Meta:
        verbose_name = _("annual report job")
        verbose_name_plural = _("annual report jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["board", "school_year", "format", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total"))
                | models.Q(progress_total=0),
                name="reportjob_progress_within_total",
            )
        ]

    def __str__(self):
        return f"{self.board} {self.school_year} {self.format} ({self.state})"

    @property
    def error_text(self) -> str:
        return gettext(self.error) if self.error else ""

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)


@receiver(post_delete, sender=ReportJob, dispatch_uid="reporting.report_job_file_delete")
def report_job_file_delete(sender, instance, **kwargs):
    """A deleted job (the admin, its board deleted) deletes its stored file once the deletion
    commits: no report file outlives the row that was the only way to reach it."""
    if instance.file:
        stored_files_delete([instance.file.name], storage=instance.file.storage)


def report_part_upload_to(part, filename: str) -> str:
    return f"reports/parts/{uuid.uuid4().hex}.pdf"


class ReportJobPart(models.Model):
    """One school's part of a board report job's PDF, rendered by its own task (in parallel
    with the others) and stored until the merge task has built the report from all parts; then
    it is deleted. A part belongs to one run (``attempt``) of its job: a run that was replaced
    does not count its parts."""

    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="parts")
    attempt = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()  # the school's place in the report, from 1
    file = models.FileField(upload_to=report_part_upload_to)
    pages = models.PositiveIntegerField()
    appendix_from = models.PositiveIntegerField()  # the appendix's first page; ``pages``: none
    # The school's figures (a pickled ``SchoolReport``), so that the merge makes the board's
    # summary without computing every school again. Written and read by our own tasks only.
    figures = models.BinaryField()

    class Meta:
        verbose_name = _("annual report part")
        verbose_name_plural = _("annual report parts")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "attempt", "position"], name="reportjobpart_one_per_school"
            )
        ]

    def __str__(self):
        return f"{self.job_id} {self.attempt} {self.position}"


@receiver(post_delete, sender=ReportJobPart, dispatch_uid="reporting.report_job_part_file_delete")
def report_job_part_file_delete(sender, instance, **kwargs):
    """A deleted part (merged, its run replaced or failed, its job deleted) takes its file."""
    if instance.file:
        stored_files_delete([instance.file.name], storage=instance.file.storage)
