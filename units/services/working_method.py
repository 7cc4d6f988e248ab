"""Writes of step 7: each unit records its working method.

A unit's active members record it, or the director or a PMR member on the unit's behalf, once
step 7 has opened (after the kick-off and the announcements). The first recording and every
later change are decisions of step 7. The recording that gives the last unit its working
method completes step 7 in the same transaction; a later change leaves the step done.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import models, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from processes.models import ProcessStep
from processes.services import decision_record, process_lock, require_perm, step_complete_by_system
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError

from ..models import OrganisationalUnit, UnitMeeting, UnitMembership, WorkingMethod

STEP = 7
RECORD = "units.record_working_method"
FACILITATION_MAX = 2000
HOURS_LIMIT = Decimal("1000")
MEETINGS_MAX = 50
TEXT_MAX = 200


@dataclass(frozen=True)
class MeetingData:
    """One meeting date as entered: a date, optionally a time, a place and a note."""

    date: datetime.date
    starts_at: datetime.time | None = None
    place: str = ""
    note: str = ""

    def content(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "time": self.starts_at.strftime("%H:%M") if self.starts_at else None,
            "place": self.place,
            "note": self.note,
        }


# --- helpers --------------------------------------------------------------------------


def _locked_unit(unit) -> OrganisationalUnit:
    """Lock the unit's process and reload the unit (it may be gone)."""
    process = process_lock(unit.process_id)
    locked = OrganisationalUnit.objects.filter(pk=unit.pk, process=process).first()
    if locked is None:
        raise DomainError(_("This unit no longer exists."))
    locked.process = process
    return locked


def _locked_step(process) -> ProcessStep:
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    step.process = process
    return step


def _ensure_step_allows_recording(step):
    """Recording needs step 7 opened; after it is done, units may still change their method."""
    if step.state in (ProcessStep.State.OPEN, ProcessStep.State.DONE):
        return
    if step.state == ProcessStep.State.SKIPPED:
        raise DomainError(
            _("Step %(number)s was skipped: there are no working methods to record.")
            % {"number": STEP}
        )
    raise DomainError(
        _(
            "The working methods can be recorded once the kick-off and the announcements "
            "(steps 5 and 6) are done."
        )
    )


def _clean_leader(unit, leader) -> UnitMembership:
    pk = getattr(leader, "pk", leader)
    membership = (
        UnitMembership.objects.select_related("staff_member")
        .filter(unit=unit, staff_member_id=pk, staff_member__active=True)
        .first()
        if pk
        else None
    )
    if membership is None:
        raise DomainError(
            _("The conversation leader must be an active member of %(unit)s.") % {"unit": unit.name}
        )
    return membership.staff_member


def _clean_choice(value, choices, message) -> str:
    if value not in choices.values:
        raise DomainError(message)
    return value


def _clean_hours(value) -> Decimal | None:
    if value is None or value == "":
        return None
    error = _("The hours credited must be a number of hours, with at most two decimals.")
    if isinstance(value, float):
        raise DomainError(error)
    try:
        hours = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(error) from None
    if not hours.is_finite() or hours != hours.quantize(Decimal("0.01")):
        raise DomainError(error)
    if hours < 0:
        raise DomainError(_("The hours credited cannot be negative."))
    if hours >= HOURS_LIMIT:
        raise DomainError(_("The hours credited must be less than 1000."))
    return hours.quantize(Decimal("0.01"))


def _clean_text(value, *, limit, message) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise DomainError(message % {"max": limit, "count": len(text)})
    return text


def _clean_meetings(meetings) -> list[MeetingData]:
    cleaned = []
    for meeting in meetings or ():
        if isinstance(meeting, dict):
            meeting = MeetingData(**meeting)
        if not isinstance(meeting.date, datetime.date):
            raise DomainError(_("Every meeting needs a date."))
        too_long = _("A place or note has at most %(max)s characters; this one has %(count)s.")
        cleaned.append(
            MeetingData(
                date=meeting.date,
                starts_at=meeting.starts_at,
                place=_clean_text(meeting.place, limit=TEXT_MAX, message=too_long),
                note=_clean_text(meeting.note, limit=TEXT_MAX, message=too_long),
            )
        )
    if not cleaned:
        raise DomainError(_("Give at least one meeting date."))
    if len(cleaned) > MEETINGS_MAX:
        raise DomainError(
            _("A working method has at most %(max)s meeting dates.") % {"max": MEETINGS_MAX}
        )
    moments = [(m.date, m.starts_at) for m in cleaned]
    if len(set(moments)) != len(moments):
        raise DomainError(_("The same meeting date and time is given twice."))
    return sorted(cleaned, key=lambda m: (m.date, m.starts_at or datetime.time.min))


