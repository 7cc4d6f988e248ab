"""Tasks really run on a Celery worker in another process, through Redis, on PostgreSQL."""

import os
import time

import pytest
from django.utils import timezone

from processes import services
from processes.models import SchoolRole, StepReminder
from processes.tasks import step_reminders_send
from tests.factories import SchoolFactory, SchoolRoleFactory, SchoolYearFactory
from werkdruk.celery import app

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 60


def test_a_builtin_task_round_trips_through_redis(celery_worker_process):
    result = app.send_task("celery.accumulate", args=[3, 14, 15])

    assert result.get(timeout=RESULT_TIMEOUT) == [3, 14, 15]
    stats = app.control.inspect(destination=[celery_worker_process.nodename], timeout=5).stats()
    worker_pid = stats[celery_worker_process.nodename]["pid"]
    assert worker_pid == celery_worker_process.pid
    assert worker_pid != os.getpid()


def test_step_reminders_are_sent_once_by_the_worker(celery_worker_process, celery_email_dir):
    school = SchoolFactory()
    directors = [SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user]
    pmr_members = [
        SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user for _ in range(2)
    ]
    # Someone at another school, without a process: never reminded.
    bystander = SchoolRoleFactory(role=SchoolRole.Role.DIRECTOR).user
    process = services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2026), actor=directors[0]
    )
    process.steps.filter(number=1).update(planned_date=timezone.localdate())
    actors = {user.pk for user in directors + pmr_members}

    first = step_reminders_send.delay()

    assert first.get(timeout=RESULT_TIMEOUT) == len(actors)
    assert set(StepReminder.objects.values_list("user_id", flat=True)) == actors
    assert StepReminder.objects.filter(step__process=process, step__number=1).count() == len(actors)
    # The reminders went into the outbox; the worker sends them right after (another task).
    deadline = time.monotonic() + RESULT_TIMEOUT
    while time.monotonic() < deadline:
        sent_mail = "".join(p.read_text() for p in sorted(celery_email_dir.iterdir()))
        if all(f"To: {user.email}" in sent_mail for user in directors + pmr_members):
            break
        time.sleep(0.2)
    for user in directors + pmr_members:
        assert f"To: {user.email}" in sent_mail
    assert bystander.email not in sent_mail

    # Idempotent: the second run finds every reminder already recorded.
    second = step_reminders_send.delay()

    assert second.get(timeout=RESULT_TIMEOUT) == 0
    assert StepReminder.objects.count() == len(actors)
    assert first.id != second.id
