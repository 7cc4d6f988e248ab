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

import datetime
import json
import re
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext as _

from plans.models import Measure, UnitAnnouncement, UnitPlan
from plans.selectors.frameworks import framework_agreement_section
from processes.models import Decision, Process, School, SchoolYear
from units.models import BoardAllocation, BudgetLine, BudgetSplit, KickoffSession
from units.selectors.units import unit_summaries
from voting.models import Vote
from werkdruk.exceptions import DomainError

from ..models import (
    EvaluationAgreement,
    Factsheet,
    MeasureSource,
    PmrDecision,
    Publication,
    RatificationRecord,
    SchoolPlan,
    SchoolPlanMeasure,
)

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
        default=json_default,
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
                "created_at": when(process.created_at),
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
                    "created_at": when(version.created_at),
                    "sha256": version.content_hash,
                    "content": version.content,
                }
                for version in process.agreements.order_by("number")
            ],
            "votes": _votes(process),
            "kickoff_sessions": kickoff_sessions(process),
            "announcements": announcements(process),
            "working_methods": working_methods(process),
            "unit_plans": unit_plans(process),
            "school_plan": school_plan(process),
            "publications": publications(process),
            "evaluation_agreement": evaluation_agreement(process),
            "factsheet": factsheet(process),
            "pmr_decisions": pmr_decisions(process),
            "ratification": ratification(process),
        }


def _board(process) -> dict:
    allocation = BoardAllocation.objects.filter(
        board_id=process.school.board_id, school_year=process.school_year
    ).first()
    share = allocation.shares.filter(school=process.school).first() if allocation else None
    return {
        "name": process.school.board.name,
        "allocation": {
            "total": money(allocation.total),
            "board_office_fte": fte(allocation.board_office_fte),
            "board_office_amount": money(allocation.board_office_amount),
            "fixed_at": when(allocation.fixed_at),
            "school_pupil_count": share.pupil_count if share else None,
            "school_amount": money(share.amount) if share else None,
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
            "planned_date": when(step.planned_date),
            "opened_at": when(step.opened_at),
            "completed_at": when(step.completed_at),
            "agreed_actor": step.agreed_actor or None,
            "agreed_actor_detail": step.agreed_actor_detail,
            "sign_offs": [
                {"revision": s.revision, "side": s.side, "signed_at": when(s.signed_at)}
                for s in sorted(step.sign_offs.all(), key=lambda s: (s.revision, s.side))
            ],
        }
        for step in steps
    ]


def _decision(decision) -> dict:
    return {
        "created_at": when(decision.created_at),
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
            {"kind": line.kind, "description": line.description, "amount": money(line.amount)}
            for line in lines
        ],
        "total": money(sum((line.amount for line in lines), Decimal(0))),
        "split": {
            "method": split.method,
            "reserve_kind": split.reserve_kind,
            "reserve_value": money(split.reserve_value),
            "school_total": money(split.school_total),
            "reserve_amount": money(split.reserve_amount),
            "units": [{"unit": unit.name, "amount": money(unit.amount)} for unit in units],
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
            "weight": fte(s.unit.weight),
            "fixed_amount": money(s.unit.fixed_amount),
            "amount": money(s.unit.amount),
            "staff_count": s.staff_count,
            "fte": fte(s.fte),
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
        .prefetch_related("questions", "options")
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
            "opens_at": when(vote.opens_at),
            "closes_at": when(vote.closes_at),
            "closed_at": when(vote.closed_at),
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
            # A unit's choice of measures: the budget fixed at opening and each option with
            # its votes and whether it was chosen (counted at closing).
            "budget": money(vote.budget),
            "options": [
                {
                    "position": o.position,
                    "title": o.title,
                    "cost": money(o.cost),
                    "votes": (vote.measures_result.get("votes") or {}).get(str(o.position)),
                    "chosen": o.position in (vote.measures_result.get("chosen") or []),
                }
                for o in vote.options.all()
            ],
        }
        for vote in votes
    ]


# --- the parts from step 5 on (kick-off to ratification) and their formatting -------------

CENTS = Decimal("0.01")
FTE_PLACES = Decimal("0.0001")


# --- formatting -------------------------------------------------------------------------------


def money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENTS))


def fte(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(FTE_PLACES))


def when(value) -> str | None:
    """A date as YYYY-MM-DD, a moment as ISO 8601 in UTC, a time as HH:MM; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return value.isoformat()


def json_default(value):
    """For values inside stored JSON that json cannot write itself."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return when(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# --- the parts of steps 5-11 ---------------------------------------------------------------


def _kickoff_counted(processes):
    return KickoffSession.objects.filter(process__in=processes).annotate(
        sign_up_count=Count("sign_ups", distinct=True),
        present_count=Count("attendances", filter=Q(attendances__attended=True), distinct=True),
    )


def _attended(session) -> int | None:
    """How many attended ``session`` (annotated by ``_kickoff_counted``), as it counted them;
    None when it did not."""
    return {
        KickoffSession.AttendanceMode.PER_PERSON: session.present_count,
        KickoffSession.AttendanceMode.COUNTED: session.attendance_count,
    }.get(session.attendance_mode)


