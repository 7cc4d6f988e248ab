"""What steps 9-11 ask of whom, for the dashboard and the timeline (registered in
``schoolplans.steps``).

Step 9: whoever merges (as agreed) makes the school plan from the unit plans and marks it
final. Step 10: whoever publishes (as agreed) publishes it; while its comment period runs, the
staff are asked to read it and comment. Step 11: the director and the PMR record the evaluation
agreement, then the PMR decides on the plan at its meeting and the director signs after it.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from processes.models import ProcessStep
from processes.predicates import user_roles
from processes.selectors import current_sign_offs
from processes.todos import Todo, carries_out, school_roles, unsigned_sides

from .models import (
    Concern,
    EvaluationAgreement,
    EvaluationMoment,
    Publication,
    PublicationComment,
    SchoolPlan,
)

Open = ProcessStep.State.OPEN
Both = ProcessStep.AgreedActor.BOTH


def _carried_out_by(user, steps) -> dict[int, ProcessStep]:
    """The steps ``user`` carries out (as agreed) and has still to do: when the director and
    the PMR do a step jointly, a side that has done its part waits for the other."""
    mine = {}
    for step in steps:
        roles = school_roles(user, step.process.school_id)
        if carries_out(step, roles) and (step.agreed_actor != Both or unsigned_sides(step, roles)):
            mine[step.process_id] = step
    return mine


def merge_todos(user, steps) -> dict[int, list[Todo]]:
    """Step 9: merge the unit plans into the school plan, then mark it final. One query for
    whoever merges, none for anyone else."""
    mine = _carried_out_by(user, steps)
    if not mine:
        return {}
    started = set(
        SchoolPlan.objects.filter(process_id__in=list(mine)).values_list("process_id", flat=True)
    )
    todos = {}
    for process_id, step in mine.items():
        text = (
            _("Finish the school plan and mark it final")
            if process_id in started
            else _("Merge the unit plans into the school plan")
        )
        url = reverse("schoolplans:merge", args=[process_id])
        todos[process_id] = [Todo(text, url, step, step.is_overdue)]
    return todos


def publication_todos(user, steps) -> dict[int, list[Todo]]:
    """Step 10: publish the final school plan (step 9 is done, so there is one). No query."""
    return {
        process_id: [
            Todo(
                _("Publish the school plan to all staff"),
                reverse("schoolplans:publication", args=[process_id]),
                step,
                step.is_overdue,
            )
        ]
        for process_id, step in _carried_out_by(user, steps).items()
    }


def ratification_todos(user, steps) -> dict[int, list[Todo]]:
    """Step 11 for the director and the PMR: the evaluation agreement, the PMR's decision,
    then the director's signature. One query for them, none for anyone else."""
    managed = {
        step.process_id: (step, school_roles(user, step.process.school_id) & {"director", "pmr"})
        for step in steps
    }
    managed = {pk: pair for pk, pair in managed.items() if pair[1]}
    if not managed:
        return {}
    evaluated = set(
        EvaluationAgreement.objects.filter(process_id__in=list(managed)).values_list(
            "process_id", flat=True
        )
    )
    todos: dict[int, list[Todo]] = {}
    for process_id, (step, roles) in managed.items():
        waiting = unsigned_sides(step, roles)
        found = todos[process_id] = []
        ratification = reverse("schoolplans:ratification", args=[process_id])
        if process_id not in evaluated:
            text = _("Record the evaluation agreement: what is measured, when and by whom")
            url = reverse("schoolplans:evaluation", args=[process_id])
            found.append(Todo(text, url, step, step.is_overdue))
        elif "pmr" in waiting:
            text = _("Record the PMR's decision on the published school plan")
            found.append(Todo(text, ratification, step, step.is_overdue))
        if "director" in waiting and "pmr" in current_sign_offs(step):
            text = _("Sign the ratification of the school plan: the PMR has consented")
            found.append(Todo(text, ratification, step, step.is_overdue))
    return todos


