"""What the plans app contributes to the procedure: step 3's working page, the copy hook
and the frameworks section of the frozen agreement."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from processes import agreement, registry

    from .selectors import framework_agreement_section
    from .services import framework_rules_copy

    registry.register_step_page(3, _("Frameworks"), "plans:framework-list")
    registry.register_copy_hook(framework_rules_copy)
    agreement.register_section(
        "frameworks",
        order=30,
        build=framework_agreement_section,
        template="plans/includes/_agreement_frameworks.html",
    )