def kickoff_attended(processes) -> dict[int, list[int | None]]:
    """Process pk -> the ``attended`` of each of its kick-off sessions (as ``kickoff_sessions``
    gives them), for every one of ``processes`` in one query."""
    result: dict[int, list[int | None]] = {process.pk: [] for process in processes}
    for session in _kickoff_counted(processes).order_by("date", "starts_at", "pk"):
        result[session.process_id].append(_attended(session))
    return result


def kickoff_sessions(process) -> list[dict]:
    sessions = _kickoff_counted([process])
    result = []
    for s in sessions.order_by("date", "starts_at", "pk"):
        attended = _attended(s)
        result.append(
            {
                "title": s.title,
                "date": when(s.date),
                "starts_at": when(s.starts_at),
                "ends_at": when(s.ends_at),
                "place": s.place,
                "agenda": s.agenda,
                "format": s.format,
                "in_working_time": s.in_working_time,
                "meal_offered": s.meal_offered,
                "hours_credited": money(s.hours_credited),
                "uses_sign_up": s.uses_sign_up,
                "sign_up_count": s.sign_up_count,
                "attendance_mode": s.attendance_mode or None,
                "attended": attended,
                "held_at": when(s.held_at),
            }
        )
    return result


def announcements(process) -> list[dict]:
    rows = UnitAnnouncement.objects.filter(process=process).select_related("unit")
    return [
        {
            "unit": a.unit.name,
            "current": a.current,
            "step_revision": a.step_revision,
            "amount": money(a.amount),
            "deadline": when(a.deadline),
            "requirements": a.requirements,
            "frameworks": a.frameworks,
            "announced_at": when(a.announced_at),
            "notified_count": len(a.notified),
        }
        for a in rows.order_by("unit__name", "announced_at", "pk")
    ]


def working_methods(process) -> list[dict]:
    methods = (
        process.working_methods.select_related("unit", "leader")
        .prefetch_related("meetings")
        .order_by("unit__name", "pk")
    )
    return [
        {
            "unit": m.unit.name,
            "leader": m.leader.name if m.leader_id else None,
            "decision_mode": m.decision_mode,
            "participation": m.participation,
            "facilitation": m.facilitation,
            "hours_credited": money(m.hours_credited),
            "recorded_at": when(m.recorded_at),
            "changed_at": when(m.changed_at),
            "meetings": [
                {
                    "date": when(meeting.date),
                    "starts_at": when(meeting.starts_at),
                    "place": meeting.place,
                    "note": meeting.note,
                }
                for meeting in m.meetings.all()
            ],
        }
        for m in methods
    ]


def _codes(causes) -> list[str]:
    return sorted(cause.code for cause in causes)


def _unit_measure(m) -> dict:
    return {
        "id": m.pk,
        "order": m.order,
        "title": m.title,
        "description": m.description,
        "category": m.category.code,
        "cost_type": m.cost_type,
        "amount": money(m.amount),
        "fte": fte(m.fte),
        "hours": money(m.hours),
        "function": m.function,
        "hourly_rate": money(m.hourly_rate),
        "first_year": m.first_year,
        "last_year": m.last_year,
        "structural": m.structural,
        "benefit_share": money(m.benefit_share),
        "beneficiaries": m.beneficiaries,
        "causes": _codes(m.causes.all()),
        "expected_effect": m.expected_effect,
        "feasibility": m.feasibility,
        "changes_task_policy": m.changes_task_policy,
        "when_money_ends": m.when_money_ends,
        "cost_per_year": m.cost_per_year,
        "total_cost": money(m.total_cost),
        "rates": m.rates,
    }


def unit_plans(process) -> list[dict]:
    plans = (
        UnitPlan.objects.filter(process=process)
        .select_related("unit", "approval_vote")
        .prefetch_related(
            "causes",
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("category")
                .prefetch_related("causes")
                .order_by("order", "pk"),
            ),
            "acknowledgements__rule",
        )
        .order_by("unit__name", "pk")
    )
    return [
        {
            "unit": plan.unit.name,
            "state": plan.state,
            "revision": plan.revision,
            "causes": _codes(plan.causes.all()),
            "other_causes": plan.other_causes,
            "analysis": plan.analysis,
            "expected_effects": plan.expected_effects,
            "success_indicators": plan.success_indicators,
            "submitted_at": when(plan.submitted_at),
            "returned_at": when(plan.returned_at),
            "return_reason": plan.return_reason,
            "approval_vote_round": plan.approval_vote.round if plan.approval_vote_id else None,
            "approved_revision": plan.approved_revision,
            "measures": [_unit_measure(m) for m in plan.measures.all()],
            "acknowledged_warnings": sorted(
                (
                    {"rule": a.rule.text, "measure": a.measure_id, "reason": a.reason}
                    for a in plan.acknowledgements.all()
                ),
                key=lambda a: (a["measure"] or 0, a["rule"]),
            ),
        }
        for plan in plans
    ]


