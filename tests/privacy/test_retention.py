"""The retention task removes exactly the staff whose board's period has passed, once."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from privacy.services.retention import retention_due, retention_end, retention_run
from processes import services
from processes.models import Decision
from tests.factories import SchoolFactory, SchoolYearFactory, StaffMemberFactory
from units.models import StaffMember

TODAY = datetime.date(2031, 9, 1)


def _left(member, on: datetime.date):
    """Mark ``member`` inactive, the change dated ``on`` (as an import that day would)."""
    member.active = False
    member.save()
    member.history.filter(history_date__isnull=False).update(
        history_date=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC)
    )


@pytest.fixture
def board(school):
    school.board.retention_years = 2
    school.board.save()
    return school.board


def test_the_end_is_the_last_school_year_with_a_process_before_leaving(
    process, school, other_school
):
    member = StaffMemberFactory(school=school)
    _left(member, datetime.date(2027, 3, 1))  # during 2026-2027, the process's year
    assert retention_end(member) == datetime.date(2027, 7, 31)
    later = StaffMemberFactory(school=school)
    _left(later, datetime.date(2028, 3, 1))  # no process in 2027-2028: the process before
    assert retention_end(later) == datetime.date(2027, 7, 31)
    no_process = StaffMemberFactory(school=other_school)
    _left(no_process, datetime.date(2028, 3, 1))  # no process at all: the day they left
    assert retention_end(no_process) == datetime.date(2028, 3, 1)


def test_removes_exactly_the_right_people_and_is_idempotent(process, school, board, director):
    services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2029), actor=director
    )
    due = StaffMemberFactory(school=school, name="Oud Genoeg")
    _left(due, datetime.date(2027, 3, 1))  # end 31-7-2027 + 2 years < 1-9-2031
    recent = StaffMemberFactory(school=school, name="Net Weg")
    _left(recent, datetime.date(2030, 3, 1))  # in 2029-2030: end 31-7-2030 + 2 > today
    active = StaffMemberFactory(school=school, name="Werkt Nog")  # still on the list
    elsewhere = StaffMemberFactory(school=SchoolFactory(), name="Ander Bestuur")
    _left(elsewhere, datetime.date(2020, 3, 1))  # a board without retention

    assert [m.pk for m in retention_due(today=TODAY)] == [due.pk]
    assert retention_run(today=TODAY) == 1
    assert retention_run(today=TODAY) == 0

    names = dict(StaffMember.objects.values_list("pk", "name"))
    assert names[due.pk] != "Oud Genoeg"
    assert names[recent.pk] == "Net Weg"
    assert names[active.pk] == "Werkt Nog"
    assert names[elsewhere.pk] == "Ander Bestuur"
    decision = Decision.objects.get(action="privacy.staff_removed")
    assert decision.actor is None and "Oud Genoeg" not in decision.summary


def test_the_period_counts_whole_years(process, school, board):
    member = StaffMemberFactory(school=school)
    _left(member, datetime.date(2027, 3, 1))
    assert retention_due(today=datetime.date(2029, 7, 31)) == []
    assert retention_due(today=datetime.date(2029, 8, 1)) == [member]


def test_without_a_retention_setting_nobody_is_removed(process, school):
    member = StaffMemberFactory(school=school)
    _left(member, datetime.date(2000, 1, 1))
    SchoolYearFactory(start_year=2001)
    assert retention_run(today=TODAY) == 0


def test_the_task_is_in_the_beat_schedule(db):
    task = PeriodicTask.objects.get(task="privacy.tasks.retention_run")
    assert task.crontab.hour == "3" and task.enabled


def test_the_task_runs_the_retention(other_school):
    """The daily task, on today's date: a school without processes, someone who left in 2020."""
    from privacy import tasks

    other_school.board.retention_years = 2
    other_school.board.save()
    member = StaffMemberFactory(school=other_school)
    _left(member, datetime.date(2020, 3, 1))
    # apply(), not delay(): run here; a worker (the integration run has one) sees no test data.
    assert tasks.retention_run.apply().get() == 1
    member.refresh_from_db()
    assert member.pseudonymised_at is not None
