from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Votes")

    def ready(self):
        # Permissions (voting/rules.py) are loaded by rules' autodiscovery.
        from . import steps

        steps.register()
