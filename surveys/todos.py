"""The dashboard's to-dos of the workload survey: staff invited to an open round who have not
answered yet fill it in (that someone has not answered says nothing about anyone's answers);
the director and the PMR, who run it, send its rounds and close a round without a closing date.

Registered with ``processes.registry.register_todo_provider`` in ``SurveysConfig.ready()``.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from processes.predicates import user_roles
from processes.todos import Todo, current_start_year, school_roles

from .models import SurveyRound


def survey_todos(user, processes) -> dict[int, list[Todo]]:
    """ "Fill in the workload survey" per process where ``user`` is invited to an open round and
    has not answered. No query for users who are nobody's staff, one else."""
    staff_schools = user_roles(user)["staff"]
    process_ids = [p.pk for p in processes if p.school_id in staff_schools]
    if not process_ids:
        return {}
    rounds = (
        SurveyRound.objects.filter(
            questionnaire__process_id__in=process_ids,
            state=SurveyRound.State.OPEN,
            invitees__staff_member__user=user,
            invitees__participation__isnull=True,
        )
        .select_related("questionnaire")
        .distinct()
    )
    todos: dict[int, list[Todo]] = {}
    for survey_round in rounds:
        todos.setdefault(survey_round.questionnaire.process_id, []).append(
            Todo(
                _("Fill in the workload survey"), reverse("surveys:answer", args=[survey_round.pk])
            )
        )
    return todos


def _is_current_and_ratified(process, start_year) -> bool:
    return process.school_year.start_year == start_year and any(
        step.number == 11 and step.state == ProcessStep.State.DONE for step in process.steps.all()
    )


def survey_round_todos(user, processes) -> dict[int, list[Todo]]:
    """For the director and the PMR: close an open round that has no closing date (nothing else
    closes it); and once this school year's plan is ratified, send the baseline, then, after it
    closed, the follow-up. One query for them, none for anyone else."""
    managed = [p for p in processes if {"director", "pmr"} & school_roles(user, p.school_id)]
    if not managed:
        return {}
    rounds: dict[int, dict] = {}
    for survey_round in SurveyRound.objects.filter(
        questionnaire__process_id__in=[p.pk for p in managed]
    ).select_related("questionnaire"):
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
