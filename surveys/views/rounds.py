"""Managing the workload survey (director, PMR): this year's questionnaire, sending and closing
its rounds. Permissions are checked here and again in the services; a process or round of
another school is a 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.rounds import SendForm, TextsForm
from ..models import SurveyTemplate
from ..selectors import rounds as selectors
from ..services import rounds as services

MANAGE = services.MANAGE


def _content_of(process):
    questionnaire = selectors.questionnaire_of(process)
    if questionnaire is not None:
        return questionnaire, questionnaire.content
    return None, SurveyTemplate.objects.get(key=services.DEFAULT_TEMPLATE).content


@require_GET
def survey_manage(request, pk):
    """This year's questionnaire and its rounds, with the buttons to edit, send and close."""
    process = selectors.process_for_user(user=request.user, pk=pk, perm=MANAGE)
    questionnaire, content = _content_of(process)
    rounds = list(questionnaire.rounds.all()) if questionnaire else []
    counts_of = selectors.turnouts(rounds)
    for survey_round in rounds:
        survey_round.turnout = counts_of[survey_round.pk]
    return render(
        request,
        "surveys/survey_manage.html",
        {
            "process": process,
            "questionnaire": questionnaire,
            "editable": not rounds,
            "rounds": rounds,
            "measures": services.ratified_measures(process),
            "send_form": SendForm(),
            "content": content,
        },
    )


def questionnaire_edit(request, pk):
    """Edit this year's question texts (before the first round is sent)."""
    process = selectors.process_for_user(user=request.user, pk=pk, perm=MANAGE)
    _questionnaire, content = _content_of(process)
    form = TextsForm(content, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shows_domain_error(request=request) as attempt:
            questionnaire = services.questionnaire_ensure(process=process)
            services.questionnaire_edit(
                questionnaire=questionnaire, actor=request.user, texts=form.texts()
            )
        if attempt.succeeded:
            messages.success(request, _("The questionnaire has been saved."))
            return redirect("surveys:survey-manage", pk=process.pk)
    return render(request, "surveys/questionnaire_edit.html", {"process": process, "form": form})


@require_POST
@idempotent_post
def round_send(request, pk):
    process = selectors.process_for_user(user=request.user, pk=pk, perm=MANAGE)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the round and a valid closing date."))
        return redirect("surveys:survey-manage", pk=process.pk)
    with shows_domain_error(request=request) as attempt:
        questionnaire = services.questionnaire_ensure(process=process)
        services.round_send(questionnaire=questionnaire, actor=request.user, **form.cleaned_data)
    if attempt.succeeded:
        messages.success(request, _("The survey has been sent to every active staff member."))
    return redirect("surveys:survey-manage", pk=process.pk)


@require_POST
def round_close(request, round_pk):
    survey_round = selectors.round_get_for_user(user=request.user, pk=round_pk, perm=MANAGE)
    with shows_domain_error(request=request) as attempt:
        services.round_close(survey_round=survey_round, actor=request.user)
    if attempt.succeeded:
        messages.success(request, _("The round has been closed; its results are shown."))
    return redirect("surveys:survey-manage", pk=survey_round.questionnaire.process_id)
