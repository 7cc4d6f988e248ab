"""The answer page of the workload survey: by personal link (no sign-in) or signed in. A
complete form, then "thank you"; earlier answers are never shown."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from werkdruk.domain_errors import shows_domain_error
from werkdruk.exceptions import DomainError

from ..forms.answers import AnswerForm
from ..models import SurveyParticipation, SurveyRound
from ..selectors.results import VIEW
from ..selectors.rounds import round_get_for_user
from ..services import answers as services


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
        with shows_domain_error(request=request) as attempt:
            services.response_submit(
                invitee=invitee, answers=form.answers(), background=form.background()
            )
        if attempt.failed:
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
        survey_round = round_get_for_user(user=request.user, pk=round_pk, perm=VIEW)
        invitee = services.invitee_for_user(survey_round=survey_round, user=request.user)
        if invitee is None:
            raise Http404
        return invitee
