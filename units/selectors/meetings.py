"""Reads of the unit meetings: one meeting's page (minutes, attendance) and the PMR's own
record. A fixed number of queries each."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from ..models import MeetingMinutes, PmrNote, UnitMeeting, UnitMembership

VIEW = "units.view_minutes"
RECORD = "units.record_minutes"
VIEW_ATTENDANCE = "units.view_attendance"
KEEP_PMR_RECORD = "units.keep_pmr_record"


@dataclass
class MeetingPage:
    meeting: UnitMeeting
    unit: object
    minutes: MeetingMinutes | None
    present_count: int
    present: list | None  # StaffMembers present; None for whoever sees only the count
    members: list  # the unit's active StaffMembers: whom attendance may tick
    can_record: bool
    is_due: bool  # on or after the meeting's date


def meeting_page(*, user, process, unit_pk, meeting_pk) -> MeetingPage:
    """A unit meeting of ``process`` with its minutes and attendance as ``user`` may see them.
    404 for a meeting of another unit or process; 403 unless ``user`` may read the unit's
    minutes (its members, the director, PMR and steering group)."""
    meeting = (
        UnitMeeting.objects.filter(
            pk=meeting_pk,
            working_method__unit_id=unit_pk,
            working_method__process=process,
        )
        .select_related("working_method__unit", "minutes__recorded_by", "minutes__changed_by")
        .first()
    )
    if meeting is None:
        raise Http404
    unit = meeting.working_method.unit
    unit.process = process
    if not user.has_perm(VIEW, unit):
        raise PermissionDenied
    present = list(
        meeting.attendances.select_related("staff_member").order_by("staff_member__name")
    )
    sees_names = user.has_perm(VIEW_ATTENDANCE, unit)
    can_record = user.has_perm(RECORD, unit)
    members = (
        [
            membership.staff_member
            for membership in UnitMembership.objects.filter(unit=unit, staff_member__active=True)
            .select_related("staff_member")
            .order_by("staff_member__name", "pk")
        ]
        if can_record
        else []
    )
    return MeetingPage(
        meeting=meeting,
        unit=unit,
        minutes=getattr(meeting, "minutes", None),
        present_count=len(present),
        present=[row.staff_member for row in present] if sees_names else None,
        members=members,
        can_record=can_record,
        is_due=meeting.date <= timezone.localdate(),
    )


def minutes_by_meeting(meetings) -> set[int]:
    """The pks of ``meetings`` that have minutes (one query)."""
    return set(
        MeetingMinutes.objects.filter(meeting__in=[m.pk for m in meetings]).values_list(
            "meeting_id", flat=True
        )
    )


@dataclass
class PmrRecordPage:
    notes: list  # PmrNote, newest first, with meeting and unit
    meetings: list  # UnitMeeting of the process, with unit, by date
    steps: list  # ProcessStep of the process


def pmr_record_page(*, user, process) -> PmrRecordPage:
    """The PMR's own record of ``process``. 403 for everyone but the school's PMR members (the
    director too)."""
    if not user.has_perm(KEEP_PMR_RECORD, process):
        raise PermissionDenied
    notes = list(
        PmrNote.objects.filter(process=process)
        .select_related("meeting__working_method__unit", "author")
        .order_by("-written_at", "-pk")
    )
    meetings = list(
        UnitMeeting.objects.filter(working_method__process=process)
        .select_related("working_method__unit")
        .order_by("date", "starts_at", "working_method__unit__name", "pk")
    )
    steps = list(process.steps.all())
    return PmrRecordPage(notes=notes, meetings=meetings, steps=steps)
