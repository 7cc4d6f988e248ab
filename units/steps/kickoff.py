"""Step 5, the collective kick-off, in the procedure: its blocker, its working page and its
to-dos (for whoever organises it, what comes next; for the staff, signing up)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.models import ProcessStep
from processes.predicates import user_roles
from processes.todos import Todo, carries_out, date_label, school_roles, sign_off_todos, step_url

from ..models import KickoffInvitation, KickoffSession, KickoffSignUp
from ..services.kickoff import STEP


def kickoff_held_blocker(step) -> list[str]:
    """Step 5 is done only when at least one session of the kick-off is recorded as held."""
    if KickoffSession.objects.filter(process_id=step.process_id, held_at__isnull=False).exists():
        return []
    return [_("Record at least one kick-off session as held (on the kick-off page).")]


def _organiser_todos(step, sessions, roles) -> list[Todo]:
    """Plan the kick-off, invite the staff, record that it was held, finish the step."""
    if any(session.is_held for session in sessions):
        if step.agreed_actor == ProcessStep.AgreedActor.BOTH:
            return sign_off_todos(step, roles)
        text = _("Mark step 5 as done: the kick-off has been held")
        return [Todo(text, step_url(step), step, step.is_overdue)]
    url = reverse("units:kickoff", args=[step.process_id])
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
                    reverse("units:kickoff", args=[process_id]),
                    step,
                    due=open_for_sign_up[0].date,
                )
            )
    return todos


def register() -> None:
    """Register step 5's hooks (see processes.registry)."""
    from processes import registry

    registry.register_blocker(STEP, kickoff_held_blocker)
    registry.register_step_page(
        STEP, gettext_lazy("Kick-off"), "units:kickoff", perm=registry.VIEW_PROCESS
    )
    registry.register_step_todos(STEP, kickoff_todos)
