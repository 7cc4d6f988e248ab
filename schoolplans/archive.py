"""The archive of one process: its whole record as one deterministic JSON document.

``archive_content(process)`` gathers every part of the procedure (steps 0-11) from the stored
records; ``archive_json`` writes it with sorted keys and a stable order of every list, so two
exports of an unchanged process are byte for byte the same (no export time is written).
Amounts and fte are strings, times ISO 8601 in UTC. The format is described field by field in
docs/archive-format.md; ``FORMAT`` changes whenever a field changes meaning or disappears.

Secrecy and personal data: nothing of a vote but its rule and its totals is read (no voters'
roll, tokens, messages, participations, ballots or paper batches), so nothing in the file can
link a ballot to a person or tell who voted. People are named only where the decisions already
name them (``decisions``, and the frozen decision list of the ratification) and as a unit's
conversation leader; other records give counts instead of people.
"""

import json
import re
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from plans.selectors.frameworks import framework_agreement_section
from processes.models import Decision, Process, School, SchoolYear
from units.models import BoardAllocation, BudgetLine, BudgetSplit
from units.selectors.units import unit_summaries
from voting.models import Vote
from werkdruk.exceptions import DomainError

from . import archive_parts as parts

FORMAT = "werkdruk-process-archive/1"
YEAR = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")


# --- finding the process ------------------------------------------------------------------


def archive_process_find(*, brin: str, year: str) -> Process:
    """The process of the school with BRIN code ``brin`` for school year ``year`` ("2025-2026").

    Raises DomainError with a message for the person at the command line.
    """
    match = YEAR.match(year or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        raise DomainError(_("Give the school year as two years with a hyphen, e.g. 2025-2026."))
    school = School.objects.select_related("board").filter(brin=(brin or "").strip().upper())
    school = school.first()
    if school is None:
        raise DomainError(_("There is no school with BRIN code %(brin)s.") % {"brin": brin})
    process = Process.objects.filter(
        school=school,
        school_year__in=SchoolYear.objects.filter(start_year=int(match[1])),
    ).first()
    if process is None:
        raise DomainError(
            _("%(school)s has no process for %(year)s.")
            % {"school": school, "year": f"{match[1]}-{match[2]}"}
        )
    return process


def archive_json(process) -> str:
    """The archive of ``process`` as text: sorted keys, two-space indent, UTF-8, final newline."""
    text = json.dumps(
        archive_content(process),
        sort_keys=True,
        indent=2,
        ensure_ascii=False,
        default=parts.json_default,
    )
    return text + "\n"


# --- the parts ----------------------------------------------------------------------------------


def archive_content(process) -> dict:
    """Every part of the record of ``process`` as JSON-ready data (see docs/archive-format.md).

    Labels that come from the code (frameworks) are in the school's language, so the file does
    not depend on who exports it.
    """
    process = Process.objects.select_related("school__board", "school_year", "created_from").get(
        pk=process.pk
    )
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "format": FORMAT,
            "school": {
                "name": process.school.name,
                "brin": process.school.brin,
                "city": process.school.city,
            },
            "board": _board(process),
            "school_year": str(process.school_year),
            "process": {
                "kind": process.kind,
                "reminder_lead_days": process.reminder_lead_days,
                "created_at": parts.when(process.created_at),
                "copied_from": str(process.created_from.school_year)
                if process.created_from
                else None,
            },
            "steps": _steps(process),
            "decisions": [_decision(d) for d in process.decisions.order_by("created_at", "pk")],
            "board_decisions": [
                _decision(d)
                for d in Decision.objects.filter(
                    board_id=process.school.board_id,
                    process__isnull=True,
                    step_number=0,
                    content__school_year=str(process.school_year),
                ).order_by("created_at", "pk")
            ],
            "budget": _budget(process),
            "units": _units(process),
            "frameworks": framework_agreement_section(process),
            "agreements": [
                {
                    "number": version.number,
                    "created_at": parts.when(version.created_at),
                    "sha256": version.content_hash,
                    "content": version.content,
                }
                for version in process.agreements.order_by("number")
            ],
            "votes": _votes(process),
            "kickoff_sessions": parts.kickoff_sessions(process),
            "announcements": parts.announcements(process),
            "working_methods": parts.working_methods(process),
            "unit_plans": parts.unit_plans(process),
            "school_plan": parts.school_plan(process),
            "publications": parts.publications(process),
            "evaluation_agreement": parts.evaluation_agreement(process),
            "pmr_decisions": parts.pmr_decisions(process),
            "ratification": parts.ratification(process),
        }


