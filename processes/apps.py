from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "processes"
    verbose_name = _("Procedure")

    def ready(self):
        from . import registry

        registry.register_step_page(
            4,
            _("The agreement put to the vote"),
            "processes:agreement",
            perm=registry.VIEW_PROCESS,
        )
