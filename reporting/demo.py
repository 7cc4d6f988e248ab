"""Demo data of the factsheet: Het Baken's current process gets its factsheet, prefilled from
last year's ratified process, with a few hand-entered figures (idempotent)."""

import datetime
from decimal import Decimal

from processes.models import SchoolRole
from schoolplans.models import Factsheet

from .factsheet import factsheet_create, factsheet_save


def demo_factsheet(process) -> Factsheet:
    director = (
        SchoolRole.objects.filter(school=process.school, role=SchoolRole.Role.DIRECTOR)
        .select_related("user")
        .first()
        .user
    )
    factsheet = factsheet_create(process=process, actor=director)
    if factsheet.figures_source:  # filled in before: leave it as it is
        return factsheet
    return factsheet_save(
        factsheet=factsheet,
        actor=director,
        mto_workload_score=Decimal("6.40"),
        mto_response_rate=Decimal("71.00"),
        absence_percentage=Decimal("5.80"),
        absence_frequency=Decimal("1.30"),
        figures_source="MTO voorjaar 2026; verzuimrapportage arbodienst",
        figures_date=datetime.date(2026, 6, 30),
        policy_history=factsheet.policy_history,
        funds_use=factsheet.funds_use,
        lessons=factsheet.lessons,
    )
