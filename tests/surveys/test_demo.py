"""The demo: last year's survey at the school with the ratified plan, with its measures."""

from plans.demo import demo_load
from schoolplans.demo import demo_ratified
from surveys.demo import demo_survey
from surveys.models import SurveyResponse
from surveys.selectors.results import round_results, school_history


def test_the_demo_survey_asks_about_the_ratified_measures_and_has_results(db):
    process = demo_ratified(demo_load())
    questionnaire = demo_survey(process)
    assert demo_survey(process) == questionnaire  # idempotent
    rounds = list(questionnaire.rounds.order_by("kind"))
    assert [r.kind for r in rounds] == ["baseline", "follow_up"]
    baseline = rounds[0]
    titles = [m["title"] for m in baseline.measures]
    assert titles and titles == [m.title for m in process.school_plan.measures.order_by("order")]
    result = round_results(baseline)
    assert result.shown and len(result.dimensions) == 4
    assert all(len(m.answers) == 5 for m in result.measures)
    assert SurveyResponse.objects.filter(round=baseline).count() == result.n
    history = school_history(process.school)
    assert [row.survey_round for row in history] == rounds
