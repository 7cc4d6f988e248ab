"""Evaluation reminders on PostgreSQL: two workers running the reminder task at the same moment
send the moment's reminder once. The claim is a conditional update of ``reminded_at``: the
second run waits on the row, then finds it set and sends nothing. The reminders go into the
outbox with the claim: two rows per round, never four."""

import threading

import pytest
from django.db import connections

from schoolplans.models import EvaluationMoment
from schoolplans.services import evaluation
from tests.schoolplans.test_evaluation_cycle import _due, moment, ratified  # noqa: F401
from werkdruk.models import OutboxMessage

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = 3


def run_at_once(workers=2):
    barrier = threading.Barrier(workers)
    counts, lock = [], threading.Lock()

    def run():
        try:
            barrier.wait(timeout=10)
            sent = evaluation.evaluation_reminders_send()
        finally:
            connections.close_all()
        with lock:
            counts.append(sent)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return counts


def test_two_workers_at_once_send_the_reminder_once(moment):  # noqa: F811
    for _round in range(ROUNDS):
        EvaluationMoment.objects.update(reminded_at=None)
        OutboxMessage.objects.all().delete()
        _due(moment)
        counts = run_at_once()
        assert sorted(counts) == [0, 2], counts  # the director and the PMR, once
        assert OutboxMessage.objects.filter(cause=evaluation.REMINDER_CAUSE).count() == 2
