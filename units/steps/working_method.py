"""Step 7 in the procedure: its blocker, its working page, and the dashboard's to-do for the
members of a unit that has not recorded its working method yet."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.models import ProcessStep
from processes.predicates import user_roles
from processes.selectors import Todo

from ..models import UnitMembership
from ..services.working_method import STEP, step7_every_unit_has_a_working_method


def working_method_todos(user, processes) -> dict[int, list]:
    """ "Record your unit's working method" per process whose step 7 is open, for an active
    member of a unit without one. No query unless such a step is open where ``user`` is staff;
    one else."""
    staff_schools = user_roles(user)["staff"]
    steps = {
        process.pk: step
        for process in processes
        if process.school_id in staff_schools
        for step in process.steps.all()
        if step.number == STEP and step.state == ProcessStep.State.OPEN
    }
    if not steps:
        return {}
    memberships = (
        UnitMembership.objects.filter(
            process_id__in=list(steps),
            staff_member__user=user,
            staff_member__active=True,
            unit__working_method__isnull=True,
        )
        .select_related("unit")
        .order_by("unit__name", "pk")
    )
    todos: dict[int, list] = {}
    for membership in memberships:
        step = steps[membership.process_id]
        todos.setdefault(membership.process_id, []).append(
            Todo(
                _("Record the working method of your unit %(unit)s") % {"unit": membership.unit},
                reverse(
                    "units:working-method-unit", args=[membership.process_id, membership.unit_id]
                ),
                step,
                step.is_overdue,
            )
        )
    return todos


def register() -> None:
    """Register step 7's hooks (see processes.registry)."""
    from processes import registry

    registry.register_blocker(STEP, step7_every_unit_has_a_working_method)
    registry.register_step_page(
        STEP,
        gettext_lazy("Working methods of the units"),
        "units:working-method-overview",
        perm=registry.VIEW_PROCESS,
    )
    registry.register_todo_provider(working_method_todos)
