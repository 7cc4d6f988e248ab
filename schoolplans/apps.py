from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolPlansConfig(AppConfig):
    name = "schoolplans"
    verbose_name = _("School plan and ratification")

    def ready(self):
        from . import steps

        steps.register()