def _source(s) -> dict:
    return {
        "unit_measure": s.unit_measure_id,
        "unit": s.unit_name,
        "plan_revision": s.plan_revision,
        "title": s.title,
        "description": s.description,
        "category": s.category_code,
        "first_year": s.first_year,
        "last_year": s.last_year,
        "structural": s.structural,
        "cost_per_year": s.cost_per_year,
        "total_cost": money(s.total_cost),
        "merged_at": when(s.merged_at),
    }


def school_plan(process) -> dict | None:
    school_plan = SchoolPlan.objects.filter(process=process).first()
    if school_plan is None:
        return None
    measures = (
        SchoolPlanMeasure.objects.filter(school_plan=school_plan)
        .select_related("unit", "category")
        .prefetch_related(
            Prefetch("source_links", queryset=MeasureSource.objects.order_by("unit_name", "pk"))
        )
        .order_by("order", "pk")
    )
    return {
        "introduction": school_plan.introduction,
        "created_at": when(school_plan.created_at),
        "changed_at": when(school_plan.changed_at),
        "measures": [
            {
                "id": m.pk,
                "order": m.order,
                "unit": m.unit.name if m.unit_id else None,
                "title": m.title,
                "description": m.description,
                "category": m.category.code,
                "first_year": m.first_year,
                "last_year": m.last_year,
                "structural": m.structural,
                "benefit_share": money(m.benefit_share),
                "changes_task_policy": m.changes_task_policy,
                "cost_per_year": m.cost_per_year,
                "total_cost": money(m.total_cost),
                "annotation": m.annotation,
                "sources": [_source(s) for s in m.source_links.all()],
            }
            for m in measures
        ],
        "versions": [
            {
                "number": v.number,
                "created_at": when(v.created_at),
                "sha256": v.content_hash,
                "content": v.content,
            }
            for v in school_plan.versions.order_by("number")
        ],
    }


def _for_process(model, process):
    return model.objects.filter(version__school_plan__process=process).select_related("version")


def publications(process) -> list[dict]:
    publications = _for_process(Publication, process).prefetch_related("comments")
    return [
        {
            "version": p.version.number,
            "published_at": when(p.published_at),
            "comments_until": when(p.comments_until),
            "notified_count": len(p.notified),
            "comments": [
                {"written_at": when(c.created_at), "text": c.text}
                for c in sorted(p.comments.all(), key=lambda c: (c.created_at, c.pk))
            ],
        }
        for p in publications.order_by("version__number", "pk")
    ]


def evaluation_agreement(process) -> dict | None:
    agreement = EvaluationAgreement.objects.filter(process=process).first()
    if agreement is None:
        return None
    fields = ("what", "indicators", "when", "responsible", "sharing", "follow_up")
    return {
        **{name: getattr(agreement, name) for name in fields},
        "recorded_at": when(agreement.recorded_at),
        "changed_at": when(agreement.changed_at),
        "moments": [
            {
                "date": when(moment.date),
                "title": moment.title,
                "responsible": moment.responsible,
                "recorded_at": when(moment.recorded_at),
                "shared_at": when(moment.shared_at),
                "outcomes": [
                    {
                        "measure": outcome.measure_key,
                        "title": outcome.measure_title,
                        "verdict": outcome.verdict,
                        "reasons": outcome.reasons,
                        "results": outcome.results,
                    }
                    for outcome in moment.outcomes.all()
                ],
            }
            for moment in agreement.moments.prefetch_related("outcomes").order_by("date", "pk")
        ],
    }


def factsheet(process) -> dict | None:
    """The factsheet written before step 1 (figures as strings with two decimals)."""
    sheet = Factsheet.objects.filter(process=process).first()
    if sheet is None:
        return None
    figures = ("mto_workload_score", "mto_response_rate", "absence_percentage", "absence_frequency")
    texts = ("figures_source", "policy_history", "funds_use", "lessons")
    return {
        **{name: money(getattr(sheet, name)) for name in figures},
        **{name: getattr(sheet, name) for name in texts},
        "figures_date": when(sheet.figures_date),
        "prefilled_from": str(sheet.prefilled_from.school_year) if sheet.prefilled_from else None,
        "created_at": when(sheet.created_at),
        "changed_at": when(sheet.changed_at),
    }


def pmr_decisions(process) -> list[dict]:
    decisions = _for_process(PmrDecision, process).prefetch_related("units_to_revise")
    return [
        {
            "version": d.version.number,
            "outcome": d.outcome,
            "meeting_date": when(d.meeting_date),
            "reasons": d.reasons,
            "units_to_revise": sorted(unit.name for unit in d.units_to_revise.all()),
            "recorded_at": when(d.recorded_at),
        }
        for d in decisions.order_by("recorded_at", "pk")
    ]


def ratification(process) -> dict | None:
    record = _for_process(RatificationRecord, process).first()
    if record is None:
        return None
    return {
        "version": record.version.number,
        "version_sha256": record.version.content_hash,
        "ratified_at": when(record.ratified_at),
        "decision_list_sha256": record.decision_list_hash,
        "decision_list": record.decision_list,
    }
