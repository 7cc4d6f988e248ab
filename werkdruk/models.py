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
