"""Step 5, the collective kick-off: its sessions, invitations, sign-ups, attendance and the
record that a session was held.

Whoever may carry out step 5 (``processes.complete_step`` on the step: director, PMR, steering
group) organises it, while the step is open: from the adopted vote until the step is done.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.mail import board_mail
from processes.models import ProcessStep
from processes.services import decision_record, process_lock, require_perm
from werkdruk.exceptions import DomainError

from .. import ics
from ..models import KickoffAttendance, KickoffInvitation, KickoffSession, KickoffSignUp

logger = logging.getLogger(__name__)

CAUSE = "units.kickoff"  # cause_id: the process (the kick-off page)

STEP = 5
ORGANISE = "processes.complete_step"

# The fields that a calendar shows: changing one makes a new version (SEQUENCE) to send.
CALENDAR_FIELDS = (
    "title",
    "date",
    "starts_at",
    "ends_at",
    "place",
    "agenda",
    "format",
    "in_working_time",
    "meal_offered",
    "hours_credited",
)
SESSION_FIELDS = (*CALENDAR_FIELDS, "uses_sign_up", "capacity")


def _step(process) -> ProcessStep:
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    step.process = process
    return step


def _ensure_step_open(step):
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(
            _(
                "Step 5 is not open. The kick-off can be organised once the staff have adopted "
                "the agreement, and until step 5 is done."
            )
        )


def _organiser_step(process, actor) -> ProcessStep:
    """Step 5 of the locked ``process``, checked: ``actor`` organises it and it is open."""
    step = _step(process)
    require_perm(actor, ORGANISE, step)
    _ensure_step_open(step)
    return step


def _lock_session(session, process) -> KickoffSession:
    session = KickoffSession.objects.select_for_update().get(pk=session.pk, process=process)
    session.process = process
    return session


def _ensure_not_held(session):
    if session.is_held:
        raise DomainError(_("This session has been recorded as held and can no longer change."))


def _clean(data) -> dict:
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown kick-off session fields: {sorted(unknown)}")
    data = dict(data)
    data["title"] = (data.get("title") or "").strip()
    data["place"] = (data.get("place") or "").strip()
    data["agenda"] = (data.get("agenda") or "").strip()
    if not data["place"]:
        raise DomainError(_("Give the place of the session."))
    if data["ends_at"] <= data["starts_at"]:
        raise DomainError(_("The session must end after it starts."))
    if data["format"] not in KickoffSession.Format.values:
        raise DomainError(_("Choose the format of the session."))
    if data["hours_credited"] is None or data["hours_credited"] < 0:
        raise DomainError(_("The hours credited cannot be negative."))
    data.setdefault("capacity", None)
    if data["capacity"] is not None and data["capacity"] < 1:
        raise DomainError(_("A session has at least one place; leave it empty for no limit."))
    return data


def _session_params(session) -> dict:
    return {"date": session.date, "place": session.place}


def _session_content(session) -> dict:
    return {
        "session": session.pk,
        "date": session.date.isoformat(),
        "starts_at": session.starts_at.isoformat(timespec="minutes"),
        "ends_at": session.ends_at.isoformat(timespec="minutes"),
        "place": session.place,
        "format": session.format,
        "in_working_time": session.in_working_time,
        "meal_offered": session.meal_offered,
        "hours_credited": str(session.hours_credited),
        "uses_sign_up": session.uses_sign_up,
        "capacity": session.capacity,
        "sequence": session.sequence,
    }


@transaction.atomic
def kickoff_session_create(*, process, actor, **data) -> KickoffSession:
    """Plan a kick-off session: date, times (Europe/Amsterdam), place, agenda, format and
    facilitation. Recorded as a decision of step 5."""
    process = process_lock(process)
    _organiser_step(process, actor)
    data = _clean(data)
    session = KickoffSession.objects.create(process=process, **data)
    decision_record(
        process=process,
        step_number=STEP,
        action="processes.kickoff.session_planned",
        summary=gettext_noop("Kick-off session planned on %(date)s at %(place)s."),
        params=_session_params(session),
        actor=actor,
        content=_session_content(session),
    )
    return session


@transaction.atomic
def kickoff_session_update(*, session, actor, **data) -> KickoffSession:
    """Change a session that has not been held. A change a calendar shows raises its version
    (SEQUENCE): invitations can then be sent again and replace the earlier ones."""
    process = process_lock(session.process_id)
    _organiser_step(process, actor)
    session = _lock_session(session, process)
    _ensure_not_held(session)
    data = _clean(data)
    changed = [name for name, value in data.items() if getattr(session, name) != value]
    if not changed:
        return session
    if "capacity" in changed and data["capacity"] is not None:
        signed_up = session.sign_ups.count()
        if data["capacity"] < signed_up:
            raise DomainError(
                _(
                    "%(count)s people have already signed up for this session; the number of "
                    "places cannot be lower."
                )
                % {"count": signed_up}
            )
    for name in changed:
        setattr(session, name, data[name])
    if set(changed) & set(CALENDAR_FIELDS):
        session.sequence += 1
    session.save()
    decision_record(
        process=process,
        step_number=STEP,
        action="processes.kickoff.session_changed",
        summary=gettext_noop("Kick-off session of %(date)s at %(place)s changed."),
        params=_session_params(session),
        actor=actor,
        content={**_session_content(session), "changed": changed},
    )
    return session


@transaction.atomic
def kickoff_session_delete(*, session, actor) -> None:
    """Remove a session that has not been held (with its sign-ups and invitation records)."""
    process = process_lock(session.process_id)
    _organiser_step(process, actor)
    session = _lock_session(session, process)
    _ensure_not_held(session)
    content = _session_content(session)
    params = _session_params(session)
    invited = list(
        process.school.staff_members.filter(kickoff_invitations__session=session)
        .distinct()
        .order_by("name", "pk")
    )
    if invited:
        cancellation = ics.session_calendar(session, cancelled=True)
        filename = ics.session_filename(session)
        _send_cancellations(session, invited, cancellation, filename)  # outbox, this transaction
    session.delete()
    decision_record(
        process=process,
        step_number=STEP,
        action="processes.kickoff.session_removed",
        summary=gettext_noop("Kick-off session of %(date)s at %(place)s cancelled."),
        params=params,
        actor=actor,
        content={**content, "cancellations_sent_to": len(invited)},
    )


def _send_cancellations(session, staff, calendar: bytes, filename: str) -> None:
    """Tell everyone who was invited that the session is off, with the calendar file that
    removes it from their calendar (into the outbox, in the caller's transaction)."""
    for member in staff:
        _send_session_mail(
            session, member, "units/email/kickoff_cancelled", {}, (filename, calendar)
        )


# --- invitations ----------------------------------------------------------------------


def _send_session_mail(session, member, template, extra, attachment):
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": member.name,
            "school": session.process.school.name,
            "session": session,
            "date": formats.date_format(session.date),
            "starts_at": formats.time_format(session.starts_at, "H:i"),
            "ends_at": formats.time_format(session.ends_at, "H:i"),
            "url": settings.SITE_URL.rstrip("/")
            + reverse("units:kickoff", args=[session.process_id]),
            **extra,
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    board_mail(
        session.process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body,
        [member.email],
        cause=CAUSE,
        cause_id=session.process_id,
        attachments=[(*attachment, "text/calendar")],
    )


def _send_invitation(session, member, calendar: bytes, *, update: bool):
    _send_session_mail(
        session,
        member,
        "units/email/kickoff_invitation",
        {"update": update},
        (ics.session_filename(session), calendar),
    )


def kickoff_invitations_send(*, session, actor) -> int:
    """E-mail the session, with its .ics file, to every active staff member of the school who
    has not had this version of it yet; returns how many were sent.

    At most once per staff member per version: the KickoffInvitation row and the outbox row
    are written in one transaction, and the unique constraint stops a second invitation when
    this runs twice (a double click, two organisers at once). After a change (a higher
    SEQUENCE) everyone gets the new version, which calendars put in place of the old one.
    """
    with transaction.atomic():
        process = process_lock(session.process_id)
        _organiser_step(process, actor)
        session = _lock_session(session, process)
        _ensure_not_held(session)
        invited = KickoffInvitation.objects.filter(session=session, sequence=session.sequence)
        staff = list(
            process.school.staff_members.filter(active=True)
            .exclude(pk__in=invited.values("staff_member_id"))
            .order_by("name", "pk")
        )
        earlier = set(
            KickoffInvitation.objects.filter(
                session=session, sequence__lt=session.sequence
            ).values_list("staff_member_id", flat=True)
        )
        calendar = ics.session_calendar(session)
        return _send_invitations(session, staff, earlier, calendar)


def _send_invitations(session, staff, earlier, calendar) -> int:
    sent = 0
    for member in staff:
        try:
            with transaction.atomic():
                KickoffInvitation.objects.create(
                    session=session, staff_member=member, sequence=session.sequence
                )
                _send_invitation(session, member, calendar, update=member.pk in earlier)
        except IntegrityError:
            continue  # sent by a concurrent run
        sent += 1
    return sent


# --- sign-up --------------------------------------------------------------------------


def _own_staff_member(process, actor):
    member = (
        process.school.staff_members.filter(user=actor, active=True).first()
        if actor.is_authenticated
        else None
    )
    if member is None:
        raise PermissionDenied
    return member


def _ensure_sign_up_open(session):
    if not session.uses_sign_up:
        raise DomainError(_("This session does not use sign-up."))
    _ensure_not_held(session)
    if session.date < timezone.localdate():
        raise DomainError(_("This session has already taken place."))


@transaction.atomic
def kickoff_sign_up(*, session, actor) -> KickoffSignUp:
    """Sign ``actor`` (an active staff member of the school) up for a session that uses
    sign-up; signing up twice keeps the first sign-up. A full session refuses: the session
    row is locked first, so two people signing up at once for the last place cannot both
    get it."""
    process = process_lock(session.process_id)
    member = _own_staff_member(process, actor)
    _ensure_step_open(_step(process))
    session = _lock_session(session, process)
    _ensure_sign_up_open(session)
    existing = KickoffSignUp.objects.filter(session=session, staff_member=member).first()
    if existing is not None:
        return existing
    if session.capacity is not None and session.sign_ups.count() >= session.capacity:
        raise DomainError(
            _("This session is full. Sign up for another session, or ask the organisers.")
        )
    return KickoffSignUp.objects.create(session=session, staff_member=member)


@transaction.atomic
def kickoff_withdraw(*, session, actor) -> None:
    """Withdraw ``actor``'s sign-up for a session (nothing happens if there is none)."""
    process = process_lock(session.process_id)
    member = _own_staff_member(process, actor)
    _ensure_step_open(_step(process))
    session = _lock_session(session, process)
    _ensure_sign_up_open(session)
    KickoffSignUp.objects.filter(session=session, staff_member=member).delete()


# --- attendance and holding -----------------------------------------------------------


@transaction.atomic
def kickoff_attendance_record(*, session, actor, attended_staff_ids) -> KickoffSession:
    """Record attendance per person: every active staff member of the school attended or
    not. Replaces any earlier record, per person or counted."""
    process = process_lock(session.process_id)
    _organiser_step(process, actor)
    session = _lock_session(session, process)
    staff_ids = set(process.school.staff_members.filter(active=True).values_list("pk", flat=True))
    attended = set(attended_staff_ids)
    if not attended <= staff_ids:
        raise DomainError(_("Only active staff of the school can be recorded as present."))
    session.attendances.all().delete()
    KickoffAttendance.objects.bulk_create(
        KickoffAttendance(session=session, staff_member_id=pk, attended=pk in attended)
        for pk in sorted(staff_ids)
    )
    session.attendance_mode = KickoffSession.AttendanceMode.PER_PERSON
    session.attendance_count = len(attended)
    session.save(update_fields=["attendance_mode", "attendance_count"])
    return session


@transaction.atomic
def kickoff_attendance_count(*, session, actor, count) -> KickoffSession:
    """Record attendance as a number only. Replaces any earlier record per person."""
    process = process_lock(session.process_id)
    _organiser_step(process, actor)
    session = _lock_session(session, process)
    if count is None or count < 0:
        raise DomainError(_("The number of people present cannot be negative."))
    session.attendances.all().delete()
    session.attendance_mode = KickoffSession.AttendanceMode.COUNTED
    session.attendance_count = count
    session.save(update_fields=["attendance_mode", "attendance_count"])
    return session


@transaction.atomic
def kickoff_session_mark_held(*, session, actor, note="") -> KickoffSession:
    """Record that a session took place (recorded as a decision of step 5). Step 5 can be
    completed once at least one session is recorded as held."""
    process = process_lock(session.process_id)
    _organiser_step(process, actor)
    session = _lock_session(session, process)
    if session.is_held:
        raise DomainError(_("This session has already been recorded as held."))
    if not session.has_started:
        raise DomainError(_("A session can only be recorded as held once it has started."))
    session.held_at = timezone.now()
    session.held_recorded_by = actor
    session.save(update_fields=["held_at", "held_recorded_by"])
    counted = session.attendance_count is not None
    decision_record(
        process=process,
        step_number=STEP,
        action="processes.kickoff.held",
        summary=(
            gettext_noop(
                "Kick-off session of %(date)s at %(place)s recorded as held; %(count)s present."
            )
            if counted
            else gettext_noop("Kick-off session of %(date)s at %(place)s recorded as held.")
        ),
        params={**_session_params(session), "count": session.attendance_count},
        actor=actor,
        content={
            **_session_content(session),
            "attendance_mode": session.attendance_mode,
            "attendance_count": session.attendance_count,
            "sign_ups": session.sign_ups.count(),
        },
        grounds=(note or "").strip(),
    )
    return session
