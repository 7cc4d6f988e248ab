"""The dashboard's to-do for staff invited to an open survey round who have not answered yet.

For ``processes.registry.register_todo_provider`` (the lead registers it). That someone has not
answered yet says nothing about anyone's answers.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from processes.predicates import user_roles
from processes.selectors import Todo

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
