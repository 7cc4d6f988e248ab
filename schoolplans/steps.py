"""What the school plan app contributes to the procedure: the pages, blockers, to-dos and
completion hooks of steps 9 (merge), 10 (publication) and 11 (ratification), and the follow-up
of the evaluation agreement carried into next year's process."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from plans.selectors.unit_plans import register_measure_notes
    from processes import registry

    from . import todos
    from .rules import VIEW_MELDPUNT, VIEW_SCHOOL_PLAN, VIEW_TASK_POLICY
    from .selectors.evaluation import carried_over_notes
    from .selectors.merge import step9_final_version_blocker
    from .selectors.publication import step10_needs_publication
    from .selectors.ratification import step11_blockers
    from .services.next_year import follow_up_copy
    from .services.ratification import ratification_record_write

    register_measure_notes(carried_over_notes)
    registry.register_step_page(
        9,
        _("School plan"),
        "schoolplans:merge",
        perm=VIEW_SCHOOL_PLAN,
        who=_("the director, the PMR and whoever merges the plans, until the school plan is final"),
    )
    registry.register_blocker(9, step9_final_version_blocker)
    registry.register_step_page(
        10,
        _("The published school plan"),
        "schoolplans:publication",
        perm=registry.VIEW_PROCESS,
    )
    registry.register_blocker(10, step10_needs_publication)
    for label, url_name in (
        (_("Ratification"), "schoolplans:ratification"),
        (_("Evaluation agreement"), "schoolplans:evaluation"),
        (_("Decision list (page and PDF)"), "schoolplans:decision-list"),
    ):
        registry.register_step_page(11, label, url_name, perm=registry.VIEW_PROCESS)
    for number in (9, 11):
        registry.register_step_page(
            number,
            _("Task policy: the PMR's separate consent"),
            "schoolplans:task-policy",
            perm=VIEW_TASK_POLICY,
            who=_("the director, the PMR and the steering group"),
        )
    registry.register_blocker(11, step11_blockers)
    registry.register_completion_hook(11, ratification_record_write)
    registry.register_copy_hook(follow_up_copy)
    registry.register_step_todos(9, todos.merge_todos)
    registry.register_step_todos(10, todos.publication_todos)
    registry.register_step_todos(11, todos.ratification_todos)
    registry.register_todo_provider(todos.comment_todos)
    # The meldpunt: staff report an agreement of the plan or the procedure not carried out.
    registry.register_step_page(
        11,
        _("Meldpunt: report an agreement that is not carried out"),
        "schoolplans:meldpunt",
        perm=VIEW_MELDPUNT,
        who=_("the school's staff, the director and the PMR"),
    )
    registry.register_todo_provider(todos.concern_todos)
    registry.register_todo_provider(todos.evaluation_todos)
