"""What steps 6 and 8 ask of whom, for the dashboard and the timeline (registered with
``processes.registry.register_step_todos`` in ``plans.steps``).

Step 6: whoever announces (as agreed) tells every unit its amount, the frameworks and the
deadline, then finishes the step. Step 8: each unit's members write their plan, its coordinator
hands it in (after the unit's own vote when it decides by vote); the director and the PMR
follow the plans and, after the deadline, close the step together.
"""

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from processes.predicates import user_roles
from processes.todos import (
    Todo,
    carries_out,
    overdue,
    school_roles,
    sign_off_todos,
    step_url,
    unsigned_sides,
)
from units.models import OrganisationalUnit, UnitMembership, WorkingMethod
from voting.models import Vote

from .models import UnitAnnouncement, UnitPlan

State = UnitPlan.State


# --- step 6 ------------------------------------------------------------------------------


def announcement_todos(user, steps) -> dict[int, list[Todo]]:
    """Step 6 for whoever announces: the units not yet told, then finishing the step. One
    query for them, none for anyone else."""
    mine = {
        step.process_id: step
        for step in steps
        if carries_out(step, school_roles(user, step.process.school_id))
    }
    if not mine:
        return {}
    current = UnitAnnouncement.objects.filter(unit=OuterRef("pk"), current=True)
    rows = OrganisationalUnit.objects.filter(process_id__in=list(mine)).annotate(
        revision=Subquery(current.values("step_revision")[:1])
    )
    counts: dict[int, list[int]] = {pk: [0, 0] for pk in mine}  # [announced, units]
    for process_id, revision in rows.values_list("process_id", "revision"):
        counts[process_id][1] += 1
        counts[process_id][0] += revision == mine[process_id].revision
    todos: dict[int, list[Todo]] = {}
    for process_id, step in mine.items():
        done, total = counts[process_id]
        roles = school_roles(user, step.process.school_id)
        if total and done == total:
            if step.agreed_actor == ProcessStep.AgreedActor.BOTH:
                todos[process_id] = sign_off_todos(step, roles)
                continue
            text = _("Mark step 6 as done: every unit has been told")
            url = step_url(step)
        else:
            text = _(
                "Announce the amount, the frameworks and the deadline to the units "
                "(%(done)s of %(total)s done)"
            ) % {"done": done, "total": total}
            url = reverse("plans:announcement-overview", args=[process_id])
        todos[process_id] = [Todo(text, url, step, step.is_overdue)]
    return todos


# --- step 8 ------------------------------------------------------------------------------


def _units(process_ids, unit_ids=(), *, member_of=None, user=None):
    """The units of ``process_ids`` and the units ``unit_ids``, with their plan's state, the
    coordinator's user (the working method's leader, while an active member of the unit), how
    the unit decides, its deadline and whether it is voting on its plan: one query. With
    ``member_of`` (process pks) and ``user``, also the units of those processes that ``user``
    is an active member of, each with ``is_member``."""
    leader = WorkingMethod.objects.filter(
        unit=OuterRef("pk"), leader__active=True, leader__unit_memberships__unit=OuterRef("pk")
    )
    announcement = UnitAnnouncement.objects.filter(unit=OuterRef("pk"), current=True)
    annotations = {}
    wanted = Q(process_id__in=process_ids) | Q(pk__in=unit_ids)
    if member_of:
        annotations["is_member"] = Exists(
            UnitMembership.objects.filter(
                unit=OuterRef("pk"), staff_member__user=user, staff_member__active=True
            )
        )
        wanted |= Q(process_id__in=member_of, is_member=True)
    return (
        OrganisationalUnit.objects.annotate(**annotations)
        .filter(wanted)
        .only("process", "name")
        .annotate(
            plan_state=F("plan__state"),
            plan_revision=F("plan__revision"),
            approved_revision=F("plan__approved_revision"),
            coordinator=Subquery(leader.values("leader__user_id")[:1]),
            decision_mode=F("working_method__decision_mode"),
            deadline=Subquery(announcement.values("deadline")[:1]),
            voting=Exists(Vote.objects.filter(unit=OuterRef("pk"), state=Vote.State.OPEN)),
        )
        .order_by("name", "pk")
    )


