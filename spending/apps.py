from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpendingConfig(AppConfig):
    name = "spending"
    verbose_name = _("Spending")

    def ready(self):
        from processes import registry
        from schoolplans.selectors import next_year

        from .selectors import spending_not_ready, spent_for_carry_over
        from .todos import spending_todos

        # After ratification (step 11) the plan is carried out: the spending page follows it.
        registry.register_step_page(
            11,
            _("Spending"),
            "spending:overview",
            perm="spending.view_spending",
            who=_("the director, the PMR and the board"),
            ready=spending_not_ready,
        )
        # Next year's carry-over counts what was actually spent, where it is recorded.
        next_year.register_spent_provider(spent_for_carry_over)
        # The director records it during the year: the dashboard says which year lacks figures.
        registry.register_todo_provider(spending_todos)