def _board(process) -> dict:
    allocation = BoardAllocation.objects.filter(
        board_id=process.school.board_id, school_year=process.school_year
    ).first()
    share = allocation.shares.filter(school=process.school).first() if allocation else None
    return {
        "name": process.school.board.name,
        "allocation": {
            "total": parts.money(allocation.total),
            "board_office_fte": parts.fte(allocation.board_office_fte),
            "board_office_amount": parts.money(allocation.board_office_amount),
            "fixed_at": parts.when(allocation.fixed_at),
            "school_pupil_count": share.pupil_count if share else None,
            "school_amount": parts.money(share.amount) if share else None,
        }
        if allocation
        else None,
    }


def _steps(process) -> list[dict]:
    steps = process.steps.prefetch_related("sign_offs").order_by("number")
    return [
        {
            "number": step.number,
            "key": step.definition.key,
            "state": step.state,
            "revision": step.revision,
            "planned_date": parts.when(step.planned_date),
            "opened_at": parts.when(step.opened_at),
            "completed_at": parts.when(step.completed_at),
            "agreed_actor": step.agreed_actor or None,
            "agreed_actor_detail": step.agreed_actor_detail,
            "sign_offs": [
                {"revision": s.revision, "side": s.side, "signed_at": parts.when(s.signed_at)}
                for s in sorted(step.sign_offs.all(), key=lambda s: (s.revision, s.side))
            ],
        }
        for step in steps
    ]


def _decision(decision) -> dict:
    return {
        "created_at": parts.when(decision.created_at),
        "step": decision.step_number,
        "action": decision.action,
        "summary": decision.summary,
        "content": decision.content,
        "grounds": decision.grounds,
        "actor_name": decision.actor_name,
        "actor_role": decision.actor_role,
    }


def _budget(process) -> dict:
    lines = list(BudgetLine.objects.filter(process=process).order_by("kind", "pk"))
    split = BudgetSplit.objects.filter(process=process).first()
    units = process.units.order_by("name", "pk")
    return {
        "lines": [
            {"kind": line.kind, "description": line.description, "amount": parts.money(line.amount)}
            for line in lines
        ],
        "total": parts.money(sum((line.amount for line in lines), Decimal(0))),
        "split": {
            "method": split.method,
            "reserve_kind": split.reserve_kind,
            "reserve_value": parts.money(split.reserve_value),
            "school_total": parts.money(split.school_total),
            "reserve_amount": parts.money(split.reserve_amount),
            "units": [{"unit": unit.name, "amount": parts.money(unit.amount)} for unit in units],
        }
        if split
        else None,
    }


def _units(process) -> list[dict]:
    return [
        {
            "id": s.unit.pk,
            "name": s.unit.name,
            "kind": s.unit.kind,
            "description": s.unit.description,
            "weight": parts.fte(s.unit.weight),
            "fixed_amount": parts.money(s.unit.fixed_amount),
            "amount": parts.money(s.unit.amount),
            "staff_count": s.staff_count,
            "fte": parts.fte(s.fte),
            "categories": dict(s.categories),
            "groups": [{"name": g.name, "member_count": g.member_count} for g in s.groups],
        }
        for s in unit_summaries(process=process)
    ]


def _votes(process) -> list[dict]:
    """The rule and the totals of every vote: nothing about who voted or how."""
    votes = (
        Vote.objects.filter(process=process)
        .select_related("agreement", "unit")
        .prefetch_related("questions")
        .order_by("kind", "unit__name", "round", "pk")
    )
    return [
        {
            "kind": vote.kind,
            "unit": vote.unit.name if vote.unit_id else None,
            "version_voted_on": vote.subject_revision,
            "round": vote.round,
            "state": vote.state,
            "agreement_version": vote.agreement.number if vote.agreement_id else None,
            "agreement_sha256": vote.agreement.content_hash if vote.agreement_id else None,
            "opens_at": parts.when(vote.opens_at),
            "closes_at": parts.when(vote.closes_at),
            "closed_at": parts.when(vote.closed_at),
            "rule": vote.rule,
            "eligible": vote.eligible_count,
            "cast": vote.cast_count,
            "yes": vote.yes_count,
            "no": vote.no_count,
            "abstain": vote.abstain_count,
            "outcome": vote.outcome or None,
            "appreciation": [
                {
                    "position": q.position,
                    "question": q.text,
                    "result": vote.appreciation_result.get(str(q.position)),
                }
                for q in vote.questions.all()
            ],
        }
        for vote in votes
    ]
