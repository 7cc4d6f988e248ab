"""Sections c (goals and effect) and d (evaluation) of a school's annual report.

Only what the survey shows is used: closed rounds with at least five responses, as counts and
shares. No single answer, no ballot and none of the survey's free texts reach the report.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schoolplans.models import EvaluationAgreement, Factsheet
from schoolplans.selectors.evaluation import last_recorded_evaluation
from spending.selectors import ratified_measures, spending_overview
from surveys.charts import comparison_chart
from surveys.models import SurveyRound
from surveys.selectors.results import (
    dimension_labels,
    responses_by_round,
    round_results,
    school_history,
)
from surveys.selectors.rounds import turnouts

from ..sections import (
    CategoryRow,
    DimensionRow,
    EffectShare,
    EvaluationSection,
    GoalsSection,
    MeasureRow,
    OutcomeRow,
    SurveyRoundRow,
)

AGREEMENT_FIELDS = ("what", "indicators", "when", "responsible", "sharing", "follow_up")
# The round whose effect figures the report gives: the follow-up, else the baseline.
ROUND_PREFERENCE = (SurveyRound.Kind.FOLLOW_UP, SurveyRound.Kind.BASELINE)


def survey_results(process, *, school_rounds=None) -> list:
    """``round_results`` of every round of ``process``'s questionnaire, baseline first (without
    the results per group, which no report shows).
    ``school_rounds``: ``surveys.selectors.results.school_rounds(process.school)``, when read
    already (no query then)."""
    if school_rounds is None:
        # the rounds of the process's questionnaire (none without one), in one query
        rounds = list(SurveyRound.objects.filter(questionnaire__process=process))
        responses = responses_by_round(rounds)
    else:
        every, responses = school_rounds
        rounds = [r for r in every if r.questionnaire.process_id == process.pk]
    # One questionnaire per process and one round per kind: by kind, the baseline first.
    rounds = sorted(rounds, key=lambda r: (r.kind != SurveyRound.Kind.BASELINE, r.kind))
    return [
        # The report shows no results per staff category or unit: not computed.
        round_results(survey_round, responses=responses[survey_round.pk], groups=False)
        for survey_round in rounds
    ]


def effect_round(results):
    """The latest closed round with results shown (follow-up before baseline), or None."""
    shown = {r.survey_round.kind: r for r in results if r.shown}
    return next((shown[kind] for kind in ROUND_PREFERENCE if kind in shown), None)


def _shares(distribution) -> list[EffectShare]:
    return [EffectShare(label=d.label, count=d.count, share=d.share) for d in distribution]


def goals_section(*, process, results, version) -> GoalsSection | None:
    """Section c, for the process's own school year; None before ratification. ``version``:
    the ratified version (``spending.selectors.ratified_version``), None when not ratified."""
    overview = spending_overview(process, year=process.school_year.start_year, version=version)
    if overview is None:
        return None
    keys = {m["number"]: str(m.get("key", "")) for m in ratified_measures(overview.version)}
    source = effect_round(results)
    effects = {m.key: m.answers for m in source.measures} if source else {}
    rows = []
    for figures in overview.measures:
        effect = effects.get(keys.get(figures.number))
        rows.append(
            MeasureRow(
                number=figures.number,
                title=figures.title,
                unit=figures.unit_name,
                category_label=figures.category_label,
                planned=figures.planned,
                actual=figures.actual,
                status_label=figures.status_label,
                fte_hired=figures.fte_hired,
                effect=_shares(effect) if effect is not None else [],
                effect_n=source.n if effect is not None else 0,
            )
        )
    return GoalsSection(
        year_label=overview.year_label,
        measures=rows,
        categories=[
            CategoryRow(
                code=c.code, label=c.label, count=c.count, planned=c.planned, actual=c.actual
            )
            for c in overview.categories
        ],
        planned=overview.total.planned,
        actual=overview.total.actual,
        unspent=overview.unspent,
        effect_school=_shares(source.effect_school) if source else [],
    )


def dimension_rows(results) -> list[DimensionRow]:
    return [
        DimensionRow(label=d.label, mean=d.mean, scale_max=d.scale_max, high_share=d.high_share)
        for d in results
    ]


def agreement(process) -> dict | None:
    """The texts of ``process``'s evaluation agreement, or None. One query."""
    agreement = EvaluationAgreement.objects.filter(process=process).first()
    if agreement is None:
        return None
    return {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}


