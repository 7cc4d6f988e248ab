from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Workload survey")

    def ready(self):
        from processes import registry

        from .todos import workload_survey_todos

        # The survey serves the evaluation agreed at ratification (step 11); its baseline can
        # run earlier, so the page is reachable from step 11 and from the dashboard's to-do.
        registry.register_step_page(
            11,
            _("Workload survey"),
            "surveys:survey-manage",
            perm="surveys.manage_survey",
            who=_("the director and the PMR"),
        )
        # What staff and the steering group may open instead: the results of closed rounds.
        registry.register_step_page(
            11,
            _("Workload survey results"),
            "surveys:results",
            perm="surveys.view_results",
            who=_("the school's staff, its steering group, the director and the PMR"),
        )
        registry.register_todo_provider(workload_survey_todos)

        from voting import keys

        from .models import SurveyRound

        # The open rounds' keys live in the votes' key folder: its sweep must keep them.
        keys.register_live_keys(
            lambda: SurveyRound.objects.filter(state=SurveyRound.State.OPEN).values_list(
                "key_id", flat=True
            )
        )
