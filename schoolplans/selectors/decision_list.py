"""The decision list (besluitenlijst): every decision of a process, from the board's step 0 to
the ratification, as one document.

While the process runs, the list is read from the recorded decisions. When step 11 is done the
list is frozen in the ``RatificationRecord`` (with its SHA-256, canonical JSON as for the
agreement), and from then on the page and the PDF show that frozen list: later decisions do not
change what was ratified.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from processes.agreement import content_hash
from processes.models import Decision

from ..models import RatificationRecord


def _decisions(process):
    """The process's own decisions and the board's step 0 decisions for its school year."""
    board_step = Q(
        process__isnull=True,
        board_id=process.school.board_id,
        step_number=0,
        content__school_year=str(process.school_year),
    )
    return Decision.objects.filter(Q(process=process) | board_step).order_by("created_at", "id")


def decision_entry(decision) -> dict:
    """One decision, JSON-ready, as it stands in the list."""
    return {
        "id": decision.pk,
        "date": decision.created_at.isoformat(),
        "step": decision.step_number,
        "action": decision.action,
        "actor": decision.actor_name,
        "role": decision.actor_role,
        "summary": decision.summary,
        "content": decision.content,
        "grounds": decision.grounds,
    }


def decision_list_content(process) -> list[dict]:
    """Every decision of ``process`` plus the board's step 0 decisions for that board and
    school year, in time order: date, step, who (name and role), the summary in the school's
    language, the recorded content and the grounds."""
    return [decision_entry(decision) for decision in _decisions(process)]


def decision_list_hash(entries: list[dict]) -> str:
    return content_hash(entries)


def ratification_record_for(process, *, frozen=True) -> RatificationRecord | None:
    """The latest ratification of ``process`` (a plan refused and ratified later has one).
    ``frozen=False``: without the frozen decision list and version content (tens of KB of
    JSON) for a page that shows neither; reading either later costs a query."""
    records = RatificationRecord.objects.filter(version__school_plan__process=process)
    if not frozen:
        records = records.defer("decision_list", "version__content")
    return records.select_related("version").order_by("-ratified_at", "-pk").first()


def entries_for_display(entries: list[dict]) -> list[dict]:
    """The entries with their dates as datetimes (for the ``date`` filter)."""
    return [{**entry, "date": datetime.datetime.fromisoformat(entry["date"])} for entry in entries]


@dataclass
class DecisionListPage:
    entries: list[dict]
    record: RatificationRecord | None


def decision_list_page(*, process) -> DecisionListPage:
    """The frozen list of the ratification if there is one, else the list as it stands."""
    record = ratification_record_for(process)
    entries = record.decision_list if record else decision_list_content(process)
    return DecisionListPage(entries=entries_for_display(entries), record=record)
