from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        # rules autodiscovers rules.py only; these register their permissions on import.
        from . import rules_roles, rules_signin  # noqa: F401
