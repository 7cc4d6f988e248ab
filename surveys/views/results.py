"""The results of the workload survey (everyone in the school): the year's closed rounds and the
comparison over the years; free texts for the director and PMR only."""

from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import charts
from ..selectors import results as selectors
from ..selectors.rounds import process_for_user, turnouts
from ..services.rounds import MANAGE

VIEW = selectors.VIEW


@require_GET
def results(request, pk):
    """The year's rounds (closed ones with enough answers) and the comparison over the years."""
    process = process_for_user(user=request.user, pk=pk, perm=VIEW)
    # The school's rounds and their responses once: the year's rounds (by kind) and the
    # history over the years both come from them.
    every, responses = selectors.school_rounds(process.school)
    rounds = [r for r in every if r.questionnaire.process_id == process.pk]
    managers = request.user.has_perm(MANAGE, process)
    shown = []
    counts_of = turnouts(rounds)
    for survey_round in rounds:
        result = selectors.round_results(survey_round, responses=responses[survey_round.pk])
        chart = charts.round_chart(result.dimensions, capfirst(survey_round.get_kind_display()))
        shown.append(
            {
                "result": result,
                "chart": chart,
                "turnout": counts_of[survey_round.pk],
                "labels": selectors.dimension_labels(survey_round.content),
            }
        )
    history = selectors.school_history(process.school, rounds=every, responses=responses)
    comparison = None
    if len(history) > 1:
        labels = selectors.dimension_labels(history[-1].survey_round.content)
        comparison = charts.comparison_chart(history, labels, _("Comparison of rounds"))
    return render(
        request,
        "surveys/results.html",
        {
            "process": process,
            "rounds": shown,
            "history": history,
            "labels": selectors.dimension_labels(history[-1].survey_round.content)
            if history
            else [],
            "comparison": comparison,
            "show_texts": managers,
            "min_group": selectors.scoring.MIN_GROUP,
        },
    )
