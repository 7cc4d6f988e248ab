from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """One sent form that creates something, by its one-time token (``werkdruk.submissions``).

    The row is written in the transaction of the view that handles the form; the unique
    constraint makes a second request with the same token wait for the first and then find
    its row, so the form's work is done once. ``response_url`` is where the first request
    sent the user; ``fingerprint`` tells a repeat from other input sent from the same page.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    response_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token"], name="werkdruk_formsubmission_token_once_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.created_at:%Y-%m-%d %H:%M}"


class Heartbeat(models.Model):
    """When a periodic job last ran: the job ``beat`` is stamped every minute by the task
    ``werkdruk.tasks.beat_heartbeat``, which beat schedules and a worker runs, so an old stamp
    means beat (or every worker) stopped. ``/health/`` reads it (``werkdruk.health``)."""

    job = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.job}: {self.beat_at:%Y-%m-%d %H:%M:%S}"


class OutboxMessage(models.Model):
    """One e-mail to one address, written in the transaction of the action that causes it and
    sent by a worker after the commit (``werkdruk.outbox``).

    The body can hold a personal link or code: it is kept only until the message is sent, then
    emptied. ``cause`` and ``cause_id`` name the action and the object whose page shows the
    messages that could not be delivered (``werkdruk.outbox.failures_for``).
    """

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    to = models.CharField(max_length=254)
    from_email = models.CharField(max_length=320)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998)
    body = models.TextField(blank=True)
    # [[filename, text content, mimetype], ...] (a calendar file); emptied with the body
    attachments = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # the sending run that holds the lease
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    cause = models.CharField(max_length=60)
    cause_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="werkdruk_outbox_due"),
            models.Index(fields=["cause", "cause_id", "state"], name="werkdruk_outbox_cause"),
        ]

    def __str__(self):
        return f"{self.cause} {self.cause_id}: {self.state}"
