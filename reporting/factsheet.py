"""Writes of the factsheet before step 1 (``schoolplans.models.Factsheet``): the director or
a PMR member creates it (its texts prefilled once from last year's process, see
``selectors.factsheet.last_year``) and changes it; a change made on an older version of the
form raises EditConflict (``werkdruk.edit_conflicts``)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from processes.services import process_lock
from schoolplans.models import Factsheet
from schoolplans.selectors.next_year import previous_process
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro

from .selectors.factsheet import last_year, may_edit_factsheet

TEXT_MAX = 10000
SOURCE_MAX = 300
TEXT_FIELDS = ("policy_history", "funds_use", "lessons")
FIGURE_FIELDS = (
    "mto_workload_score",
    "mto_response_rate",
    "absence_percentage",
    "absence_frequency",
)
FIELDS = (*FIGURE_FIELDS, "figures_source", "figures_date", *TEXT_FIELDS)


def _prefill(previous) -> dict:
    """Short summaries of last year for the text fields (empty without a previous process)."""
    if previous is None:
        return {}
    year = previous.school_year
    values = {}
    if previous.planned is not None:
        values["funds_use"] = _(
            "In %(year)s the school budget was %(budget)s; the ratified plan planned "
            "%(planned)s, of which %(actual)s was spent as recorded (%(unspent)s unspent)."
        ) % {
            "year": year,
            "budget": format_euro(previous.school_budget),
            "planned": format_euro(previous.planned),
            "actual": format_euro(previous.actual),
            "unspent": format_euro(previous.unspent),
        }
    agreement = previous.agreement or {}
    if agreement.get("what"):
        values["funds_use"] = (
            values.get("funds_use", "")
            + "\n"
            + _("Evaluation agreed in %(year)s: %(what)s")
            % {"year": year, "what": agreement["what"]}
        ).strip()
    if agreement.get("follow_up"):
        values["lessons"] = _("Follow-up agreed in %(year)s: %(text)s") % {
            "year": year,
            "text": agreement["follow_up"],
        }
    shown = [r for r in previous.rounds if r.shown]
    if shown:
        parts = [f"{d.label} {d.mean}/{d.scale_max}" for d in shown[-1].dimensions]
        values["policy_history"] = _(
            "Workload survey %(round)s (%(answered)s of %(invited)s answered): %(figures)s."
        ) % {
            "round": shown[-1].label,
            "answered": shown[-1].answered,
            "invited": shown[-1].invited,
            "figures": "; ".join(parts),
        }
    return values


@transaction.atomic
def factsheet_create(*, process, actor) -> Factsheet:
    """The factsheet of ``process``, created (and prefilled from last year) if there is none."""
    process = process_lock(process)
    if not may_edit_factsheet(actor, process):
        raise PermissionDenied
    factsheet = Factsheet.objects.filter(process=process).first()
    if factsheet is not None:
        return factsheet
    previous = last_year(process)
    # the texts are the school's, whoever opens the page first: in the school's language
    with translation.override(process.school.language or settings.LANGUAGE_CODE):
        values = _prefill(previous)
    factsheet = Factsheet(process=process, changed_by=actor, **values)
    factsheet.prefilled_from = previous_process(process) if previous is not None else None
    factsheet._history_user = actor
    factsheet.save()
    return factsheet


def _clean(values: dict) -> dict:
    cleaned = {}
    for name in FIGURE_FIELDS:
        value = values.get(name)
        if value is not None and (not isinstance(value, Decimal) or value < 0):
            raise DomainError(_("The figures must be numbers of zero or more."))
        cleaned[name] = value
    for name in TEXT_FIELDS:
        text = (values.get(name) or "").strip()
        if len(text) > TEXT_MAX:
            raise DomainError(_("A text has at most %(max)s characters.") % {"max": TEXT_MAX})
        cleaned[name] = text
    source = (values.get("figures_source") or "").strip()
    if len(source) > SOURCE_MAX:
        raise DomainError(_("The source has at most %(max)s characters.") % {"max": SOURCE_MAX})
    cleaned["figures_source"] = source
    cleaned["figures_date"] = values.get("figures_date")
    if any(cleaned[n] is not None for n in FIGURE_FIELDS) and not (
        cleaned["figures_source"] and cleaned["figures_date"]
    ):
        raise DomainError(_("Give the source and the date of the figures."))
    return cleaned


@transaction.atomic
def factsheet_save(*, factsheet, actor, version: int | None = None, **values) -> Factsheet:
    """Change the factsheet (the director or a PMR member)."""
    process = process_lock(factsheet.process_id)
    if not may_edit_factsheet(actor, process):
        raise PermissionDenied
    locked = Factsheet.objects.select_for_update().get(pk=factsheet.pk)
    cleaned = _clean(values)
    if all(getattr(locked, k) == v for k, v in cleaned.items()):
        return locked
    version_check(locked, version)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.full_clean()
    version_next(locked)
    locked.changed_by = actor
    locked._history_user = actor
    locked.save()
    return locked
