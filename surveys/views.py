"""Pages of the workload survey: manage (director, PMR), answer (personal link or signed in),
results (everyone in the school). Permissions are checked here and again in the services; a
process or round of another school is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from werkdruk.exceptions import DomainError
from werkdruk.submissions import idempotent_post

from . import charts, selectors, services
from .forms import AnswerForm, SendForm, TextsForm
from .models import SurveyParticipation, SurveyRound, SurveyTemplate

MANAGE = services.MANAGE
VIEW = selectors.VIEW


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
    for survey_round in rounds:
        survey_round.turnout = selectors.turnout(survey_round)
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
        try:
            questionnaire = services.questionnaire_ensure(process=process)
            services.questionnaire_edit(
                questionnaire=questionnaire, actor=request.user, texts=form.texts()
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
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
    try:
        questionnaire = services.questionnaire_ensure(process=process)
        services.round_send(questionnaire=questionnaire, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The survey has been sent to every active staff member."))
    return redirect("surveys:survey-manage", pk=process.pk)


@require_POST
def round_close(request, round_pk):
    survey_round = selectors.round_get_for_user(user=request.user, pk=round_pk, perm=MANAGE)
    try:
        services.round_close(survey_round=survey_round, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The round has been closed; its results are shown."))
    return redirect("surveys:survey-manage", pk=survey_round.questionnaire.process_id)


class _AnswerView(View):
    """The answer page: a complete form, then "thank you"; never shows earlier answers."""

    def find_invitee(self, request, **kwargs):
        raise NotImplementedError

    def _page(self, request, invitee, form=None, status=200):
        survey_round = invitee.round
        answered = SurveyParticipation.objects.filter(invitee=invitee).exists()
        context = {
            "round": survey_round,
            "school": survey_round.questionnaire.process.school,
            "answered": answered,
            "closed": survey_round.state == SurveyRound.State.CLOSED,
        }
        if not answered and not context["closed"]:
            context["form"] = form or AnswerForm(
                survey_round, initial=services.background_default(invitee)
            )
        return render(request, "surveys/answer.html", context, status=status)

    def get(self, request, **kwargs):
        return self._page(request, self.find_invitee(request, **kwargs))

    def post(self, request, **kwargs):
        invitee = self.find_invitee(request, **kwargs)
        form = AnswerForm(invitee.round, request.POST)
        if not form.is_valid():
            return self._page(request, invitee, form, status=400)
        try:
            services.response_submit(
                invitee=invitee, answers=form.answers(), background=form.background()
            )
        except DomainError as error:
            messages.error(request, error.message)
            return self._page(request, invitee, form, status=400)
        messages.success(request, _("Thank you: your answers have been saved anonymously."))
        return redirect(request.path)


@method_decorator([login_not_required, never_cache], name="dispatch")
class TokenAnswerView(_AnswerView):
    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except services.RoundClosed as error:  # say so, but show nothing of the invitee
            survey_round = error.survey_round
            context = {
                "round": survey_round,
                "school": survey_round.questionnaire.process.school,
                "closed": True,
            }
            return render(request, "surveys/answer.html", context, status=410)

    def find_invitee(self, request, token):
        try:
            return services.invitee_for_token(token=token)
        except services.RoundClosed:
            raise
        except DomainError:
            raise Http404 from None


@method_decorator(never_cache, name="dispatch")
class SignedInAnswerView(_AnswerView):
    def find_invitee(self, request, round_pk):
        survey_round = selectors.round_get_for_user(user=request.user, pk=round_pk, perm=VIEW)
        invitee = services.invitee_for_user(survey_round=survey_round, user=request.user)
        if invitee is None:
            raise Http404
        return invitee


@require_GET
def results(request, pk):
    """The year's rounds (closed ones with enough answers) and the comparison over the years."""
    process = selectors.process_for_user(user=request.user, pk=pk, perm=VIEW)
    questionnaire = selectors.questionnaire_of(process)
    rounds = list(questionnaire.rounds.all()) if questionnaire else []
    managers = request.user.has_perm(MANAGE, process)
    shown = []
    for survey_round in rounds:
        result = selectors.round_results(survey_round)
        chart = charts.round_chart(result.dimensions, capfirst(survey_round.get_kind_display()))
        shown.append(
            {
                "result": result,
                "chart": chart,
                "turnout": selectors.turnout(survey_round),
                "labels": selectors.dimension_labels(survey_round.content),
            }
        )
    history = selectors.school_history(process.school)
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
