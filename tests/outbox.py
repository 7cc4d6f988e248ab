"""Outbox helpers for tests: mail backends that fail like SMTP servers do, and delivering what
the outbox holds without a worker.

Unit tests run with ``OUTBOX_SEND_ON_COMMIT = False`` and eager tasks: a row is sent as soon
as it is written (tests/werkdruk/test_outbox.py covers the on-commit path explicitly).
"""

import os
import smtplib
import time
import uuid
from email import message_from_bytes
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
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


def forget_sent_mail() -> None:
    """Empty ``mail.outbox``: for setups whose e-mails the outbox sent at once (unit tests send
    without waiting for a commit), where on-commit sending used to drop them."""
    from django.core import mail

    if hasattr(mail, "outbox"):
        mail.outbox.clear()


def deliver_outbox() -> int:
    """Send every outbox row that is due now, as the sweep and a worker would; returns how
    many were sent."""
    due = OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return outbox.send_batch(list(due))


class SlowFileBackend(BaseEmailBackend):
    """For the integration tests' workers: each message its own file in ``EMAIL_FILE_PATH``,
    after ``OUTBOX_TEST_SEND_DELAY`` seconds (a slow mail server, so a test can kill a worker
    mid-batch)."""

    def send_messages(self, messages):
        delay = float(os.environ.get("OUTBOX_TEST_SEND_DELAY", "0"))
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        for message in messages:
            time.sleep(delay)
            (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)


def delivered_to(directory) -> list[str]:
    """The recipients of the messages that ``SlowFileBackend`` wrote to ``directory``, one
    entry per message."""
    return sorted(
        message_from_bytes(path.read_bytes())["To"] for path in Path(directory).glob("*.eml")
    )
