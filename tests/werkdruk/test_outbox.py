"""Issue 19, item 1: one outbox for every e-mail.

Rows are written in the caller's transaction and sent after its commit; a task delivered twice
sends nothing twice; a temporary failure is retried with back-off, a permanent one fails at
once and is shown on the page that caused it; the body is emptied once sent; the lease of a
worker that died expires and the sweep sends the message again; a person's removal deletes
their unsent e-mails.
"""

import datetime
import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from tests import outbox as helpers
from tests.refusing_mail import refusing_mail
from werkdruk import outbox
from werkdruk.models import OutboxMessage

pytestmark = pytest.mark.django_db


def put(to="a@example.org", *, cause="test.cause", cause_id=7, body="Your code: ABCD-EFGH"):
    return outbox.enqueue(to=to, subject="Hello", body=body, cause=cause, cause_id=cause_id)


def test_rows_wait_for_the_commit_and_are_then_sent_once(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        row = put()
        assert mail.outbox == []  # nothing inside the transaction
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert mail.outbox[0].body == "Your code: ABCD-EFGH"
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.SENT and row.sent_at is not None
    assert row.body == "" and row.attempts == 1  # the personal code is gone once sent


def test_a_rolled_back_action_sends_nothing(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_SEND_ON_COMMIT = True
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        put()
        raise RuntimeError("the action failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_batches_of_the_configured_size(settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.OUTBOX_SEND_ON_COMMIT = True
    settings.OUTBOX_BATCH_SIZE = 2
    batches = []
    monkeypatch.setattr(outbox, "send_batch", lambda ids: batches.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_many(
            outbox.build(to=f"p{i}@example.org", subject="s", body="b", cause="c") for i in range(5)
        )
    assert [len(batch) for batch in batches] == [2, 2, 1]


def test_a_second_delivery_of_the_same_ids_sends_nothing(settings):
    settings.OUTBOX_SEND_ON_COMMIT = True  # written, not yet sent
    rows = [put(f"p{i}@example.org") for i in range(3)]
    ids = [row.pk for row in rows]
    assert outbox.send_batch(ids) == 3
    assert outbox.send_batch(ids) == 0  # the task delivered again
    assert len(mail.outbox) == 3


def test_rows_claimed_by_another_run_are_not_sent(settings):
    settings.OUTBOX_SEND_ON_COMMIT = True
    ids = [put(f"p{i}@example.org").pk for i in range(3)]
    token, claimed = outbox.claim(ids)  # another worker holds them (its lease runs)
    assert len(claimed) == 3
    assert outbox.send_batch(ids) == 0
    assert mail.outbox == []


def test_an_expired_lease_is_sent_again_by_the_sweep(settings):
    settings.OUTBOX_SEND_ON_COMMIT = True
    settings.OUTBOX_LEASE_SECONDS = 300
    row = put()
    outbox.claim([row.pk])  # a worker claimed it and died before sending
    assert outbox.sweep()["dispatched"] == 0  # the lease still runs
    assert mail.outbox == []
    later = timezone.now() + datetime.timedelta(seconds=301)
    assert outbox.sweep(now=later)["dispatched"] == 1  # dispatched; the eager task sends
    row.refresh_from_db()
    # The eager task claims with the real clock, when the lease has not expired yet: send it
    # as the worker would after the lease.
    OutboxMessage.objects.filter(pk=row.pk).update(lease_until=timezone.now())
    assert outbox.send_batch([row.pk]) == 1
    assert outbox.send_batch([row.pk]) == 0
    assert len(mail.outbox) == 1


def test_temporary_failures_are_retried_with_back_off_then_fail(settings, caplog):
    settings.EMAIL_BACKEND = "tests.outbox.DownBackend"
    settings.OUTBOX_SEND_ON_COMMIT = True
    row = put("a@example.org", cause="surveys.invitation", cause_id=3)
    waits = []
    with caplog.at_level(logging.WARNING, logger="werkdruk.outbox"):
        for _attempt in range(5):
            before = timezone.now()
            assert outbox.send_batch([row.pk]) == 0
            row.refresh_from_db()
            assert row.state == OutboxMessage.State.PENDING
            assert row.body  # kept for the next attempt
            waits.append(round((row.next_attempt_at - before).total_seconds() / 60))
            assert outbox.send_batch([row.pk]) == 0  # not due yet: not tried
            OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert outbox.send_batch([row.pk]) == 0
    assert waits == [1, 5, 30, 120, 720]
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.FAILED and row.attempts == 6
    assert row.last_error == "SMTP 421 (SMTPSenderRefused)"
    assert row.body == ""
    assert len(helpers.ATTEMPTS) >= 6
    log = caplog.text
    assert f"Outbox message {row.pk} (surveys.invitation 3)" in log
    assert "a@example.org" not in log and "ABCD-EFGH" not in log and "Hello" not in log


def test_an_unreachable_server_is_a_temporary_failure(settings):
    settings.EMAIL_BACKEND = "tests.outbox.UnreachableBackend"
    row = put()
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.PENDING and row.attempts == 1
    assert row.last_error == "not delivered (ConnectionRefusedError)"


def test_a_refused_address_fails_at_once_and_does_not_stop_the_others(settings, caplog):
    refusing_mail(settings, "bad@example.org")
    with caplog.at_level(logging.WARNING, logger="werkdruk.outbox"):
        rows = outbox.enqueue_many(
            outbox.build(to=to, subject="s", body="link", cause="c", cause_id=1)
            for to in ["a@example.org", "bad@example.org", "b@example.org"]
        )
    states = {r.to: r.state for r in OutboxMessage.objects.filter(pk__in=[r.pk for r in rows])}
    assert states == {"a@example.org": "sent", "bad@example.org": "failed", "b@example.org": "sent"}
    (failed,) = outbox.failures_for(cause="c", cause_id=1)
    assert failed.to == "bad@example.org"
    assert failed.last_error == "SMTP 550 (SMTPRecipientsRefused)"
    assert outbox.failures_for(cause="c", cause_id=2) == []
    assert "bad@example.org" not in caplog.text


def test_a_refused_staff_address_gets_the_unusable_mark(settings, school):
    from tests.factories import StaffMemberFactory

    member = StaffMemberFactory(school=school, email="gone@example.org")
    refusing_mail(settings, "gone@example.org")
    put("gone@example.org")
    member.refresh_from_db()
    assert member.email_unusable_since is not None
    assert member.email_unusable_reason == "refused"


def test_the_sweep_deletes_old_rows_and_keeps_recent_ones(settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    old, recent = put("old@example.org"), put("new@example.org")
    OutboxMessage.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert outbox.sweep()["deleted"] == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_removed_person_s_unsent_e_mails_are_deleted(settings, school, director):
    from privacy.services.removal import pseudonymise
    from tests.factories import StaffMemberFactory

    settings.OUTBOX_SEND_ON_COMMIT = True  # stays pending
    member = StaffMemberFactory(school=school, email="leaving@example.org")
    pending = put("leaving@example.org", body="a personal link")
    other = put("staying@example.org")
    pseudonymise(member)
    assert not OutboxMessage.objects.filter(pk=pending.pk).exists()
    assert OutboxMessage.objects.filter(pk=other.pk).exists()
