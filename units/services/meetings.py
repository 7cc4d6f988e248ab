"""Writes of the unit meetings (issue 18): the minutes and attendance of a unit meeting, and
the PMR's own record of the conversations.

Minutes are recorded on or after the meeting's date by whoever runs the unit's meetings (its
conversation leader; any member while the unit has none; the director and the PMR on its
behalf). Attendance is a tick per active member of the unit; nobody else can be marked present.
Recording writes a decision of step 7 with the number present, never the names.

The PMR's notes are its own: written and read by the school's PMR members only, so they write
no decision (the decision list is read by the director and the school).
"""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep
from processes.services import decision_record, process_lock, require_perm
from werkdruk.exceptions import DomainError

from ..models import MeetingAttendance, MeetingMinutes, PmrNote, UnitMeeting, UnitMembership

STEP = 7
RECORD = "units.record_minutes"
KEEP_PMR_RECORD = "units.keep_pmr_record"
MINUTES_MAX = 20000
NOTE_MAX = 5000


def _locked_meeting(meeting) -> UnitMeeting:
    """Lock the meeting's process and reload the meeting with its unit (it may be gone)."""
    process_id = meeting.working_method.process_id
    process = process_lock(process_id)
    locked = (
        UnitMeeting.objects.select_related("working_method__unit")
        .filter(pk=meeting.pk, working_method__process=process)
        .first()
    )
    if locked is None:
        raise DomainError(_("This meeting no longer exists."))
    locked.working_method.unit.process = process
    locked.working_method.process = process
    return locked


def _clean_text(value, *, limit, empty, too_long) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(empty)
    if len(text) > limit:
        raise DomainError(too_long % {"max": limit, "count": len(text)})
    return text


@transaction.atomic
def meeting_minutes_record(*, meeting, actor, text, present=()) -> MeetingMinutes:
    """Record (or change) the minutes of ``meeting`` and who of the unit's members attended.

    ``present`` are staff members (or their pks); each must be an active member of the
    meeting's unit. Refused before the meeting's date. The attendance given replaces the one
    recorded before.
    """
    meeting = _locked_meeting(meeting)
    unit = meeting.working_method.unit
    process = unit.process
    require_perm(actor, RECORD, unit)
    if meeting.date > timezone.localdate():
        raise DomainError(
            _("The minutes of the meeting of %(date)s can be recorded on or after that date.")
            % {"date": formats.date_format(meeting.date, "SHORT_DATE_FORMAT")}
        )
    text = _clean_text(
        text,
        limit=MINUTES_MAX,
        empty=_("Write the minutes."),
        too_long=_("The minutes have at most %(max)s characters; this text has %(count)s."),
    )
    wanted = {getattr(member, "pk", member) for member in present or ()}
    members = set(
        UnitMembership.objects.filter(
            unit=unit, staff_member_id__in=wanted, staff_member__active=True
        ).values_list("staff_member_id", flat=True)
    )
    if wanted - members:
        raise DomainError(
            _("Only active members of %(unit)s can be marked present.") % {"unit": unit.name}
        )

    now = timezone.now()
    minutes = MeetingMinutes.objects.select_for_update().filter(meeting=meeting).first()
    first = minutes is None
    if first:
        minutes = MeetingMinutes(meeting=meeting, recorded_at=now, recorded_by=actor)
    minutes.text = text
    minutes.changed_at = now
    minutes.changed_by = actor
    minutes.save()
    stored = set(meeting.attendances.values_list("staff_member_id", flat=True))
    meeting.attendances.exclude(staff_member_id__in=wanted).delete()
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, staff_member_id=pk) for pk in sorted(wanted - stored)
    )
    decision_record(
        process=process,
        step_number=STEP,
        action="units.meeting.minutes_recorded" if first else "units.meeting.minutes_changed",
        summary=(
            gettext_noop(
                "Minutes of the meeting of %(unit)s on %(date)s recorded: %(count)s present."
            )
            if first
            else gettext_noop(
                "Minutes of the meeting of %(unit)s on %(date)s changed: %(count)s present."
            )
        ),
        params={"unit": unit.name, "date": meeting.date.isoformat(), "count": len(wanted)},
        actor=actor,
        content={"meeting": meeting.pk, "date": meeting.date.isoformat(), "present": len(wanted)},
    )
    return minutes


@transaction.atomic
def pmr_note_add(*, process, actor, text, meeting=None, step_number=None) -> PmrNote:
    """Add a note to the PMR's own record of ``process``: on one of its unit meetings or on
    one of its steps (exactly one of the two). Only the school's PMR members."""
    process = process_lock(process)
    require_perm(actor, KEEP_PMR_RECORD, process)
    text = _clean_text(
        text,
        limit=NOTE_MAX,
        empty=_("Write the note."),
        too_long=_("A note has at most %(max)s characters; this text has %(count)s."),
    )
    if (meeting is None) == (step_number is None):
        raise DomainError(_("Choose a unit meeting or a step for the note."))
    if meeting is not None:
        pk = getattr(meeting, "pk", meeting)
        meeting = UnitMeeting.objects.filter(pk=pk, working_method__process=process).first()
        if meeting is None:
            raise DomainError(_("This meeting is not one of this process."))
    elif not ProcessStep.objects.filter(process=process, number=step_number).exists():
        raise DomainError(_("This step is not one of this process."))
    return PmrNote.objects.create(
        process=process,
        meeting=meeting,
        step_number=step_number,
        text=text,
        author=actor,
        written_at=timezone.now(),
    )
