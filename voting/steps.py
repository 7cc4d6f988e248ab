"""What the voting app contributes to the procedure: step 4's working page, the voters' and
the PMR's to-dos on the dashboard, and the lock on the agreement while staff vote on it."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from processes import registry

    from . import selectors, todos

    # The PMR runs the vote and the director follows it; staff vote from their invitation.
    registry.register_step_page(
        4,
        _("The staff vote"),
        "voting:vote-manage",
        perm="voting.view_vote",
        who=_("the PMR and the director"),
    )
    registry.register_todo_provider(todos.vote_and_key_todos)
    registry.register_step_todos(4, todos.agreement_vote_todos)
    registry.register_agreement_lock(selectors.agreement_lock)
