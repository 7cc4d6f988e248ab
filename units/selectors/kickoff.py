"""Reads of step 5's pages, the collective kick-off (constant query counts, whatever the
number of sessions, staff or sign-ups)."""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from ..models import KickoffAttendance, KickoffInvitation, KickoffSession, KickoffSignUp
from ..services.kickoff import ORGANISE


def _count(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().values("session").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _sessions(process):
    return (
        KickoffSession.objects.filter(process=process)
        .select_related("held_recorded_by")
        .annotate(
            sign_up_count=_count(KickoffSignUp.objects.filter(session=OuterRef("pk"))),
            invited_count=_count(
                KickoffInvitation.objects.filter(
                    session=OuterRef("pk"), sequence=OuterRef("sequence")
                )
            ),
        )
        .order_by("date", "starts_at", "pk")
    )


@dataclass
class KickoffPage:
    sessions: list
    step: object
    can_organise: bool
    staff_member: object | None  # the user's own staff membership at the school
    signed_up: set = field(default_factory=set)  # session pks the user signed up for
    active_staff_count: int = 0

    @property
    def any_held(self) -> bool:
        return any(session.is_held for session in self.sessions)


def kickoff_page(*, process, step, user) -> KickoffPage:
    """The sessions of ``process`` with their counts; for organisers the sign-ups by name and
    the number of active staff, for staff their own sign-ups."""
    can_organise = user.has_perm(ORGANISE, step)
    sessions = _sessions(process)
    if can_organise:
        sessions = sessions.prefetch_related(
            Prefetch(
                "sign_ups",
                queryset=KickoffSignUp.objects.select_related("staff_member").order_by(
                    "staff_member__name"
                ),
            )
        )
    page = KickoffPage(
        sessions=list(sessions),
        step=step,
        can_organise=can_organise,
        staff_member=process.school.staff_members.filter(user=user, active=True).first()
        if user.is_authenticated
        else None,
    )
    for session in page.sessions:
        session.process = process
        session.places_left = (
            None if session.capacity is None else max(session.capacity - session.sign_up_count, 0)
        )
    if page.staff_member is not None and any(s.uses_sign_up for s in page.sessions):
        page.signed_up = set(
            KickoffSignUp.objects.filter(
                session__process=process, staff_member=page.staff_member
            ).values_list("session_id", flat=True)
        )
    if can_organise:
        page.active_staff_count = process.school.staff_members.filter(active=True).count()
    return page


def kickoff_session_get(*, process, pk) -> KickoffSession:
    session = get_object_or_404(KickoffSession, pk=pk, process=process)
    session.process = process
    return session


@dataclass
class AttendanceRow:
    staff_member: object
    attended: bool
    signed_up: bool


def kickoff_attendance_rows(*, session) -> list[AttendanceRow]:
    """Every active staff member of the school, ticked as recorded per person, or else as
    signed up (a starting point for the organiser)."""
    process = session.process
    staff = list(process.school.staff_members.filter(active=True).order_by("name", "pk"))
    signed = set(session.sign_ups.values_list("staff_member_id", flat=True))
    if session.attendance_mode == KickoffSession.AttendanceMode.PER_PERSON:
        present = set(
            KickoffAttendance.objects.filter(session=session, attended=True).values_list(
                "staff_member_id", flat=True
            )
        )
    else:
        present = signed
    return [AttendanceRow(member, member.pk in present, member.pk in signed) for member in staff]
