from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Staff and units")

    def ready(self):
        from . import steps

        steps.register()
