from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Staff and units")

    def ready(self):
        from processes import registry

        from . import steps

        registry.register_blocker(1, steps.step1_needs_active_staff)
