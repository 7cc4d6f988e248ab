"""The dashboard's to-dos of the workload survey: staff invited to an open round who have not
answered yet fill it in (that someone has not answered says nothing about anyone's answers);
the director and the PMR, who run it, send its rounds and close a round without a closing date.

Registered with ``processes.registry.register_todo_provider`` in ``SurveysConfig.ready()``.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from processes.predicates import user_roles
from processes.todos import Todo, current_start_year, school_roles

from .models import Invitee, SurveyRound


def _rounds(user, process_ids) -> list[SurveyRound]:
    """The rounds of ``process_ids`` (without their content), each with whether ``user`` is
    invited to it and has not answered (``unanswered``): one query."""
    return list(
        SurveyRound.objects.filter(questionnaire__process_id__in=process_ids)
        .select_related("questionnaire")
        .only("kind", "state", "closes_on", "questionnaire__process")  # not the round's content
        .annotate(
            unanswered=Exists(
                Invitee.objects.filter(
                    round=OuterRef("pk"), staff_member__user=user, participation__isnull=True
                )
            )
        )
    )


def _fill_in_todos(rounds) -> dict[int, list[Todo]]:
    todos: dict[int, list[Todo]] = {}
    for survey_round in rounds:
        if survey_round.state == SurveyRound.State.OPEN and survey_round.unanswered:
            todos.setdefault(survey_round.questionnaire.process_id, []).append(
                Todo(
                    _("Fill in the workload survey"),
                    reverse("surveys:answer", args=[survey_round.pk]),
                )
            )
    return todos


def _invited_processes(user, processes) -> list[int]:
    staff_schools = user_roles(user)["staff"]
    return [p.pk for p in processes if p.school_id in staff_schools]


def _managed_processes(user, processes) -> list:
    return [p for p in processes if {"director", "pmr"} & school_roles(user, p.school_id)]


def survey_todos(user, processes) -> dict[int, list[Todo]]:
    """ "Fill in the workload survey" per process where ``user`` is invited to an open round and
    has not answered. No query for users who are nobody's staff, one else."""
    process_ids = _invited_processes(user, processes)
    if not process_ids:
        return {}
    return _fill_in_todos(_rounds(user, process_ids))


def _is_current_and_ratified(process, start_year) -> bool:
    return process.school_year.start_year == start_year and any(
        step.number == 11 and step.state == ProcessStep.State.DONE for step in process.steps.all()
    )


def survey_round_todos(user, processes) -> dict[int, list[Todo]]:
    """For the director and the PMR: close an open round that has no closing date (nothing else
    closes it); and once this school year's plan is ratified, send the baseline, then, after it
    closed, the follow-up. One query for them, none for anyone else."""
    managed = _managed_processes(user, processes)
    if not managed:
        return {}
    return _round_todos(managed, _rounds(user, [p.pk for p in managed]))


def _round_todos(managed, rows) -> dict[int, list[Todo]]:
    rounds: dict[int, dict] = {}
    for survey_round in rows:
        rounds.setdefault(survey_round.questionnaire.process_id, {})[survey_round.kind] = (
            survey_round
        )
    current = current_start_year()
    todos: dict[int, list[Todo]] = {}
    Kind, State = SurveyRound.Kind, SurveyRound.State
    for process in managed:
        sent = rounds.get(process.pk, {})
        url = reverse("surveys:survey-manage", args=[process.pk])
        text = None
        open_rounds = [r for r in sent.values() if r.state == State.OPEN and not r.closes_on]
        if open_rounds:
            text = _("Close the workload survey (%(round)s) once enough staff have answered") % {
                "round": open_rounds[0].get_kind_display()
            }
        elif _is_current_and_ratified(process, current):
            baseline, follow_up = sent.get(Kind.BASELINE), sent.get(Kind.FOLLOW_UP)
            if baseline is None and follow_up is None:
                text = _("Send the workload survey to the staff (baseline)")
            elif follow_up is None and baseline.state == State.CLOSED:
                text = _("Send the follow-up of the workload survey at the end of the school year")
        if text:
            todos[process.pk] = [Todo(text, url)]
    return todos


def workload_survey_todos(user, processes) -> dict[int, list[Todo]]:
    """Both of the above (the staff's, then the director's and the PMR's) from one read of the
    rounds: one query for the school's staff, its director and its PMR, none for anyone else
    (the provider registered)."""
    invited = _invited_processes(user, processes)
    managed = _managed_processes(user, processes)
    if not invited and not managed:
        return {}
    rows = _rounds(user, sorted(set(invited) | {p.pk for p in managed}))
    todos = _fill_in_todos(r for r in rows if r.questionnaire.process_id in invited)
    managed_ids = {p.pk for p in managed}
    rows = [r for r in rows if r.questionnaire.process_id in managed_ids]
    for process_id, found in _round_todos(managed, rows).items():
        todos.setdefault(process_id, []).extend(found)
    return todos
