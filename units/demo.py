"""Demo data of the units app: a unit meeting of Erasmus College's current process with its
minutes and attendance, and a note in the PMR's own record (``manage.py demo``)."""

import datetime

from django.utils import timezone

from .models import UnitMeeting, UnitMembership, WorkingMethod
from .services.meetings import meeting_minutes_record, pmr_note_add

DEMO_UNIT = "OP onderbouw"


def demo_meeting(process, users) -> UnitMeeting | None:
    """A meeting of the lower-school teachers last week, with minutes and who attended, and the
    PMR's note on it. The process is not at step 7 yet, so the unit's working method (its
    leader and meeting dates) is stored as demo data directly: the unit started talking early.
    Idempotent: nothing is added when the unit already has a working method."""
    director, pmr = users["directeur"], users["pmr"]
    memberships = list(
        UnitMembership.objects.filter(process=process, unit__name=DEMO_UNIT)
        .select_related("unit", "staff_member")
        .order_by("staff_member__name")
    )
    if not memberships or WorkingMethod.objects.filter(unit=memberships[0].unit).exists():
        return None
    unit = memberships[0].unit
    now = timezone.now()
    today = timezone.localdate()
    method = WorkingMethod.objects.create(
        process=process,
        unit=unit,
        leader=memberships[0].staff_member,
        decision_mode=WorkingMethod.DecisionMode.CONSENSUS,
        participation=WorkingMethod.Participation.VOLUNTARY,
        facilitation="In de plaats van de sectievergadering.",
        recorded_at=now,
        recorded_by=director,
        changed_at=now,
        changed_by=director,
    )
    meeting = UnitMeeting.objects.create(
        working_method=method,
        date=today - datetime.timedelta(days=7),
        starts_at=datetime.time(15, 30),
        place="Lokaal 12",
        note="Eerste gesprek",
    )
    UnitMeeting.objects.create(
        working_method=method, date=today + datetime.timedelta(days=14), place="Lokaal 12"
    )
    present = [m.staff_member for m in memberships[: max(1, len(memberships) * 2 // 3)]]
    meeting_minutes_record(
        meeting=meeting,
        actor=director,
        text=(
            "We hebben de uitkomsten van de enquête besproken. Het nakijken in de toetsweken "
            "en de vele overleggen drukken het zwaarst.\n"
            "Afgesproken: ieder brengt vóór de volgende bijeenkomst twee ideeën in via de "
            "ideeënronde; de gespreksleider zet de kosten op een rij."
        ),
        present=present,
    )
    pmr_note_add(
        process=process,
        actor=pmr,
        meeting=meeting,
        text=(
            "Goed gesprek, veel inbreng van de jongere collega's. Let op: de sectieleiders "
            "voerden vooral het woord; volgende keer een ronde langs iedereen voorstellen."
        ),
    )
    return meeting
