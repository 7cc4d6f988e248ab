from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        # rules autodiscovers rules.py only; the roles' permissions live in their own module.
        from . import rules_roles  # noqa: F401
