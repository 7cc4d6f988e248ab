"""The parts of a process's archive from step 5 on (kick-off, announcements, working methods,
unit plans, school plan, publication, evaluation, PMR decisions, ratification) and the
formatting all parts share. Assembled by ``schoolplans.archive``; see docs/archive-format.md.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from plans.models import Measure, UnitPlan
from units.models import KickoffSession, UnitAnnouncement

from .models import (
    EvaluationAgreement,
    MeasureSource,
    PmrDecision,
    Publication,
    RatificationRecord,
    SchoolPlan,
    SchoolPlanMeasure,
)

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


def kickoff_sessions(process) -> list[dict]:
    sessions = KickoffSession.objects.filter(process=process).annotate(
        sign_up_count=Count("sign_ups", distinct=True),
        present_count=Count("attendances", filter=Q(attendances__attended=True), distinct=True),
    )
    result = []
    for s in sessions.order_by("date", "starts_at", "pk"):
        attended = {
            KickoffSession.AttendanceMode.PER_PERSON: s.present_count,
            KickoffSession.AttendanceMode.COUNTED: s.attendance_count,
        }.get(s.attendance_mode)
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
