from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Annual report")

    def ready(self):
        from processes import registry

        from .todos import annual_report_todos

        # After ratification (step 11) the school accounts for the year in the annual report.
        registry.register_step_page(
            11,
            _("Annual report"),
            "reporting:school-report",
            perm="reporting.view_school_report",
            who=_("the director, the PMR and the board"),
        )
        # Before step 1 the director and the PMR write the factsheet; everyone of the school
        # reads it.
        registry.register_step_page(
            1,
            _("Factsheet"),
            "reporting:factsheet",
            perm="reporting.view_factsheet",
            who=_("the director, the PMR and the staff of the school"),
        )
        # The board writes its annual report on every school year that had a procedure.
        registry.register_board_todo_provider(annual_report_todos)
