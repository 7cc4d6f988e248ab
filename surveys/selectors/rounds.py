"""Reads of the survey rounds: the process or round a user may see, the questionnaire, turnout."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from processes.models import Process

from ..models import Invitee, Questionnaire, SurveyParticipation, SurveyRound


def process_for_user(*, user, pk, perm) -> Process:
    """The process with its school and year; 404 unless ``user`` has ``perm`` on it."""
    process = get_object_or_404(Process.objects.select_related("school", "school_year"), pk=pk)
    if not user.has_perm(perm, process):
        raise Http404
    return process


def round_get_for_user(*, user, pk, perm) -> SurveyRound:
    """The round with its process; 404 unless ``user`` has ``perm`` on it."""
    survey_round = get_object_or_404(
        SurveyRound.objects.select_related(
            "questionnaire__process__school", "questionnaire__process__school_year"
        ),
        pk=pk,
    )
    if not user.has_perm(perm, survey_round):
        raise Http404
    return survey_round


def questionnaire_of(process) -> Questionnaire | None:
    return Questionnaire.objects.filter(process=process).prefetch_related("rounds").first()


def turnout(survey_round) -> dict:
    """How many were invited and how many answered (numbers only, never who)."""
    invited = Invitee.objects.filter(round=survey_round).count()
    answered = SurveyParticipation.objects.filter(invitee__round=survey_round).count()
    return {"invited": invited, "answered": answered}


def turnouts(survey_rounds) -> dict[int, dict]:
    """``turnout`` of each of ``survey_rounds`` by round id, in two queries however many."""
    ids = [survey_round.pk for survey_round in survey_rounds]
    if not ids:
        return {}
    invited = dict(
        Invitee.objects.filter(round_id__in=ids)
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values_list("round_id", "n")
    )
    answered = dict(
        SurveyParticipation.objects.filter(invitee__round_id__in=ids)
        .order_by()
        .values("invitee__round_id")
        .annotate(n=Count("pk"))
        .values_list("invitee__round_id", "n")
    )
    return {pk: {"invited": invited.get(pk, 0), "answered": answered.get(pk, 0)} for pk in ids}
