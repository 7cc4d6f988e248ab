"""Writes of the spending app: the director records spending on a ratified measure by hand.
The import of a finance export is in ``services.imports``.

Each write locks the process, checks the permission and that the plan is ratified, and keeps
the row's history with the person who made it. Cancelling a ratified measure is also recorded
as a decision of the process.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import decision_record, process_lock
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError
from werkdruk.money import lazy_euro

from .. import selectors
from ..models import FTE_MAX, MeasureSpending

MEASURE_CANCELLED = "spending.measure.cancelled"
IMPORTED = "spending.imported"


@dataclass(frozen=True)
class SpendingData:
    """What is recorded for one measure in one school year."""

    actual: Decimal
    status: str
    fte_hired: Decimal | None = None
    note: str = ""


# The amount column holds 12 digits with 2 decimals.
AMOUNT_LIMIT = Decimal("1e10")


def check_data(data: SpendingData) -> list[str]:
    """What is wrong with ``data`` (empty when nothing is)."""
    errors = []
    if not data.actual.is_finite():
        errors.append(_("The amount spent is not a number."))
    elif data.actual < 0:
        errors.append(_("The amount spent cannot be negative."))
    elif data.actual >= AMOUNT_LIMIT:  # before rounding: 1e30 cannot be rounded to cents
        errors.append(_("The amount spent is too large."))
    elif data.actual != data.actual.quantize(selectors.CENTS):
        errors.append(_("The amount spent has more than two decimals (cents)."))
    if data.status not in MeasureSpending.Status.values:
        errors.append(_("Unknown status."))
    if data.fte_hired is not None and not (
        data.fte_hired.is_finite() and 0 <= data.fte_hired <= FTE_MAX
    ):
        errors.append(_("The fte hired must be between 0 and %(max)s.") % {"max": FTE_MAX})
    elif data.fte_hired is not None and data.fte_hired != data.fte_hired.quantize(selectors.CENTS):
        errors.append(_("The fte hired has more than two decimals."))
    return errors


def locked_overview(*, process, actor, year) -> selectors.SpendingOverview:
    """The process locked, the permission checked and its ratified plan's overview."""
    process = process_lock(process)
    if not actor.has_perm("spending.record_spending", process):
        raise PermissionDenied
    overview = selectors.spending_overview(process, year=year)
    if overview is None:
        raise DomainError(_("Spending can be recorded once the school plan is ratified."))
    return overview


def save_row(
    *, overview, figures, data: SpendingData, actor, version: int | None = None
) -> MeasureSpending:
    """Create or update the row of ``figures``' measure in ``overview.year`` (no checks but
    the version: input based on an older ``version`` of the row raises EditConflict).

    The caller locked the process, so no one else writes the row meanwhile."""
    row = MeasureSpending.objects.filter(
        measure_id=figures.measure_id, start_year=overview.year
    ).first() or MeasureSpending(
        process=overview.process, measure_id=figures.measure_id, start_year=overview.year, version=0
    )
    before = row.status if row.pk else None
    values = (data.actual, data.status, data.fte_hired, data.note)
    if row.pk is None or values != (row.actual, row.status, row.fte_hired, row.note):
        version_check(row if row.pk else None, version)
        version_next(row)
    row.actual = data.actual
    row.status = data.status
    row.fte_hired = data.fte_hired
    row.note = data.note
    row.changed_at = timezone.now()
    row.changed_by = actor
    row._history_user = actor
    row.save()
    if data.status == MeasureSpending.Status.CANCELLED and before != data.status:
        decision_record(
            process=overview.process,
            action=MEASURE_CANCELLED,
            summary=gettext_noop(
                "Measure %(number)s (%(title)s) cancelled in %(year)s; spent: %(actual)s."
            ),
            params={
                "number": figures.number,
                "title": figures.title,
                "year": overview.year_label,
                "actual": lazy_euro(data.actual),
            },
            actor=actor,
            content={
                "measure": figures.measure_id,
                "number": figures.number,
                "year": overview.year,
                "actual": str(data.actual),
            },
        )
    return row


@transaction.atomic
def spending_record(
    *,
    process,
    number: int,
    actor,
    data: SpendingData,
    year: int | None = None,
    version: int | None = None,
) -> MeasureSpending:
    """Record the spending on measure ``number`` of the ratified plan in school ``year`` (by
    default the process's): the amount spent, the status, the fte hired and a note. The
    director only; the measure must run in that year. ``version`` is the row's version the
    input was based on (0: nothing recorded yet); EditConflict when it changed since."""
    overview = locked_overview(process=process, actor=actor, year=year)
    figures = next(
        (m for m in overview.measures if m.number == number and m.measure_id is not None), None
    )
    if figures is None:
        raise DomainError(_("The ratified plan has no measure %(number)s.") % {"number": number})
    if not figures.runs_in_year:
        raise DomainError(
            _("Measure %(number)s does not run in %(year)s.")
            % {"number": number, "year": overview.year_label}
        )
    errors = check_data(data)
    if errors:
        raise DomainError(errors[0], details=errors)
    return save_row(overview=overview, figures=figures, data=data, actor=actor, version=version)
