import datetime

from django.core import mail
from django.utils import timezone

from processes import services
from processes.models import StepReminder
from processes.tasks import step_reminders_send
from tests.fixtures.steps import assign_actor
from tests.processes.conftest import step


def set_planned(process, number, day):
    process.steps.filter(number=number).update(planned_date=day)


def test_reminders_go_to_director_and_pmr_when_step_1_is_near(process, director, pmr):
    planned = step(process, 1).planned_date
    sent = services.step_reminders_send(today=planned - datetime.timedelta(days=7))
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([director.email, pmr.email])
    assert "Step 1" in mail.outbox[0].subject
    assert f"/process/{process.pk}/step/1/" in mail.outbox[0].body


def test_no_reminder_when_planned_date_is_further_than_lead_time(process, director, pmr):
    planned = step(process, 1).planned_date
    assert services.step_reminders_send(today=planned - datetime.timedelta(days=8)) == 0
    assert mail.outbox == []


def test_task_runs_the_reminder_service(process, director, pmr):
    process.steps.filter(number=1).update(planned_date=timezone.localdate())
    # In-process: a real worker runs it in tests/integration.
    assert step_reminders_send.apply().get() == 2


def test_second_run_sends_nothing_and_writes_nothing(process, director, pmr):
    today = step(process, 1).planned_date
    assert services.step_reminders_send(today=today) == 2
    assert services.step_reminders_send(today=today) == 0
    assert StepReminder.objects.count() == 2
    assert len(mail.outbox) == 2


def test_only_the_side_that_has_not_signed_is_reminded(process, director, pmr):
    services.step_sign_off(step=step(process, 1), actor=director)
    services.step_reminders_send(today=step(process, 1).planned_date)
    assert [m.to[0] for m in mail.outbox] == [pmr.email]


def test_overdue_step_gets_one_more_reminder(process, director, pmr):
    planned = step(process, 1).planned_date
    services.step_reminders_send(today=planned)
    services.step_reminders_send(today=planned + datetime.timedelta(days=1))
    services.step_reminders_send(today=planned + datetime.timedelta(days=2))
    assert len(mail.outbox) == 4
    assert "overdue" in mail.outbox[-1].subject


def test_agreed_step_reminds_the_agreed_actor_only(process, director, pmr, steering):
    from tests.processes.conftest import finish_steps_1_to_4

    finish_steps_1_to_4(process, director, pmr)
    assign_actor(step=step(process, 5), actor=director, agreed_actor="steering")
    mail.outbox.clear()
    set_planned(process, 6, datetime.date(2030, 1, 1))
    services.step_reminders_send(today=step(process, 5).planned_date)
    assert [m.to[0] for m in mail.outbox] == [steering.email]


def test_new_planned_date_is_a_new_occasion(process, director, pmr):
    planned = step(process, 1).planned_date
    services.step_reminders_send(today=planned)
    services.step_plan(
        step=step(process, 1), actor=director, planned_date=planned + datetime.timedelta(days=3)
    )
    assert services.step_reminders_send(today=planned + datetime.timedelta(days=1)) == 2


def test_reminder_is_written_in_the_default_language_dutch(process, director, pmr, settings):
    settings.LANGUAGE_CODE = "nl"
    services.step_reminders_send(today=step(process, 1).planned_date)
    assert mail.outbox[0].subject.startswith("[Werkdruk] Stap 1")
