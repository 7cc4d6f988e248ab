from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Staff and units")

    def ready(self):
        from werkdruk.outbox import message_refused

        from . import steps
        from .services.addresses import outbox_refused_mark

        steps.register()
        message_refused.connect(outbox_refused_mark, dispatch_uid="units.outbox_refused_mark")