def _member_todo(unit, user, step) -> Todo | None:
    """What the plan of ``unit`` asks of one of its members (``user``) now."""
    if unit.plan_state == State.SUBMITTED or unit.voting:
        return None  # handed in, or the unit is voting on it (the ballot is its own to-do)
    names = {"unit": unit.name}
    submits = unit.coordinator in (None, user.pk)  # any member, when the unit has none
    by_vote = unit.decision_mode == WorkingMethod.DecisionMode.VOTE
    approved = unit.approved_revision is not None and unit.approved_revision == unit.plan_revision
    if unit.plan_state == State.RETURNED:
        text = (
            _("Revise the plan of your unit %(unit)s and submit it again")
            if submits
            else _("Revise the plan of your unit %(unit)s: it was returned")
        )
    elif not submits:
        text = _("Work on the plan of your unit %(unit)s with your colleagues")
    elif by_vote and approved:
        text = _("Submit the plan of your unit %(unit)s: your unit has approved it")
    elif by_vote:
        text = _("Finish the plan of your unit %(unit)s and let your unit vote on it")
    else:
        text = _("Finish the plan of your unit %(unit)s and submit it")
    text %= names
    url = reverse("plans:unit-plan", args=[unit.process_id, unit.pk])
    return Todo(text, url, step, overdue(unit.deadline), due=unit.deadline)


def _manager_todo(units, step, roles) -> Todo | None:
    """For the director and the PMR: follow the plans; after the deadline, close the step."""
    if not units:
        return None
    submitted = sum(1 for unit in units if unit.plan_state == State.SUBMITTED)
    deadline = max((unit.deadline for unit in units if unit.deadline), default=None)
    url = reverse("plans:unit-plan-overview", args=[step.process_id])
    if overdue(deadline):
        if not unsigned_sides(step, roles):
            return None  # this side confirmed closing: the other side's turn
        text = _(
            "Close step 8: the deadline has passed and %(missing)s of %(total)s units have not "
            "submitted a plan"
        ) % {"missing": len(units) - submitted, "total": len(units)}
        return Todo(text, url, step, True, due=deadline)
    text = _("Follow the unit plans: %(submitted)s of %(total)s submitted") % {
        "submitted": submitted,
        "total": len(units),
    }
    return Todo(text, url, step, due=deadline)


def unit_plan_todos(user, steps) -> dict[int, list[Todo]]:
    """Step 8 for each unit's members and coordinator, and for the director and the PMR. One
    query for the director and the PMR (their own units among all), two for other staff
    (their units, then those units), none for anyone else."""
    by_process = {step.process_id: step for step in steps}
    managed = [
        step.process_id
        for step in steps
        if {"director", "pmr"} & school_roles(user, step.process.school_id)
    ]
    staff_schools = user_roles(user)["staff"]
    staff = [pk for pk, step in by_process.items() if step.process.school_id in staff_schools]
    if not managed and not staff:
        return {}
    units_of: dict[int, list] = {}
    member_of = set()
    if managed:
        # The director and the PMR read every unit anyway: their own units come with them.
        units = _units(managed, member_of=list(by_process) if staff else None, user=user)
    else:
        # A member only: their units first (a cheaper query than the units' with an EXISTS).
        member_of = set(
            UnitMembership.objects.filter(
                process_id__in=list(by_process),
                staff_member__user=user,
                staff_member__active=True,
            ).values_list("unit_id", flat=True)
        )
        if not member_of:
            return {}
        units = _units([], member_of)
    for unit in units:
        units_of.setdefault(unit.process_id, []).append(unit)
        if getattr(unit, "is_member", False):
            member_of.add(unit.pk)
    todos: dict[int, list[Todo]] = {}
    for process_id, step in by_process.items():
        found = [
            _member_todo(unit, user, step)
            for unit in units_of.get(process_id, [])
            if unit.pk in member_of
        ]
        if process_id in managed:
            roles = school_roles(user, step.process.school_id)
            found.append(_manager_todo(units_of.get(process_id, []), step, roles))
        todos[process_id] = [todo for todo in found if todo is not None]
    return todos


# --- the ideas round ----------------------------------------------------------------------


def ideas_todos(user, processes) -> dict[int, list[Todo]]:
    """While an ideas round is open (step 8 not finished): put forward your ideas, for the
    school's staff who have not put one forward yet. One query when such a round may run,
    none otherwise (registered with ``register_todo_provider``)."""
    from django.utils import timezone

    from .models import Idea, IdeasRound

    roles = user_roles(user)
    candidates = [
        process.pk
        for process in processes
        if process.school_id in roles["staff"]
        and not any(step.number == 8 and step.is_finished for step in process.steps.all())
    ]
    if not candidates:
        return {}
    today = timezone.localdate()
    rounds = (
        IdeasRound.objects.filter(
            process_id__in=candidates, opens_on__lte=today, closes_on__gte=today
        )
        .only("process", "closes_on")
        .annotate(
            put_forward=Exists(
                Idea.objects.filter(round=OuterRef("pk"), author__user=user, author__active=True)
            )
        )
    )
    return {
        ideas_round.process_id: [
            Todo(
                _("Put forward your ideas for the workload money"),
                reverse("plans:ideas", args=[ideas_round.process_id]),
                due=ideas_round.closes_on,
            )
        ]
        for ideas_round in rounds
        if not ideas_round.put_forward
    }
