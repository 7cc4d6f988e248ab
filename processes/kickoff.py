"""Step 5, the collective kick-off: its hooks in the step registry and the reads its pages
use (constant query counts, whatever the number of sessions, staff or sign-ups)."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import KickoffAttendance, KickoffInvitation, KickoffSession, KickoffSignUp, ProcessStep
from .predicates import user_roles
from .todos import Todo, carries_out, date_label, school_roles, sign_off_todos, step_url

STEP = 5
ORGANISE = "processes.complete_step"


def kickoff_held_blocker(step) -> list[str]:
    """Step 5 is done only when at least one session of the kick-off is recorded as held."""
    if KickoffSession.objects.filter(process_id=step.process_id, held_at__isnull=False).exists():
        return []
    return [_("Record at least one kick-off session as held (on the kick-off page).")]


def register() -> None:
    from . import registry

    registry.register_blocker(STEP, kickoff_held_blocker)
    registry.register_step_page(
        STEP, gettext_lazy("Kick-off"), "processes:kickoff", perm=registry.VIEW_PROCESS
    )
    registry.register_step_todos(STEP, kickoff_todos)


# --- the to-dos -----------------------------------------------------------------------


def _organiser_todos(step, sessions, roles) -> list[Todo]:
    """Plan the kick-off, invite the staff, record that it was held, finish the step."""
    if any(session.is_held for session in sessions):
        if step.agreed_actor == ProcessStep.AgreedActor.BOTH:
            return sign_off_todos(step, roles)
        text = _("Mark step 5 as done: the kick-off has been held")
        return [Todo(text, step_url(step), step, step.is_overdue)]
    url = reverse("processes:kickoff", args=[step.process_id])
    if not sessions:
        text = _("Plan the kick-off: date, place and programme")
        return [Todo(text, url, step, step.is_overdue)]
    now = timezone.localtime()
    past = [s for s in sessions if (s.date, s.starts_at) <= (now.date(), now.time())]
    if past:
        text = _("Record that the kick-off of %(date)s was held") % {
            "date": date_label(past[0].date)
        }
        return [Todo(text, url, step, step.is_overdue)]
    not_invited = [session for session in sessions if not session.invited]
    if not_invited:
        text = _("Invite the staff to the kick-off of %(date)s") % {
            "date": date_label(not_invited[0].date)
        }
        return [Todo(text, url, step, step.is_overdue)]
    return []


def kickoff_todos(user, steps) -> dict[int, list[Todo]]:
    """Step 5: for whoever organises the kick-off (as agreed), what comes next; for the staff,
    signing up for a session that asks for it. One query when the user is either, none
    otherwise."""
    staff_schools = user_roles(user)["staff"]
    organising = {
        step.process_id: step
        for step in steps
        if carries_out(step, school_roles(user, step.process.school_id))
    }
    staff = {step.process_id: step for step in steps if step.process.school_id in staff_schools}
    if not organising and not staff:
        return {}
    sessions: dict[int, list] = {}
    queryset = KickoffSession.objects.filter(process_id__in={*organising, *staff}).annotate(
        invited=Exists(
            KickoffInvitation.objects.filter(session=OuterRef("pk"), sequence=OuterRef("sequence"))
        ),
        signed_up=Exists(
            KickoffSignUp.objects.filter(session=OuterRef("pk"), staff_member__user=user)
        ),
    )
    for session in queryset.order_by("date", "starts_at", "pk"):
        sessions.setdefault(session.process_id, []).append(session)
    todos: dict[int, list[Todo]] = {}
    for process_id, step in organising.items():
        roles = school_roles(user, step.process.school_id)
        todos[process_id] = _organiser_todos(step, sessions.get(process_id, []), roles)
    today = timezone.localdate()
    for process_id, step in staff.items():
        mine = sessions.get(process_id, [])
        open_for_sign_up = [s for s in mine if s.uses_sign_up and not s.is_held and s.date >= today]
        if open_for_sign_up and not any(s.signed_up for s in mine):
            todos.setdefault(process_id, []).append(
                Todo(
                    _("Sign up for the kick-off"),
                    reverse("processes:kickoff", args=[process_id]),
                    step,
                    due=open_for_sign_up[0].date,
                )
            )
    return todos


# --- reads ----------------------------------------------------------------------------


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
