"""What the school budget contributes to the procedure: the working page of step 2."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Register this sub-domain's step hooks (see processes.registry and processes.agreement)."""
    from processes import registry

    # The school total is what step 2 splits over the units.
    registry.register_step_page(2, _("School budget"), "units:budget", perm=registry.VIEW_PROCESS)