def comment_todos(user, processes) -> dict[int, list[Todo]]:
    """While the published plan's comment period runs (step 11 not done): read it and comment,
    for the school's staff and steering group (the director and the PMR ratify it), until they
    have commented. One query when such a period may run, none otherwise."""
    roles = user_roles(user)
    candidates = []
    for process in processes:
        at_school = roles["schools"].get(process.school_id, set())
        if at_school & {"director", "pmr"}:
            continue
        if process.school_id not in roles["staff"] and "steering" not in at_school:
            continue
        states = {step.number: step.state for step in process.steps.all()}
        if states.get(10) == ProcessStep.State.DONE and states.get(11) == Open:
            candidates.append(process.pk)
    if not candidates:
        return {}
    publications = (
        Publication.objects.filter(
            version__school_plan__process_id__in=candidates,
            comments_until__gte=timezone.localdate(),
        )
        .annotate(
            commented=Exists(
                PublicationComment.objects.filter(publication=OuterRef("pk"), author=user)
            )
        )
        .select_related("version__school_plan")
        .order_by("version__number")
    )
    todos = {}
    for publication in publications:
        process_id = publication.version.school_plan.process_id
        if publication.commented:
            todos.pop(process_id, None)
            continue
        todos[process_id] = [
            Todo(
                _("Read the published school plan and give your comments"),
                reverse("schoolplans:publication", args=[process_id]),
                due=publication.comments_until,
            )
        ]
    return todos


def concern_todos(user, processes) -> dict[int, list[Todo]]:
    """The meldpunt: the director and the PMR answer the open reports. One query for them,
    none for anyone else."""
    roles = user_roles(user)
    managed = [
        process.pk
        for process in processes
        if roles["schools"].get(process.school_id, set()) & {"director", "pmr"}
    ]
    if not managed:
        return {}
    counts = (
        Concern.objects.filter(process_id__in=managed, answered_at__isnull=True)
        .values("process_id")
        .annotate(open=Count("pk"))
        .order_by()
    )
    todos = {}
    for row in counts:
        text = ngettext(
            "Answer %(count)s report to the meldpunt",
            "Answer %(count)s reports to the meldpunt",
            row["open"],
        ) % {"count": row["open"]}
        url = reverse("schoolplans:meldpunt-inbox", args=[row["process_id"]])
        todos[row["process_id"]] = [Todo(text, url, urgent=True)]
    return todos


def evaluation_todos(user, processes) -> dict[int, list[Todo]]:
    """The evaluation kept: when a moment's date is near (``EVALUATION_REMINDER_DAYS``, as the
    reminder), whoever is responsible records its outcomes, then shares them with the staff.
    One query for the director and the PMR, none for anyone else."""
    roles = user_roles(user)
    sides = {
        process.pk: roles["schools"].get(process.school_id, set()) & {"director", "pmr"}
        for process in processes
    }
    sides = {pk: found for pk, found in sides.items() if found}
    if not sides:
        return {}
    today = timezone.localdate()
    horizon = today + timedelta(days=settings.EVALUATION_REMINDER_DAYS)
    moments = (
        EvaluationMoment.objects.filter(
            agreement__process_id__in=list(sides), date__lte=horizon, shared_at__isnull=True
        )
        .select_related("agreement")
        .only("date", "title", "responsible", "recorded_at", "agreement__process")
    )
    todos: dict[int, list[Todo]] = {}
    for moment in moments.order_by("date", "pk"):
        process_id = moment.agreement.process_id
        responsible = {"director", "pmr"} if moment.responsible == "both" else {moment.responsible}
        if not responsible & sides[process_id]:
            continue
        if moment.recorded_at is None:
            text = _("Record the outcome per measure of the evaluation “%(title)s”")
        else:
            text = _("Share the outcomes of the evaluation “%(title)s” with the staff")
        url = reverse("schoolplans:evaluation-moment", args=[process_id, moment.pk])
        todos.setdefault(process_id, []).append(
            Todo(text % {"title": moment.title}, url, urgent=moment.date < today, due=moment.date)
        )
    return todos
