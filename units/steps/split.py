"""Step 2 in the procedure: its blocker, its working page and its section of the agreement."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..selectors.budget import school_budget
from ..services.split import split_status


def step2_needs_a_current_split(step) -> list[str]:
    """A budget, and a saved split that the data as it is now still gives."""
    return split_status(process=step.process).reasons


def _amount(value) -> str | None:
    return None if value is None else str(value)


def agreement_budget(process) -> dict:
    """The school budget and its split, JSON-ready (amounts as strings like "12345.67").

    Labels are in the school's language, like decisions: the frozen text reads as one document.
    """
    with translation.override(settings.LANGUAGE_CODE):
        status = split_status(process=process)
        split, saved = status.split, status.saved
        lines = [
            {
                "kind": line.kind,
                "kind_label": str(line.get_kind_display()),
                "description": line.description,
                "amount": str(line.amount),
            }
            for line in school_budget(process=process).lines
        ]
        if saved is not None:
            units = [
                {
                    "name": unit.name,
                    "staff_count": unit.staff_count,
                    "fte": str(unit.fte),
                    "share": _amount(unit.share),
                    "amount": _amount(unit.amount),
                }
                for unit in saved.units
            ]
        else:
            units = [
                {
                    "name": row.name,
                    "staff_count": row.staff_count,
                    "fte": str(row.fte),
                    "share": None,
                    "amount": None,
                }
                for row in status.rows
            ]
        return {
            "budget_lines": lines,
            "school_total": str(status.school_total),
            "method": {"code": split.method, "label": str(split.get_method_display())}
            if split
            else None,
            "reserve": {
                "kind": split.reserve_kind,
                "label": str(split.get_reserve_kind_display()),
                "value": str(split.reserve_value),
                "amount": str(split.reserve_amount),
            }
            if split
            else None,
            "units_total": str(saved.units_total) if saved else None,
            "units": units,
        }


def register() -> None:
    """Register this sub-domain's step hooks (see processes.registry and processes.agreement)."""
    from processes import agreement, registry

    registry.register_blocker(2, step2_needs_a_current_split)
    registry.register_step_page(
        2, _("Split over the units"), "units:split", perm=registry.VIEW_PROCESS
    )
    agreement.register_section(
        "budget",
        order=20,
        build=agreement_budget,
        template="units/includes/_agreement_budget.html",
    )