def _content(method: WorkingMethod, meetings: list[MeetingData]) -> dict:
    """The working method as recorded, JSON-ready (labels in the school's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "unit": method.unit_id,
            "unit_name": method.unit.name,
            "leader": method.leader_id,
            "leader_name": method.leader.name if method.leader else "",
            "decision_mode": {
                "code": method.decision_mode,
                "label": str(WorkingMethod.DecisionMode(method.decision_mode).label),
            },
            "participation": {
                "code": method.participation,
                "label": str(WorkingMethod.Participation(method.participation).label),
            },
            "facilitation": method.facilitation,
            "hours_credited": (
                None if method.hours_credited is None else str(method.hours_credited)
            ),
            "meetings": [meeting.content() for meeting in meetings],
        }


def _stored_meetings(method) -> list[MeetingData]:
    return [
        MeetingData(date=m.date, starts_at=m.starts_at, place=m.place, note=m.note)
        for m in method.meetings.order_by("date", "starts_at", "pk")
    ]


def _meetings_replace(method, meetings: list[MeetingData]):
    """Make the method's meetings ``meetings``. A meeting kept at the same date and time keeps
    its row (and so its minutes, attendance and the PMR's notes); a meeting with any of those
    cannot be removed."""
    stored = {(m.date, m.starts_at): m for m in method.meetings.all()}
    wanted = {(m.date, m.starts_at) for m in meetings}
    gone = [m for key, m in stored.items() if key not in wanted]
    kept_records = set(
        UnitMeeting.objects.filter(pk__in=[m.pk for m in gone])
        .filter(
            models.Q(minutes__isnull=False)
            | models.Q(attendances__isnull=False)
            | models.Q(pmr_notes__isnull=False)
        )
        .values_list("pk", flat=True)
    )
    for meeting in gone:
        if meeting.pk in kept_records:
            raise DomainError(
                _(
                    "The meeting of %(date)s has minutes, attendance or notes: it cannot be "
                    "removed or moved."
                )
                % {"date": formats.date_format(meeting.date, "SHORT_DATE_FORMAT")}
            )
    UnitMeeting.objects.filter(pk__in=[m.pk for m in gone]).delete()
    for m in meetings:
        row = stored.get((m.date, m.starts_at))
        if row is None:
            UnitMeeting.objects.create(
                working_method=method,
                date=m.date,
                starts_at=m.starts_at,
                place=m.place,
                note=m.note,
            )
        elif (row.place, row.note) != (m.place, m.note):
            row.place, row.note = m.place, m.note
            row.save(update_fields=["place", "note"])


# --- services -------------------------------------------------------------------------


@transaction.atomic
def working_method_record(
    *,
    unit,
    actor,
    leader,
    decision_mode,
    participation,
    facilitation="",
    hours_credited=None,
    meetings=(),
    version: int | None = None,
) -> WorkingMethod:
    """Record (or change) ``unit``'s working method: its meeting dates, its conversation leader
    (an active member of the unit, who becomes its coordinator), how it decides, whether taking
    part is voluntary or compulsory, and how it is facilitated.

    Allowed to the unit's active members and to the director and PMR, while step 7 is open or
    after it is done. A recording that changes nothing writes nothing. The first recording and
    each change are decisions of step 7; when every unit of the process has a working method
    and step 7 is open, step 7 is completed in this transaction.

    ``version`` is the working method's version the input was based on (0: none recorded yet);
    when someone else recorded a change since, EditConflict is raised and nothing is written.
    """
    unit = _locked_unit(unit)
    process = unit.process
    require_perm(actor, RECORD, unit)
    step = _locked_step(process)
    _ensure_step_allows_recording(step)

    leader = _clean_leader(unit, leader)
    decision_mode = _clean_choice(
        decision_mode, WorkingMethod.DecisionMode, _("Choose how the unit decides.")
    )
    participation = _clean_choice(
        participation,
        WorkingMethod.Participation,
        _("Choose whether taking part is voluntary or compulsory."),
    )
    facilitation = _clean_text(
        facilitation,
        limit=FACILITATION_MAX,
        message=_("The facilitation has at most %(max)s characters; this text has %(count)s."),
    )
    hours_credited = _clean_hours(hours_credited)
    meetings = _clean_meetings(meetings)

    method = WorkingMethod.objects.select_for_update().filter(unit=unit).first()
    now = timezone.now()
    if method is None:
        first = True
        method = WorkingMethod(
            process=process,
            unit=unit,
            recorded_at=now,
            recorded_by=actor,
            changed_at=now,
            version=0,
        )
        changed = ["leader", "decision_mode", "participation", "facilitation", "hours_credited"]
        old_meetings = None
    else:
        first = False
        method.unit = unit
        new = {
            "leader": leader.pk,
            "decision_mode": decision_mode,
            "participation": participation,
            "facilitation": facilitation,
            "hours_credited": hours_credited,
        }
        old = {
            "leader": method.leader_id,
            "decision_mode": method.decision_mode,
            "participation": method.participation,
            "facilitation": method.facilitation,
            "hours_credited": method.hours_credited,
        }
        changed = [key for key in new if new[key] != old[key]]
        old_meetings = _stored_meetings(method)
    meetings_changed = old_meetings != meetings
    if meetings_changed and not first:
        changed.append("meetings")

    if changed:
        version_check(None if first else method, version)
        version_next(method)
        method._history_user = actor
        method.leader = leader
        method.decision_mode = decision_mode
        method.participation = participation
        method.facilitation = facilitation
        method.hours_credited = hours_credited
        method.changed_at = now
        method.changed_by = actor
        method.save()
        if meetings_changed:
            _meetings_replace(method, meetings)
        with translation.override(settings.LANGUAGE_CODE):
            mode = WorkingMethod.DecisionMode(decision_mode).label
        decision_record(
            process=process,
            step_number=STEP,
            action="units.working_method.recorded" if first else "units.working_method.changed",
            summary=(
                gettext_noop(
                    "Working method of %(unit)s recorded: %(leader)s leads the conversations, "
                    "the unit decides %(mode)s."
                )
                if first
                else gettext_noop(
                    "Working method of %(unit)s changed: %(leader)s leads the conversations, "
                    "the unit decides %(mode)s."
                )
            ),
            params={"unit": unit.name, "leader": leader.name, "mode": mode},
            actor=actor,
            content={**_content(method, meetings), "changed": [] if first else changed},
        )

    if step.state == ProcessStep.State.OPEN and not units_without_working_method(process):
        step_complete_by_system(
            step=step,
            summary=gettext_noop(
                "Step %(number)s completed: every unit has recorded its working method."
            ),
            content={"last_unit": unit.name},
            actor=actor,
        )
    return method


def units_without_working_method(process) -> list[str]:
    """The names of the units of ``process`` that have no working method yet, in name order."""
    return list(
        OrganisationalUnit.objects.filter(process=process, working_method__isnull=True)
        .order_by("name", "pk")
        .values_list("name", flat=True)
    )


def step7_every_unit_has_a_working_method(step) -> list[str]:
    """Step 7 is done only when the process has units and every one recorded its method."""
    missing = units_without_working_method(step.process_id)
    if missing:
        return [
            ngettext(
                "%(count)s unit has no working method yet: %(units)s.",
                "%(count)s units have no working method yet: %(units)s.",
                len(missing),
            )
            % {"count": len(missing), "units": ", ".join(missing)}
        ]
    if not OrganisationalUnit.objects.filter(process_id=step.process_id).exists():
        return [_("The process has no units.")]
    return []


def may_record(user, unit) -> bool:
    """Whether ``user`` may record ``unit``'s working method (permission only, not the state)."""
    return user.has_perm(RECORD, unit)
