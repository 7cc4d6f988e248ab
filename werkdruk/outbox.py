"""The outbox: every e-mail the product sends, one row per recipient and message.

``enqueue``/``enqueue_many`` write ``OutboxMessage`` rows in the caller's transaction and,
after its commit, hand their ids to the Celery task ``werkdruk.tasks.outbox_send`` (batches of
``OUTBOX_BATCH_SIZE``). Nothing is sent inside a web request, and a rolled-back action sends
nothing.

``send_batch`` (the task's work) claims rows with one conditional UPDATE: rows that are due
(pending and ``next_attempt_at`` past, or sending with an expired lease) get this run's claim
token and a lease of ``OUTBOX_LEASE_SECONDS``; only the rows that carry the token afterwards are
sent. So a task delivered twice, or the same ids in two workers, sends each message once. Each
message is confirmed (state sent, body emptied) right after it went out, so a worker that dies
mid-batch leaves at most the message in flight unconfirmed: after its lease the sweep sends it
again (the one case in which a message can arrive twice).

A temporary failure (no connection, SMTP 4xx) is retried after 1 min, 5 min, 30 min, 2 h and
12 h, then the row is failed; a permanent one (SMTP 5xx, refused recipient, invalid address)
fails at once. ``failures_for`` lists the failed rows of an action for the page that caused it.
``sweep`` (beat, every minute) dispatches the rows that are due and deletes old rows.

No address, subject or body ever reaches a log: failures are logged by outbox id, cause and
attempt, with the SMTP code and exception class only.
"""

import contextlib
import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# After the 1st, 2nd, ... failed attempt with a temporary error; after the last one: failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)

# Sent with ``message`` (an OutboxMessage, state failed) when the mail server refused the
# address for good; receivers may mark the address unusable (units does).
message_refused = Signal()


def build(
    *, to, subject, body, from_email=None, reply_to=(), cause, cause_id="", attachments=()
) -> OutboxMessage:
    """An unsaved outbox row for one recipient (``enqueue_many`` saves a list of them).

    ``attachments``: (filename, content, mimetype) with text content (bytes are decoded).
    """
    return OutboxMessage(
        to=to,
        attachments=[
            [name, content.decode() if isinstance(content, bytes) else content, mimetype]
            for name, content, mimetype in attachments
        ],
        subject=" ".join(str(subject).splitlines()),
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        reply_to=list(reply_to or ()),
        cause=cause,
        cause_id="" if cause_id is None else str(cause_id),
    )


def enqueue_many(messages) -> list[OutboxMessage]:
    """Write ``messages`` (from ``build``) in the current transaction; sent after its commit."""
    messages = [m for m in messages if m.to]
    if not messages:
        return []
    now = timezone.now()
    for message in messages:
        message.created_at = message.next_attempt_at = now
    rows = OutboxMessage.objects.bulk_create(messages)
    ids = [row.pk for row in rows]
    if settings.OUTBOX_SEND_ON_COMMIT:
        transaction.on_commit(lambda: dispatch(ids), robust=True)
    else:  # unit tests: tasks run eagerly, inside the test's transaction
        dispatch(ids)
    return rows


def enqueue(
    *, to, subject, body, from_email=None, reply_to=(), cause, cause_id=""
) -> OutboxMessage:
    """One e-mail to one address, written in the current transaction; sent after its commit."""
    rows = enqueue_many(
        [
            build(
                to=to,
                subject=subject,
                body=body,
                from_email=from_email,
                reply_to=reply_to,
                cause=cause,
                cause_id=cause_id,
            )
        ]
    )
    return rows[0] if rows else None


def dispatch(ids) -> None:
    """Hand ``ids`` to the send task in batches (a broker that is down: the sweep retries)."""
    from .tasks import outbox_send

    ids = list(ids)
    size = settings.OUTBOX_BATCH_SIZE
    for start in range(0, len(ids), size):
        outbox_send.delay(ids[start : start + size])


def _due(now) -> Q:
    return Q(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now) | Q(
        state=OutboxMessage.State.SENDING, lease_until__lt=now
    )


