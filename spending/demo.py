"""Demo data: spending on the measures of Het Baken Lyceum's ratified plan of last school year.

Call ``demo_spending(process)`` with the process ``schoolplans.demo.demo_ratified`` returns.
Recorded by the school's director through the real service, one pattern per category, so the
spending page shows every status, an overspend and a hire. Idempotent: once the process has
spending, nothing changes.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from processes.models import SchoolRole

from . import selectors
from .models import MeasureSpending
from .services.spending import SpendingData, spending_record

Status = MeasureSpending.Status
# category -> (share of the planned amount spent, status, fte hired, note)
PATTERNS = {
    "task_relief": (Decimal("0.92"), Status.DONE, None, "Minder uren nodig dan begroot."),
    "extra_staff": (Decimal("0.75"), Status.STARTED, Decimal("0.4"), "Aangenomen per 1 november."),
    "professionalisation": (Decimal("1"), Status.DONE, None, ""),
    "organisational": (Decimal("0"), Status.DONE, None, "Ingevoerd na de herfstvakantie."),
    "wellbeing": (Decimal("1.05"), Status.DONE, None, "Vervoer viel duurder uit."),
}
DEFAULT = (Decimal("0"), Status.CANCELLED, None, "Vervallen.")


def demo_spending(process) -> None:
    """Record spending on ``process``'s ratified measures in its school year (idempotent)."""
    if process is None or MeasureSpending.objects.filter(process=process).exists():
        return
    overview = selectors.spending_overview(process)
    if overview is None:
        return
    role = SchoolRole.objects.filter(
        school=process.school, role=SchoolRole.Role.DIRECTOR
    ).select_related("user")
    director = role.first().user
    _record(process, overview, director)


@transaction.atomic
def _record(process, overview, director) -> None:
    for figures in overview.measures:
        if figures.measure_id is None or not figures.runs_in_year:
            continue
        share, status, fte, note = PATTERNS.get(figures.category, DEFAULT)
        actual = (figures.planned * share).quantize(selectors.CENTS, rounding=ROUND_HALF_UP)
        spending_record(
            process=process,
            number=figures.number,
            actor=director,
            data=SpendingData(actual=actual, status=status, fte_hired=fte, note=note),
        )
