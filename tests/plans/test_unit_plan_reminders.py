"""Step 8's reminders: the members of units whose plan is not submitted are e-mailed when
their deadline is within the process's lead time or has passed, once per plan and deadline."""

import datetime

import pytest
from django.utils import formats, timezone
from django_celery_beat.models import PeriodicTask

from plans import tasks
from plans.models import UnitAnnouncement, UnitPlan
from plans.services.unit_plan_decisions import plan_submit
from plans.services.unit_plan_notices import plan_reminders_send
from plans.services.unit_plans import MeasureData, measure_create, plan_for_unit
from processes.models import ProcessStep, StepReminder
from tests.fixtures.step8 import (
    account_for,
    category,
    step8_process,
    unit_of,
    units_of,
    user,
)
from units.models import UnitMembership


@pytest.fixture
def process(db):
    return step8_process()


def today():
    return timezone.localdate()


def set_deadline(process, days):
    deadline = today() + datetime.timedelta(days=days)
    UnitAnnouncement.objects.filter(process=process, current=True).update(deadline=deadline)
    return deadline


def recipients(process, *, exclude_units=()):
    """Active members of the process's units with an active account."""
    return set(
        UnitMembership.objects.filter(
            process=process,
            staff_member__active=True,
            staff_member__user__is_active=True,
        )
        .exclude(unit__in=exclude_units)
        .values_list("staff_member__user__email", flat=True)
    )


def test_members_with_an_account_are_reminded_once_within_the_lead_time(process, mailoutbox):
    assert process.reminder_lead_days == 7
    deadline = set_deadline(process, 7)
    expected = recipients(process)
    assert len(expected) >= len(units_of(process)) + 1  # every leader, and more

    sent = plan_reminders_send()

    assert sent == len(mailoutbox) == len(expected)
    assert {m.to[0] for m in mailoutbox} == expected
    unit = unit_of(process, "docent")
    (message,) = [m for m in mailoutbox if m.to == ["docent@demo.werkdruk.nl"]]
    date = formats.date_format(deadline)
    assert message.subject.endswith(f"The plan of {unit.name} is due on {date}")
    assert "has not been submitted yet" in message.body
    assert f"/process/{process.pk}/unit-plans/unit/{unit.pk}/" in message.body
    # Every unit now has a plan, and the reminders name it and the deadline.
    plan = UnitPlan.objects.get(unit=unit)
    assert UnitPlan.objects.filter(process=process).count() == len(units_of(process))
    occasions = set(StepReminder.objects.values_list("occasion", flat=True))
    assert f"plan-{plan.pk}-{deadline:%Y%m%d}" in occasions

    # A second run (a retry, or the next morning) sends nothing.
    assert plan_reminders_send() == 0
    assert plan_reminders_send(today=today() + datetime.timedelta(days=1)) == 0
    assert len(mailoutbox) == len(expected)


def test_nobody_is_reminded_before_the_lead_time(process, mailoutbox):
    set_deadline(process, 8)
    assert plan_reminders_send() == 0
    assert not StepReminder.objects.exists()
    assert plan_reminders_send(today=today() + datetime.timedelta(days=1)) > 0


def test_a_unit_that_submitted_is_not_reminded(process, mailoutbox):
    unit = unit_of(process, "docent")
    teacher = user("docent")
    plan = plan_for_unit(unit=unit)
    year = process.school_year.start_year
    measure_create(
        plan=plan,
        actor=teacher,
        data=MeasureData(
            title="Minder vergaderen",
            category=category("organisational"),
            cost_type="none",
            first_year=year,
            last_year=year,
        ),
    )
    plan_submit(plan=plan, actor=teacher)
    set_deadline(process, 1)

    sent = plan_reminders_send()

    assert sent == len(recipients(process, exclude_units=[unit]))
    assert "docent@demo.werkdruk.nl" not in {m.to[0] for m in mailoutbox}
    assert sent == len(mailoutbox) > 0


def test_an_overdue_plan_is_reminded_and_a_new_deadline_reminds_again(process, mailoutbox):
    deadline = set_deadline(process, -1)
    first = plan_reminders_send()
    assert first == len(recipients(process))
    date = formats.date_format(deadline)
    assert all(f"was due on {date}" in m.subject for m in mailoutbox)
    assert plan_reminders_send() == 0

    set_deadline(process, 3)  # a new deadline is a new occasion
    assert plan_reminders_send() == first
    assert len(mailoutbox) == 2 * first


def test_no_reminders_unless_step_8_is_open(process, mailoutbox):
    set_deadline(process, 1)
    for state in (ProcessStep.State.LOCKED, ProcessStep.State.DONE):
        process.steps.filter(number=8).update(state=state)
        assert plan_reminders_send() == 0
    assert not mailoutbox


def test_inactive_staff_and_accounts_are_not_reminded(process, mailoutbox):
    unit = unit_of(process, "docent")
    left = account_for(unit)
    left.active = False
    left.save()
    locked_out = account_for(unit).user
    locked_out.is_active = False
    locked_out.save()
    set_deadline(process, 1)

    plan_reminders_send()

    reminded = {m.to[0] for m in mailoutbox}
    assert "docent@demo.werkdruk.nl" in reminded
    assert left.user.email not in reminded
    assert locked_out.email not in reminded


def test_the_task_sends_the_reminders(process, mailoutbox):
    set_deadline(process, 2)
    assert tasks.plan_reminders_send.apply().get() == len(mailoutbox) > 0


def test_the_beat_schedule_runs_the_reminders_every_morning(db):
    task = PeriodicTask.objects.get(task="plans.tasks.plan_reminders_send")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("7", "0")
    assert str(task.crontab.timezone) == "Europe/Amsterdam"