def round_label(survey_round, year) -> str:
    return f"{survey_round.get_kind_display()} {year}"


def round_rows(*, process, results, counts=True) -> list[SurveyRoundRow]:
    """Section d's rows of ``process``'s rounds (``results``: ``survey_results``): turnout
    always, dimension figures only when shown. Two queries; none with ``counts`` False (the
    rows' ``invited`` and ``answered`` are None then)."""
    counts_of = turnouts([result.survey_round for result in results]) if counts else {}
    rows = []
    for result in results:
        numbers = counts_of.get(result.survey_round.pk, {"invited": None, "answered": None})
        rows.append(
            SurveyRoundRow(
                label=round_label(result.survey_round, process.school_year),
                invited=numbers["invited"],
                answered=numbers["answered"],
                shown=result.shown,
                dimensions=dimension_rows(result.dimensions) if result.shown else [],
            )
        )
    return rows


def history_up_to(process, *, school_rounds=None) -> list:
    """``school_history`` of ``process``'s school up to and including its school year.
    ``school_rounds``: as for ``survey_results``."""
    if school_rounds is None:
        history = school_history(process.school)
    else:
        every, responses = school_rounds
        history = school_history(process.school, rounds=every, responses=responses)
    start = process.school_year.start_year
    return [
        row
        for row in history
        if row.survey_round.questionnaire.process.school_year.start_year <= start
    ]


def comparison_of(history):
    """The chart of the rounds of ``history_up_to`` side by side; None with fewer than two."""
    if len(history) < 2:
        return None
    labels = dimension_labels(history[-1].survey_round.content)
    return comparison_chart(history, labels, _("Comparison of rounds"))


def evaluation_section(*, process, results, school_rounds=None) -> EvaluationSection:
    """Section d: the evaluation agreement, this process's rounds (turnout always, dimension
    figures only when shown) and the school's rounds up to this year side by side.
    ``school_rounds``: as for ``survey_results``."""
    rounds = round_rows(process=process, results=results)
    history = history_up_to(process, school_rounds=school_rounds)
    labels = dimension_labels(history[-1].survey_round.content) if history else []
    comparison = comparison_of(history)
    comparison_rows = [
        (
            round_label(row.survey_round, row.year),
            dimension_rows(
                [row.dimensions[key] for key, _label in labels if key in row.dimensions]
            ),
        )
        for row in history
    ]
    return EvaluationSection(
        agreement=agreement(process),
        rounds=rounds,
        comparison=comparison,
        comparison_rows=comparison_rows,
        factsheet=_factsheet(process),
        **evaluation_outcomes(process),
    )


def evaluation_outcomes(process) -> dict:
    """The outcome per measure of ``process``'s last recorded evaluation moment, as the
    ``outcomes`` and ``outcomes_moment`` of section d (empty without one). Two queries."""
    recorded = last_recorded_evaluation(process)
    if recorded is None:
        return {"outcomes": [], "outcomes_moment": None, "outcomes_shared": False}
    moment = recorded.moment
    return {
        "outcomes": [
            OutcomeRow(
                title=outcome.measure_title,
                verdict=outcome.verdict,
                verdict_label=str(outcome.get_verdict_display()),
                reasons=outcome.reasons,
                results=outcome.results,
            )
            for outcome in recorded.outcomes
        ],
        "outcomes_moment": f"{moment.title} ({date_format(moment.date)})",
        "outcomes_shared": recorded.shared,
    }


FACTSHEET_FIELDS = (
    "mto_workload_score",
    "mto_response_rate",
    "absence_percentage",
    "absence_frequency",
    "figures_source",
    "figures_date",
    "policy_history",
    "funds_use",
    "lessons",
)


def _factsheet(process) -> dict | None:
    """The factsheet's values (section d shows where the process started from), or None."""
    factsheet = Factsheet.objects.filter(process=process).first()
    if factsheet is None:
        return None
    values = {name: getattr(factsheet, name) for name in FACTSHEET_FIELDS}
    values["figures"] = [
        (Factsheet._meta.get_field(name).verbose_name, values[name])
        for name in FACTSHEET_FIELDS[:4]
        if values[name] is not None
    ]
    return values


def empty_evaluation() -> EvaluationSection:
    return EvaluationSection(agreement=None, rounds=[], comparison=None, comparison_rows=[])
