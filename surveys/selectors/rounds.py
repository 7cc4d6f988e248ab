"""Reads of the survey rounds: the process or round a user may see, the questionnaire, turnout."""

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
