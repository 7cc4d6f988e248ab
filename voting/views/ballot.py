"""The ballot: a voter on the roll casts one secret vote, with a personal code or signed in.

The protocol (the benchmark and the parallel-request test rely on it): GET shows the ballot;
POST ``stage=review`` shows what was chosen for confirmation; POST ``stage=cast`` casts it and
answers 200 with the receipt code (once). Already voted: 409. Unknown code: 404. Closed: 410.
Invalid input: 400 with the ballot again. Ballot and receipt pages are never cached.
"""

from functools import partial

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from processes import agreement
from werkdruk.domain_errors import shows_domain_error
from werkdruk.exceptions import DomainError

from ..forms.ballot import BallotForm, CodeEntryForm, ReceiptCheckForm
from ..models import Participation, Vote
from ..rules_text import rule_sentence
from ..selectors import BALLOT_CACHE_SECONDS, ballot_cache_key, ballot_questions
from ..services import casting
from ..services.common import AlreadyVoted, VoteClosed, normalise_code
from ..subjects import ballot_subject
from .common import close_if_due

NOTICE = "voting/ballot/notice.html"
BALLOT = "voting/ballot/ballot.html"
# The same page for a voter who is not signed in, its layout cached per vote and language.
BALLOT_VOTER = "voting/ballot/ballot_voter.html"


class _Stop(Exception):  # noqa: N818 - not an error: a page to show instead of the ballot
    """Ends the ballot flow early with a page (not found, closed, voted, not open yet)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def _notice(request, kind, message, *, vote=None, status=200):
    """A page with one message: ``kind`` is not_found, refused, closed, voted or not_open."""
    context = {"kind": kind, "message": message, "vote": vote}
    return render(request, NOTICE, context, status=status)


def _vote_for_participant(user, vote_pk) -> Vote | None:
    """The vote with its school and agreement, if ``user`` may see its process."""
    vote = (
        Vote.objects.select_related("process__school", "agreement", "unit")
        .defer("agreement__content")  # the ballot shows it from the cache
        .filter(pk=vote_pk, process__isnull=False)
        .first()
    )
    if vote is None or not user.has_perm("processes.view_process", vote.process):
        return None
    return vote


class _BallotView(View):
    """GET shows the ballot, POST reviews or casts it; subclasses find the voter."""

    def find_voter(self, request, **kwargs):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        try:
            self.voter = self.find_voter(request, **kwargs)
            self.vote = self.voter.vote
            self._check_state(request)
            return super().dispatch(request, *args, **kwargs)
        except _Stop as stop:
            return stop.response

    def _check_state(self, request):
        """Stop unless the vote takes this voter's ballot now."""
        vote, post = self.vote, request.method == "POST"
        if vote.state == Vote.State.OPEN and timezone.now() >= vote.closes_at:
            vote = self.vote = close_if_due(vote)
        if vote.state == Vote.State.CLOSED or timezone.now() >= vote.closes_at:
            raise _Stop(
                _notice(request, "closed", _("This vote has closed."), vote=vote, status=410)
            )
        if vote.state == Vote.State.DRAFT or timezone.now() < vote.opens_at or not vote.keys_ready:
            status = 403 if post else 200
            raise _Stop(_notice(request, "not_open", "", vote=vote, status=status))
        voted = getattr(self.voter, "voted", None)  # read with the code (voter_for_token)
        if voted is None:
            voted = Participation.objects.filter(voter=self.voter).exists()
        if voted:
            status = 409 if post else 200
            raise _Stop(
                _notice(request, "voted", gettext(casting.ALREADY_VOTED), vote=vote, status=status)
            )

    def _questions(self):
        """The vote's appreciation questions, read once per request."""
        if not hasattr(self, "questions"):
            self.questions = ballot_questions(self.vote)
        return self.questions

    def _form(self, data=None, initial=None):
        return BallotForm(
            data,
            initial=initial,
            questions=self._questions(),
            kind=self.vote.kind,
            vote=self.vote,
        )

    def _render(self, request, template, form, status=200, *, unfilled=None, **extra):
        """``unfilled``: the form is unbound without initial data (asked of ``form`` if None)."""
        vote = self.vote
        # What every voter of an opened vote sees the same (the vote, its rule and text, the
        # unfilled fields) is cached per vote and language by the templates; the functions
        # below run only when it is not.
        about_key = ballot_cache_key("page", vote)
        if about_key:
            about_key = f"{about_key}:{translation.get_language()}"
        if unfilled is None:
            unfilled = not form.is_bound and not form.initial
        context = {
            "vote": vote,
            "school": vote.process.school if vote.process else None,
            "agreement": vote.agreement,
            "agreement_html": partial(agreement.version_body_html, vote.agreement)
            if vote.agreement and template == BALLOT
            else "",
            "subject": SimpleLazyObject(partial(ballot_subject, vote)),
            "rule": partial(rule_sentence, vote),
            "voter": self.voter,
            "form": form,
            "post_url": request.path,
            "about_key": about_key,
            "fields_key": about_key if unfilled else None,
            **extra,
        }
        if template == BALLOT and about_key and not request.user.is_authenticated:
            template = BALLOT_VOTER  # the same HTML; its layout from the cache
        return render(request, template, context, status=status)

    def get(self, request, **kwargs):
        # Unfilled, the form's fields come from the cache: built only when they do not.
        return self._render(request, BALLOT, SimpleLazyObject(self._form), unfilled=True)

    def post(self, request, **kwargs):
        stage = request.POST.get("stage")
        if stage not in ("review", "cast"):  # "Change my choices" on the review page
            initial = request.POST.dict()
            if "selection" in request.POST:
                initial["selection"] = request.POST.getlist("selection")
            form = self._form(initial=initial)
            return self._render(request, BALLOT, form)
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(request, BALLOT, form, status=400)
        if stage == "review":
            return self._render(request, "voting/ballot/review.html", form, summary=form.summary())
        try:
            receipt = casting.ballot_cast(
                vote=self.vote,
                voter=self.voter,
                choice=form.cleaned_data["choice"],
                appreciation=form.appreciation(),
                selection=form.selection(),
                questions=self._questions(),
            )
        except AlreadyVoted as error:
            return _notice(request, "voted", error.message, vote=self.vote, status=409)
        except DomainError as error:
            self.vote.refresh_from_db(fields=["state", "opens_at", "closes_at"])
            try:
                self._check_state(request)  # it closed in the meantime
            except _Stop as stop:
                return stop.response
            form.add_error(None, error.message)
            return self._render(request, BALLOT, form, status=400)
        check_url = request.build_absolute_uri(reverse("voting:receipt-check", args=[self.vote.pk]))
        # The receipt around its code is the same for every voter of the vote: cached per
        # vote, language and address (the check link), like the ballot page's parts.
        receipt_key = ballot_cache_key("receipt", self.vote)
        context = {
            "vote": self.vote,
            "receipt": receipt,
            "check_url": check_url,
            "receipt_key": f"{receipt_key}:{translation.get_language()}" if receipt_key else "",
            "receipt_seconds": BALLOT_CACHE_SECONDS if receipt_key else 0,
        }
        return render(request, "voting/ballot/receipt.html", context)


