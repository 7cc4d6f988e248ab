"""The dashboard to-do "fill in the survey", and the per-measure question."""

import pytest

from surveys import content
from surveys.services.rounds import ratified_measures, round_close
from surveys.todos import survey_todos
from werkdruk.exceptions import DomainError

from .conftest import answer, answers_for


def test_invited_staff_who_have_not_answered_get_a_todo(sent, staff, process, pmr):
    todos = survey_todos(staff[0].user, [process])
    assert [t.text for t in todos[process.pk]] == ["Fill in the workload survey"]
    assert todos[process.pk][0].url == f"/survey/round/{sent.pk}/answer/"
    answer(sent, sent.invitees.get(staff_member=staff[0]))
    assert survey_todos(staff[0].user, [process]) == {}
    assert survey_todos(pmr, [process]) == {}  # not on the staff list
    round_close(survey_round=sent, actor=pmr)
    assert survey_todos(staff[1].user, [process]) == {}


def test_without_a_ratified_plan_no_measure_is_asked(sent, process):
    assert ratified_measures(process) == []
    assert sent.measures == []


def test_every_measure_of_the_round_needs_an_answer(sent):
    measures = [{"key": "7", "title": "Onderwijsassistent"}]
    raw = answers_for(sent.content, measures=measures)
    cleaned = content.answers_clean(sent.content, measures, raw)
    assert cleaned["measures"] == {"7": {"answer": "no", "comment": ""}}
    raw["measures"] = {}
    with pytest.raises(DomainError, match="every measure"):
        content.answers_clean(sent.content, measures, raw)


def test_texts_follow_the_language():
    value = {"nl": "Moet je je haasten?", "en": "Do you have to rush?"}
    from django.utils import translation

    with translation.override("nl"):
        assert content.text(value) == "Moet je je haasten?"
    with translation.override("en"):
        assert content.text(value) == "Do you have to rush?"
