"""Reads of the survey results, for the results page and for the reporting app.

The reporting API: ``round_results(survey_round)`` (one round: per dimension, per staff
category, per unit, the effect, measure and attendance questions) and ``school_history(school)``
(every closed round of the school, oldest first, with its dimension results: the year-on-year
and round comparison). Results exist only for closed rounds with at least ``MIN_GROUP``
responses: an open round shows nothing, so watching the figures move cannot reveal what the
last person answered.
"""

from dataclasses import dataclass, field

from .. import content as content_module
from .. import scoring
from ..models import SurveyResponse, SurveyRound

VIEW = "surveys.view_results"


@dataclass(frozen=True)
class MeasureResult:
    key: str
    title: str
    answers: list
    comments: list[str]


@dataclass(frozen=True)
class RoundResults:
    survey_round: SurveyRound
    n: int
    shown: bool  # closed and at least MIN_GROUP responses
    dimensions: list = field(default_factory=list)
    by_category: list = field(default_factory=list)
    by_unit: list = field(default_factory=list)
    effect_school: list = field(default_factory=list)
    effect_self: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    attendance: list = field(default_factory=list)
    # Free texts (why, comments): for the director and PMR only, in the stored random order.
    why_school: list = field(default_factory=list)
    why_self: list = field(default_factory=list)


def _responses(survey_round) -> list[SurveyResponse]:
    return list(
        SurveyResponse.objects.filter(round=survey_round).only(
            "category", "unit_name", "fte_band", "answers"
        )
    )


def responses_by_round(survey_rounds) -> dict[int, list[SurveyResponse]]:
    """The responses of each of ``survey_rounds`` by round id (``round_results``'s
    ``responses``), in one query however many rounds."""
    grouped: dict[int, list[SurveyResponse]] = {
        survey_round.pk: [] for survey_round in survey_rounds
    }
    if grouped:
        responses = SurveyResponse.objects.filter(round_id__in=grouped).only(
            "round_id", "category", "unit_name", "fte_band", "answers"
        )
        for response in responses.order_by("pk"):
            grouped[response.round_id].append(response)
    return grouped


def round_results(survey_round, *, responses=None, groups=True) -> RoundResults:
    """Everything the results page and a report show of one round (see the module docstring).
    ``responses``: the round's, when read already (``responses_by_round``). ``groups`` False:
    without the results per staff category and per unit (``by_category`` and ``by_unit``
    empty; the annual report does not show them)."""
    if responses is None:
        responses = _responses(survey_round)
    n = len(responses)
    if survey_round.state != SurveyRound.State.CLOSED or n < scoring.MIN_GROUP:
        return RoundResults(survey_round=survey_round, n=n, shown=False)
    content = survey_round.content
    answers = [r.answers for r in responses]
    measures = [
        MeasureResult(
            key=measure["key"],
            title=measure["title"],
            answers=scoring.distribution(
                content["measure"]["options"],
                [a["measures"].get(measure["key"], {}).get("answer") for a in answers],
            ),
            comments=[
                c
                for a in answers
                if (c := a["measures"].get(measure["key"], {}).get("comment", ""))
            ],
        )
        for measure in survey_round.measures
    ]
    return RoundResults(
        survey_round=survey_round,
        n=n,
        shown=True,
        dimensions=scoring.dimensions(content, answers),
        by_category=scoring.by_group(content, responses, "category") if groups else [],
        by_unit=scoring.by_group(content, responses, "unit_name") if groups else [],
        effect_school=scoring.distribution(
            content["effect"]["options"], [a["effect_school"] for a in answers]
        ),
        effect_self=scoring.distribution(
            content["effect"]["options"], [a["effect_self"] for a in answers]
        ),
        measures=measures,
        attendance=scoring.distribution(
            content["attendance"]["options"], [a["attendance"] for a in answers]
        ),
        why_school=[a["effect_school_why"] for a in answers if a["effect_school_why"]],
        why_self=[a["effect_self_why"] for a in answers if a["effect_self_why"]],
    )


@dataclass(frozen=True)
class HistoryRow:
    survey_round: SurveyRound
    year: str
    n: int
    dimensions: dict  # dimension key -> DimensionResult
    content_hash: str


def school_rounds(school) -> tuple[list[SurveyRound], dict[int, list[SurveyResponse]]]:
    """Every round of ``school`` (open ones too), oldest first (year, then kind), with their
    questionnaire, process and school year, and the responses of each by round id (as
    ``responses_by_round``): two queries, however many rounds. ``school_history`` and a
    process's ``round_results`` both read from them (the annual report needs both)."""
    rounds = list(
        SurveyRound.objects.filter(questionnaire__process__school=school)
        .select_related("questionnaire__process__school_year")
        .order_by("questionnaire__process__school_year__start_year", "kind")
    )
    return rounds, responses_by_round(rounds)


def school_history(school, *, rounds=None, responses=None) -> list[HistoryRow]:
    """Every closed round of ``school`` with enough responses, oldest first (year, then kind).
    ``rounds`` and ``responses``: ``school_rounds(school)``, when read already."""
    if rounds is None:
        rounds = (
            SurveyRound.objects.filter(
                questionnaire__process__school=school, state=SurveyRound.State.CLOSED
            )
            .select_related("questionnaire__process__school_year")
            .order_by("questionnaire__process__school_year__start_year", "kind")
        )
        rounds = list(rounds)
        answers_of: dict[int, list] = {survey_round.pk: [] for survey_round in rounds}
        responses_of = SurveyResponse.objects.filter(round__in=rounds).only("round_id", "answers")
        for response in responses_of.order_by("pk"):  # one query, however many rounds
            answers_of[response.round_id].append(response.answers)
    else:
        rounds = [r for r in rounds if r.state == SurveyRound.State.CLOSED]
        answers_of = {r.pk: [response.answers for response in responses[r.pk]] for r in rounds}
    rows = []
    for survey_round in rounds:
        answers = answers_of[survey_round.pk]
        if len(answers) < scoring.MIN_GROUP:
            continue
        rows.append(
            HistoryRow(
                survey_round=survey_round,
                year=str(survey_round.questionnaire.process.school_year),
                n=len(answers),
                dimensions={d.key: d for d in scoring.dimensions(survey_round.content, answers)},
                content_hash=survey_round.content_hash,
            )
        )
    return rows


def dimension_labels(content) -> list[tuple[str, str]]:
    return [(d["key"], content_module.text(d["label"])) for d in content["dimensions"]]