@method_decorator([login_not_required, never_cache], name="dispatch")
class TokenBallotView(_BallotView):
    """The ballot behind a personal code (the e-mailed link or the code typed in)."""

    def find_voter(self, request, token):
        try:
            return casting.voter_for_token(token=token)
        except VoteClosed as error:
            raise _Stop(_notice(request, "closed", error.message, status=410)) from None
        except DomainError as error:
            raise _Stop(_notice(request, "not_found", error.message, status=404)) from None


@method_decorator(never_cache, name="dispatch")
class SignedInBallotView(_BallotView):
    """The ballot for a signed-in staff member on the roll, without a code."""

    def find_voter(self, request, vote_pk):
        vote = _vote_for_participant(request.user, vote_pk)
        if vote is None:
            message = _("This vote does not exist or is not one of your school's.")
            raise _Stop(_notice(request, "not_found", message, status=404))
        voter = casting.voter_for_user(vote=vote, user=request.user)
        if voter is None:
            if vote.state == Vote.State.DRAFT:
                raise _Stop(_notice(request, "not_open", "", vote=vote))
            message = _("You are not on the voters' roll of this vote.")
            raise _Stop(_notice(request, "refused", message, vote=vote, status=403))
        voter.vote = vote
        return voter


ballot_token = TokenBallotView.as_view()
ballot = SignedInBallotView.as_view()


@login_not_required
def code_entry(request):
    """Type the personal code from the e-mail or the printed sheet; on to its ballot."""
    form = CodeEntryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            code = normalise_code(form.cleaned_data["code"])
            if code:
                return redirect("voting:ballot-token", token=code)
            form.add_error("code", _("Type the code from your e-mail or sheet."))
        return render(request, "voting/ballot/code_entry.html", {"form": form}, status=400)
    return render(request, "voting/ballot/code_entry.html", {"form": form})


@never_cache
def receipt_check(request, vote_pk):
    """After closing: is this receipt code among the counted ballots? Reveals no choice."""
    vote = _vote_for_participant(request.user, vote_pk)
    if vote is None:
        message = _("This vote does not exist or is not one of your school's.")
        return _notice(request, "not_found", message, status=404)
    vote = close_if_due(vote)
    form = ReceiptCheckForm(request.POST or None)
    counted, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            with shows_domain_error(form=form):
                counted = casting.receipt_check(vote=vote, code=form.cleaned_data["code"])
        if not form.is_valid():
            status = 400
    context = {
        "vote": vote,
        "school": vote.process.school,
        "form": form,
        "counted": counted,
        "closed": vote.state == Vote.State.CLOSED,
    }
    return render(request, "voting/ballot/receipt_check.html", context, status=status)
