"""Outbox helpers for tests: mail backends that fail like SMTP servers do, and delivering what
the outbox holds without a worker.

Unit tests run with ``OUTBOX_SEND_ON_COMMIT = False`` and eager tasks: a row is sent as soon
as it is written (tests/werkdruk/test_outbox.py covers the on-commit path explicitly).
"""

import smtplib

from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from werkdruk import outbox
from werkdruk.models import OutboxMessage

ATTEMPTS: list[str] = []


class DownBackend(EmailBackend):
    """A mail server that answers every message with 421 (try again later)."""

    def send_messages(self, messages):
        for message in messages:
            ATTEMPTS.append(message.to[0])
        raise smtplib.SMTPSenderRefused(421, b"4.3.2 Try again later", "noreply@localhost")


class UnreachableBackend(EmailBackend):
    """A mail server that cannot be reached at all."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        self.open()


def deliver_outbox() -> int:
    """Send every outbox row that is due now, as the sweep and a worker would; returns how
    many were sent."""
    due = OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return outbox.send_batch(list(due))
