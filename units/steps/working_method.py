"""Step 7 in the procedure: its blocker, its working page, and its to-dos: the members of a
unit that has not recorded its working method yet record it; the director and the PMR follow
the units."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.predicates import user_roles
from processes.todos import Todo, school_roles

from ..models import OrganisationalUnit, UnitMembership
from ..services.working_method import STEP, step7_every_unit_has_a_working_method


def working_method_todos(user, steps) -> dict[int, list]:
    """ "Record the working method of your unit" for an active member of a unit without one;
    "follow the working methods" for the director and the PMR. A query for each of the two
    that applies, none for anyone else."""
    by_process = {step.process_id: step for step in steps}
    staff_schools = user_roles(user)["staff"]
    todos: dict[int, list] = {}
    members = [s.process_id for s in steps if s.process.school_id in staff_schools]
    memberships = (
        UnitMembership.objects.filter(
            process_id__in=members,
            staff_member__user=user,
            staff_member__active=True,
            unit__working_method__isnull=True,
        )
        .select_related("unit")
        .order_by("unit__name", "pk")
        if members
        else []
    )
    for membership in memberships:
        step = by_process[membership.process_id]
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
    managed = [
        s.process_id for s in steps if {"director", "pmr"} & school_roles(user, s.process.school_id)
    ]
    counts = (
        OrganisationalUnit.objects.filter(process_id__in=managed)
        .values("process_id")
        .annotate(total=Count("pk"), recorded=Count("pk", filter=Q(working_method__isnull=False)))
        .order_by()
        if managed
        else []
    )
    for row in counts:
        step = by_process[row["process_id"]]
        text = _("Follow the working methods: %(recorded)s of %(total)s units recorded theirs")
        todos.setdefault(row["process_id"], []).append(
            Todo(
                text % row,
                reverse("units:working-method-overview", args=[row["process_id"]]),
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
    registry.register_step_todos(STEP, working_method_todos)
    # The PMR's own record of the conversations (units.views.meetings).
    registry.register_step_page(
        STEP,
        gettext_lazy("The PMR's record of the conversations"),
        "units:pmr-record",
        perm="units.keep_pmr_record",
        who=gettext_lazy("the PMR's members"),
    )
