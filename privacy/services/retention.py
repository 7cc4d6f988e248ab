"""Retention: staff who left are removed (pseudonymised) N years after the last process they
could have been part of, N being their board's ``retention_years`` (empty: never by itself).

Precisely, for an inactive staff member who is not removed yet:

- *left on* is the day of the last change to their staff record (the import that marked them
  as no longer employed; the history of the record keeps it);
- *the processes they could have been part of* are their school's processes whose school year
  began on or before that day;
- *the end* is the last day (31 July) of the latest of those school years, or the day they left
  when there is no such process;
- they are removed once the end lies more than N years back: ``end + N years < today``.

A person whose removal is refused now (a role at the school, an open vote or survey round) is
left for a later day. The task runs daily and is idempotent: removed people are not touched
again.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from processes.models import Board, Process
from processes.services import in_school_language
from units.models import StaffMember

from .removal import pseudonymise, removal_decision_record, removal_refusals

logger = logging.getLogger(__name__)


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def left_on(member) -> datetime.date:
    last = member.history.order_by("-history_date").values_list("history_date", flat=True).first()
    return timezone.localdate(last) if last else timezone.localdate()


def retention_end(member) -> datetime.date:
    """The day from which the retention period of ``member`` counts (see the module)."""
    day = left_on(member)
    years = (
        Process.objects.filter(school_id=member.school_id, school_year__start_year__lte=day.year)
        .select_related("school_year")
        .order_by("-school_year__start_year")
    )
    for process in years:
        if process.school_year.starts_on <= day:
            return process.school_year.ends_on
    return day


def retention_due(*, today=None) -> list[StaffMember]:
    """The staff members whose retention period has passed on ``today``."""
    today = today or timezone.localdate()
    due = []
    for board in Board.objects.filter(retention_years__isnull=False):
        members = StaffMember.objects.filter(
            school__board=board, active=False, pseudonymised_at__isnull=True
        ).select_related("school")
        for member in members:
            if _years_later(retention_end(member), board.retention_years) < today:
                due.append(member)
    return due


def retention_run(*, today=None) -> int:
    """Remove everyone whose retention period has passed; returns how many were removed."""
    removed = 0
    for candidate in retention_due(today=today):
        with transaction.atomic():
            member = (
                StaffMember.objects.select_for_update()
                .select_related("school__board")
                .get(pk=candidate.pk)
            )
            if removal_refusals(member):
                continue
            years = member.school.board.retention_years
            pseudonymise(member)
            removal_decision_record(
                member=member,
                actor=None,
                grounds=in_school_language(
                    gettext_noop("The retention period of %(years)s years has passed."),
                    {"years": years},
                ),
            )
            removed += 1
    if removed:
        logger.info("Retention: removed the personal data of %s former staff members", removed)
    return removed
