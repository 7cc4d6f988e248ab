"""Reads of the evaluation cycle (issue 18): the evaluation agreement's dated moments, the
outcome per measure of the ratified plan at each moment, who may read or record them, and the
last recorded outcomes that report section d, next year's factsheet and next year's unit plans
(the carry-over of a measure with its verdict) build on.

A moment is *recorded* when every measure of the ratified version has an outcome
(``EvaluationMoment.recorded_at``); the staff read it once it is *shared*.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.http import Http404

from plans.models import Measure
from processes.predicates import is_board_admin, is_director, is_pmr_member, is_school_staff

from ..models import EvaluationAgreement, EvaluationMoment, EvaluationOutcome, MeasureCarryOver
from .decision_list import ratification_record_for
from .next_year import previous_process


def reminder_days() -> int:
    """Days before a moment's date its reminder goes out (the task runs every morning)."""
    return settings.EVALUATION_REMINDER_DAYS


Verdict = EvaluationOutcome.Verdict
CARRIABLE = (Verdict.CONTINUE, Verdict.ADJUST)


# --- who may do what ------------------------------------------------------------------------


def may_edit_evaluation_moments(user, process) -> bool:
    """The director and the PMR plan the moments and record the outcomes."""
    return is_director(user, process) or is_pmr_member(user, process)


def may_read_moment(user, moment) -> bool:
    """The director, the PMR and the board's administrators always; the school's staff once
    the results are shared with them."""
    process = moment.agreement.process
    if may_edit_evaluation_moments(user, process) or is_board_admin(user, process):
        return True
    return moment.shared_at is not None and is_school_staff(user, process)


# --- the moments ----------------------------------------------------------------------------


def moments_of(process, agreement=None) -> list[EvaluationMoment]:
    """The moments of ``process``'s evaluation agreement by date, each with ``outcome_count``
    (counted in the same query). ``agreement``: that agreement when the caller has read it."""
    moments = EvaluationMoment.objects.annotate(outcome_count=Count("outcomes")).order_by(
        "date", "pk"
    )
    if agreement is None:
        moments = list(moments.filter(agreement__process=process).select_related("agreement"))
    else:
        moments = list(moments.filter(agreement=agreement))
    for moment in moments:
        if agreement is not None:
            moment.agreement = agreement
        moment.agreement.process = process
    return moments


def moment_get_for_user(*, user, process, pk) -> EvaluationMoment:
    """A moment of ``process`` (404 for another process's) that ``user`` may read (404 too:
    staff do not learn of a moment before it is shared)."""
    moment = (
        EvaluationMoment.objects.filter(agreement__process=process, pk=pk)
        .select_related("agreement")
        .first()
    )
    if moment is None:
        raise Http404
    moment.agreement.process = process
    if not may_read_moment(user, moment):
        raise Http404
    return moment


# --- the measures an outcome is recorded for -------------------------------------------------


@dataclass
class MeasureToEvaluate:
    key: str
    number: int
    title: str
    unit_name: str | None
    description: str
    goals: list[str] = field(default_factory=list)  # the unit plans' expected effects
    indicators: list[str] = field(default_factory=list)  # the unit plans' success indicators
    outcome: EvaluationOutcome | None = None


def ratified_version_of(process):
    record = ratification_record_for(process)
    return record.version if record else None


def measures_to_evaluate(process, moment=None) -> list[MeasureToEvaluate]:
    """The measures of ``process``'s ratified version in their order, with the goal and the
    indicators the unit plans named for each (through the measure's sources), and the outcome
    recorded at ``moment``. Empty while the plan is not ratified. Three queries."""
    version = ratified_version_of(process)
    if version is None:
        return []
    measures = (version.content or {}).get("measures") or []
    unit_measure_ids = {
        source["unit_measure"]
        for measure in measures
        for source in measure.get("sources") or []
        if source.get("unit_measure")
    }
    unit_measures = {
        m.pk: m for m in Measure.objects.filter(pk__in=unit_measure_ids).select_related("plan")
    }
    outcomes = (
        {o.measure_key: o for o in EvaluationOutcome.objects.filter(moment=moment)}
        if moment is not None
        else {}
    )
    rows = []
    for number, measure in enumerate(measures, 1):
        row = MeasureToEvaluate(
            key=str(measure["key"]),
            number=number,
            title=measure["title"],
            unit_name=measure.get("unit_name"),
            description=measure.get("description") or "",
            outcome=outcomes.get(str(measure["key"])),
        )
        for source in measure.get("sources") or []:
            unit_measure = unit_measures.get(source.get("unit_measure"))
            if unit_measure is None:
                continue
            if unit_measure.expected_effect and unit_measure.expected_effect not in row.goals:
                row.goals.append(unit_measure.expected_effect)
            indicators = unit_measure.plan.success_indicators
            if indicators and indicators not in row.indicators:
                row.indicators.append(indicators)
        rows.append(row)
    return rows


# --- what comes after: the last recorded moment -----------------------------------------------


@dataclass
class RecordedEvaluation:
    moment: EvaluationMoment
    outcomes: list[EvaluationOutcome]

    @property
    def shared(self) -> bool:
        return self.moment.shared_at is not None


def last_recorded_evaluation(process) -> RecordedEvaluation | None:
    """The outcomes of the last recorded moment of ``process`` (by date), or None. Two
    queries."""
    moment = (
        EvaluationMoment.objects.filter(agreement__process=process, recorded_at__isnull=False)
        .order_by("-date", "-pk")
        .first()
    )
    if moment is None:
        return None
    return RecordedEvaluation(moment=moment, outcomes=list(moment.outcomes.order_by("pk")))


def carriable_measures(process) -> tuple[object, list[MeasureToEvaluate]]:
    """For a unit plan of ``process``: last year's process and the measures of its ratified
    plan, each with the outcome of last year's last recorded moment (None when not evaluated).
    Whether a measure may be carried over is the service's to say (``carry_over_refusal``)."""
    previous = previous_process(process)
    if previous is None:
        return None, []
    evaluation = last_recorded_evaluation(previous)
    rows = measures_to_evaluate(previous, evaluation.moment if evaluation else None)
    return previous, rows


def carry_over_refusal(outcome) -> str | None:
    """Why a measure with last year's ``outcome`` (or None) cannot be carried over, or None."""
    from django.utils.translation import gettext as _

    if outcome is None:
        return _(
            "Last year's evaluation of this measure has not been recorded: the director and "
            "the PMR must record the evaluation first."
        )
    if outcome.verdict == Verdict.STOP:
        return _("Last year's evaluation decided to stop this measure: it cannot be carried over.")
    return None


def carried_over_notes(measures) -> dict[int, str]:
    """The plans' hook: for unit measures carried over from last year, the note the unit plan
    shows (last year's measure and its verdict). One query."""
    from django.utils.translation import gettext as _

    ids = [m.pk for m in measures]
    if not ids:
        return {}
    notes = {}
    for carried in MeasureCarryOver.objects.filter(unit_measure_id__in=ids).select_related(
        "outcome"
    ):
        notes[carried.unit_measure_id] = _(
            "Carried over from %(year)s (“%(title)s”), evaluated there as: %(verdict)s — "
            "%(reasons)s"
        ) % {
            "year": carried.from_school_year,
            "title": carried.from_title,
            "verdict": carried.get_verdict_display(),
            "reasons": carried.outcome.reasons,
        }
    return notes


def agreement_of(process) -> EvaluationAgreement | None:
    return EvaluationAgreement.objects.filter(process=process).first()
