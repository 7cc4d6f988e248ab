"""Step 1 (organisational units): its blocker, its copy hook, its working page and its section
of the frozen agreement."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import OrganisationalUnit, StaffCategory
from ..selectors.units import NAMES_SHOWN, placement_problems, unit_summaries
from ..services.units import names_text, units_copy_hook


def step1_everyone_in_one_unit(step) -> list[str]:
    """Every active staff member is in exactly one unit, and nobody inactive is left in one.

    "Exactly one" is the database's job (one membership per staff member per process); this
    checks "at least one", that there are units at all, and the inactive.
    """
    problems = placement_problems(process=step.process)
    if not problems.has_units:
        return [_("Define at least one organisational unit and place the staff in the units.")]
    reasons = []
    if problems.unassigned:
        count = len(problems.unassigned)
        reasons.append(
            ngettext(
                "%(count)s active staff member is in no unit: %(names)s.",
                "%(count)s active staff members are in no unit: %(names)s.",
                count,
            )
            % {"count": count, "names": names_text(problems.unassigned)}
        )
    for name, unit in problems.inactive[:NAMES_SHOWN]:
        reasons.append(
            _("Remove %(name)s from %(unit)s: no longer active.") % {"name": name, "unit": unit}
        )
    rest = len(problems.inactive) - NAMES_SHOWN
    if rest > 0:
        reasons.append(
            ngettext(
                "And %(count)s more person who is no longer active is still in a unit.",
                "And %(count)s more people who are no longer active are still in a unit.",
                rest,
            )
            % {"count": rest}
        )
    return reasons


def agreement_units_section(process) -> list[dict]:
    """The units as the staff will vote on them: JSON-ready, in name order.

    Counts and fte are over active members. Labels are in the school's language, so the
    frozen content (and its hash) does not depend on who freezes it.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "name": summary.unit.name,
                "kind": {
                    "code": summary.unit.kind,
                    "label": str(OrganisationalUnit.Kind(summary.unit.kind).label),
                },
                "description": summary.unit.description,
                "staff_count": summary.staff_count,
                "fte": f"{summary.fte:.4f}",
                "categories": {
                    category.value: summary.categories[category.value] for category in StaffCategory
                },
                "groups": [
                    {"name": group.name, "member_count": group.member_count}
                    for group in summary.groups
                ],
            }
            for summary in unit_summaries(process=process)
        ]


def register() -> None:
    """Register step 1's hooks (see processes.registry and processes.agreement)."""
    from processes import agreement, registry

    registry.register_blocker(1, step1_everyone_in_one_unit)
    registry.register_copy_hook(units_copy_hook)
    registry.register_step_page(
        1, gettext_lazy("Organisational units"), "units:unit-list", perm=registry.VIEW_PROCESS
    )
    agreement.register_section(
        "units",
        order=10,
        build=agreement_units_section,
        template="units/includes/_agreement_units.html",
    )