def claim(ids, *, now=None) -> tuple[str, list[OutboxMessage]]:
    """Claim the due rows among ``ids`` for this run: (claim token, the rows it holds)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    OutboxMessage.objects.filter(_due(now), pk__in=list(ids)).update(
        state=OutboxMessage.State.SENDING,
        claim=token,
        lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
    )
    return token, list(OutboxMessage.objects.filter(claim=token, state=OutboxMessage.State.SENDING))


class _Failure(Exception):
    def __init__(self, reason, permanent, refused=False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.refused = refused


def _classify(error) -> _Failure:
    """What went wrong, without the address or the message: SMTP code and class only."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        code = codes[0] if codes else 550
        return _Failure(f"SMTP {code} ({name})", permanent=code >= 500, refused=code >= 500)
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        return _Failure(f"SMTP {code} ({name})", permanent=500 <= code < 600, refused=False)
    if isinstance(error, (ValueError, UnicodeError)):  # an address that cannot be sent to
        return _Failure(f"invalid message ({name})", permanent=True)
    return _Failure(f"not delivered ({name})", permanent=False)


def _email(message, connection) -> EmailMessage:
    email = EmailMessage(
        message.subject,
        message.body,
        message.from_email,
        [message.to],
        reply_to=message.reply_to or None,
        connection=connection,
    )
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    return email


def _fail(message, token, failure, now) -> None:
    attempts = message.attempts + 1
    if failure.permanent or attempts > len(BACKOFF):
        OutboxMessage.objects.filter(pk=message.pk, claim=token).update(
            state=OutboxMessage.State.FAILED,
            attempts=attempts,
            last_error=failure.reason[:200],
            body="",
            attachments=[],
            lease_until=None,
        )
        logger.warning(
            "Outbox message %s (%s %s) failed for good at attempt %s: %s",
            message.pk, message.cause, message.cause_id, attempts, failure.reason,
        )  # fmt: skip
        if failure.refused:
            message.state = OutboxMessage.State.FAILED
            message_refused.send(sender=OutboxMessage, message=message)
        return
    OutboxMessage.objects.filter(pk=message.pk, claim=token).update(
        state=OutboxMessage.State.PENDING,
        attempts=attempts,
        last_error=failure.reason[:200],
        next_attempt_at=now + BACKOFF[attempts - 1],
        lease_until=None,
    )
    logger.warning(
        "Outbox message %s (%s %s) attempt %s failed, retried later: %s",
        message.pk, message.cause, message.cause_id, attempts, failure.reason,
    )  # fmt: skip


def send_batch(ids) -> int:
    """Send the due rows among ``ids`` over one SMTP connection; returns how many went out."""
    token, messages = claim(ids)
    if not messages:
        return 0
    sent = 0
    connection = get_connection()
    try:
        for message in messages:
            try:
                delivered = _email(message, connection).send()
                if not delivered:
                    raise smtplib.SMTPException("not accepted")
            except Exception as error:  # noqa: BLE001 - every failure is classified and kept
                failure = _classify(error)
                if not failure.permanent:  # a broken session: the next message opens a new one
                    _close(connection)
                _fail(message, token, failure, timezone.now())
                continue
            OutboxMessage.objects.filter(pk=message.pk, claim=token).update(
                state=OutboxMessage.State.SENT,
                attempts=message.attempts + 1,
                sent_at=timezone.now(),
                body="",
                attachments=[],
                last_error="",
                lease_until=None,
            )
            sent += 1
    finally:
        _close(connection)
    return sent


def _close(connection) -> None:
    with contextlib.suppress(Exception):  # a session that is already gone
        connection.close()


def sweep(*, now=None) -> dict:
    """Dispatch the rows that are due (retries, rows of a worker that died, rows whose dispatch
    was lost) and delete sent and failed rows older than ``OUTBOX_RETENTION_DAYS``."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_LIMIT]
    )
    dispatch(due)
    old = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        Q(state=OutboxMessage.State.SENT, sent_at__lt=old)
        | Q(state=OutboxMessage.State.FAILED, created_at__lt=old)
    ).delete()
    return {"dispatched": len(due), "deleted": deleted}


def failures_for(*, cause, cause_id) -> list[OutboxMessage]:
    """The messages of ``cause`` (a name or a list of names) for the object ``cause_id`` (or a
    list of objects or their ids) that could not be delivered: ``to`` and ``last_error`` (a
    short reason) for the sender's page."""
    causes = [cause] if isinstance(cause, str) else list(cause)
    objects = cause_id if isinstance(cause_id, (list, tuple)) else [cause_id]
    ids = [str(getattr(item, "pk", item)) for item in objects]
    return list(
        OutboxMessage.objects.filter(
            cause__in=causes, cause_id__in=ids, state=OutboxMessage.State.FAILED
        )
        .only("to", "last_error", "created_at")
        .order_by("to", "pk")
    )
