"""What the plans app contributes to the procedure: step 3's working page, the copy hook and
the frameworks section of the frozen agreement; step 6's announcements, their blocker and
to-dos; step 8's page, to-dos and the units' approval votes on their plans.

Step 8 has no blocker: it completes when the last unit submits, or when the director and the
PMR close it jointly after the deadline with units still missing
(``plans.services.unit_plan_decisions``).
"""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from processes import agreement, registry

    from . import todos
    from .selectors.announcements import VIEW_ANNOUNCEMENTS, step6_every_unit_announced
    from .selectors.frameworks import framework_agreement_section
    from .services import unit_plan_votes
    from .services.frameworks import framework_rules_copy

    registry.register_step_page(
        3, _("Frameworks"), "plans:framework-list", perm=registry.VIEW_PROCESS
    )
    registry.register_copy_hook(framework_rules_copy)
    agreement.register_section(
        "frameworks",
        order=30,
        build=framework_agreement_section,
        template="plans/includes/_agreement_frameworks.html",
    )
    registry.register_step_page(
        6,
        _("Announcements to the units"),
        "plans:announcement-overview",
        perm=VIEW_ANNOUNCEMENTS,
        who=_("the director, the PMR, the steering group and the board"),
    )
    registry.register_blocker(6, step6_every_unit_announced)
    registry.register_step_todos(6, todos.announcement_todos)
    registry.register_step_page(
        8, _("Unit plans"), "plans:unit-plan-overview", perm=registry.VIEW_PROCESS
    )
    registry.register_step_todos(8, todos.unit_plan_todos)
    # The ideas round before the unit plans: linked from steps 7 and 8, a to-do for staff.
    registry.register_todo_provider(todos.ideas_todos)
    for number in (7, 8):
        registry.register_step_page(
            number,
            _("Ideas round"),
            "plans:ideas",
            perm="plans.view_ideas",
            who=_("the school's staff, the director, the PMR and the steering group"),
        )
    unit_plan_votes.register()
