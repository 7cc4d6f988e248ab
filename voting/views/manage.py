"""The PMR's pages for the vote on the agreement (step 4): prepare, open, follow, close.

The director sees the same pages read-only; the result page is for every participant of the
school, once the vote has closed. A vote whose closing time has passed is closed on the first
view of its page (the periodic task does the same).
"""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from processes.models import ProcessStep
from processes.selectors import process_get_for_user, process_step
from units.models import StaffMember
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from .. import selectors
from ..forms.manage import BASE_HELP, VoteForm, VoterAddForm
from ..models import Participation, Vote, Voter
from ..rules_text import rule_sentence
from ..services import closing, roll
from ..services import vote as vote_services
from ..services.common import AGREEMENT_STEP
from .common import close_if_due, vote_get_for_user

MANAGE = "voting.manage_vote"
VIEW = "voting.view_vote"
STEP = AGREEMENT_STEP

# What a vote is doing now, for the badge on the page. COUNTING: past its closing time but not
# counted yet (its key holders have not typed in their shares, or its key is lost).
DRAFT, SCHEDULED, OPEN, COUNTING, CLOSED = "draft", "scheduled", "open", "counting", "closed"


def _phase(vote, now) -> str:
    if vote.state == Vote.State.DRAFT:
        return DRAFT
    if vote.state == Vote.State.CLOSED:
        return CLOSED
    if now >= vote.closes_at:
        return COUNTING
    return SCHEDULED if now < vote.opens_at else OPEN


def _annotate(vote, now):
    vote.phase = _phase(vote, now)
    vote.rule_text = rule_sentence(vote)
    return vote


@require_GET
def vote_manage(request, pk):
    """Step 4's vote page: the current round with its buttons, and every earlier round."""
    process = process_get_for_user(user=request.user, pk=pk, perm=VIEW)
    votes = selectors.agreement_votes(process)
    due = [v for v in votes if v.state == Vote.State.OPEN and timezone.now() >= v.closes_at]
    if due:
        for vote in due:
            close_if_due(vote, request)
        # Closing moves the procedure on (step 4 done, or steps 1-3 reopened): read again.
        process = process_get_for_user(user=request.user, pk=pk, perm=VIEW)
        votes = selectors.agreement_votes(process)
    now = timezone.now()
    for vote in votes:
        _annotate(vote, now)
    step = process_step(process, STEP)
    current = votes[-1] if votes else None
    can_manage = request.user.has_perm(MANAGE, process)
    latest_agreement = process.agreements.order_by("-number").first()
    can_prepare = (
        can_manage
        and step.state == ProcessStep.State.OPEN
        and latest_agreement is not None
        and (current is None or current.state == Vote.State.CLOSED)
    )
    turnout = (
        selectors.vote_turnout(current)
        if current is not None and current.phase in (SCHEDULED, OPEN)
        else None
    )
    key = selectors.vote_key_panel(current, request.user) if current is not None else None
    return render(
        request,
        "voting/manage/vote_manage.html",
        {
            "process": process,
            "step": step,
            "current": current,
            "earlier": list(reversed(votes[:-1])),
            "can_manage": can_manage,
            "can_prepare": can_prepare,
            "latest_agreement": latest_agreement,
            "outdated": current is not None
            and current.state == Vote.State.DRAFT
            and latest_agreement is not None
            and current.agreement_id != latest_agreement.pk,
            "turnout": turnout,
            "everyone_voted": turnout is not None
            and turnout.total.voted >= turnout.total.eligible > 0,
            "key": key,
            "min_group": selectors.MIN_GROUP,
        },
    )


@require_GET
def vote_turnout(request, vote_pk):
    """The live turnout (htmx polls it every 30 seconds while the vote is open)."""
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=VIEW)
    _annotate(vote, timezone.now())
    return render(
        request,
        "voting/manage/_turnout.html",
        {
            "vote": vote,
            "turnout": selectors.vote_turnout(vote),
            "min_group": selectors.MIN_GROUP,
        },
    )


# --- preparing ---------------------------------------------------------------------------


def _form_kwargs(process) -> dict:
    return {"key_holder_candidates": selectors.key_holder_candidates(process)}


def _render_form(request, process, form, vote=None, status=200):
    return render(
        request,
        "voting/manage/vote_form.html",
        {
            "process": process,
            "step": process_step(process, STEP),
            "vote": vote,
            "form": form,
            # Each choice of what counts as 100%, with what it means.
            "base_options": [(radio, BASE_HELP[radio.data["value"]]) for radio in form["base"]],
        },
        status=status,
    )


def _save(request, process, form, call, vote=None):
    """Validate ``form`` and call the service; on a refusal show the form again (400)."""
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            call(**form.service_kwargs())
        if attempt.succeeded:
            return redirect("voting:vote-manage", pk=process.pk)
    return _render_form(request, process, form, vote, status=400)


@idempotent_post
def vote_create(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    if request.method != "POST":
        form = VoteForm(initial=VoteForm.initial_default(), **_form_kwargs(process))
        return _render_form(request, process, form)
    form = VoteForm(request.POST, **_form_kwargs(process))

    def call(**data):
        vote_services.vote_create(process=process, actor=request.user, **data)
        messages.success(
            request,
            _("The vote has been prepared. Check it, then fix the rule and open the vote."),
        )

    return _save(request, process, form, call)


def vote_edit(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    process = vote.process
    if vote.state != Vote.State.DRAFT:
        messages.error(request, _("The rule of a vote cannot change once the vote has opened."))
        return redirect("voting:vote-manage", pk=process.pk)
    if request.method != "POST":
        form = VoteForm(initial=VoteForm.initial_for(vote), **_form_kwargs(process))
        return _render_form(request, process, form, vote)
    form = VoteForm(request.POST, initial=VoteForm.initial_for(vote), **_form_kwargs(process))

    def call(**data):
        vote_services.vote_update_rule(vote=vote, actor=request.user, **data)
        messages.success(request, _("The vote has been saved."))

    return _save(request, process, form, call, vote)


@require_POST
def vote_open(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    with shows_domain_error(request=request) as attempt:
        vote = vote_services.vote_open(vote=vote, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _(
                "The vote is open: the rule and the voters' roll are fixed. Everyone on the "
                "roll gets a personal link by e-mail when voting starts."
            ),
        )
    return redirect("voting:vote-manage", pk=vote.process_id)


@require_POST
def vote_close(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    with shows_domain_error(request=request) as attempt:
        vote = closing.vote_close(vote=vote, actor=request.user)
    if attempt.failed:
        return redirect("voting:vote-manage", pk=vote.process_id)
    messages.success(request, _("The vote has been closed and counted."))
    return redirect("voting:vote-result", vote_pk=vote.pk)


@require_POST
def vote_cancel(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    with shows_domain_error(request=request) as attempt:
        closing.vote_cancel(vote=vote, actor=request.user, grounds=request.POST.get("grounds"))
    if attempt.succeeded:
        messages.success(request, _("The vote has been cancelled; its ballots are not counted."))
    return redirect("voting:vote-manage", pk=vote.process_id)


@require_POST
def vote_void(request, vote_pk):
    """Declare the vote void when its key is lost (recorded with the grounds)."""
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    with shows_domain_error(request=request) as attempt:
        closing.vote_void(vote=vote, actor=request.user, grounds=request.POST.get("grounds"))
    if attempt.succeeded:
        messages.success(
            request, _("The vote has been declared void. Prepare the next round to hold it again.")
        )
    return redirect("voting:vote-manage", pk=vote.process_id)


# --- the result --------------------------------------------------------------------------


def _appreciation_rows(vote) -> list[dict]:
    """Per question: its text, how many answered, the average and the 1-5 distribution."""
    rows = []
    for question in vote.questions.all():
        result = vote.appreciation_result.get(str(question.position)) or {}
        n = result.get("n", 0)
        counts = result.get("distribution") or [0] * 5
        rows.append(
            {
                "question": question,
                "n": n,
                "average": result.get("average"),
                "scores": [
                    {"score": score, "count": count, "max": max(n, 1)}
                    for score, count in enumerate(counts, start=1)
                ],
            }
        )
    return rows


@require_GET
def vote_result(request, vote_pk):
    """The result, for everyone of the school once the vote has closed."""
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk)
    if close_if_due(vote, request) is not vote:
        # Closed just now: read it again with its result and the procedure moved on.
        vote = vote_get_for_user(user=request.user, vote_pk=vote_pk)
    context = {
        "process": vote.process,
        "step": process_step(vote.process, STEP),
        "vote": _annotate(vote, timezone.now()),
        "hide_manage_link": not request.user.has_perm(VIEW, vote.process),
    }
    if vote.outcome in (Vote.Outcome.CANCELLED, Vote.Outcome.VOID):
        context["cancelled"] = True
    elif vote.state == Vote.State.CLOSED:
        counted = selectors.vote_counted(vote)
        context.update(
            {
                "counted": counted,
                "turnout": selectors.TurnoutRow("", vote.eligible_count, vote.cast_count),
                "appreciation": _appreciation_rows(vote),
            }
        )
    return render(request, "voting/manage/vote_result.html", context)


# --- the roll ----------------------------------------------------------------------------


def _addable_staff(vote):
    """Active staff of the school who are not on the roll."""
    return (
        StaffMember.objects.filter(school_id=vote.process.school_id, active=True)
        .exclude(voters__vote=vote)
        .order_by("name", "pk")
    )


def _render_roll(request, vote, add_form=None, status=200):
    voters = list(
        Voter.objects.filter(vote=vote)
        .select_related("staff_member")
        .annotate(voted=Exists(Participation.objects.filter(voter=OuterRef("pk"))))
        .order_by("staff_member__name", "pk")
    )
    is_open = vote.state == Vote.State.OPEN
    if add_form is None and is_open:
        add_form = VoterAddForm(staff=_addable_staff(vote))
    return render(
        request,
        "voting/manage/vote_roll.html",
        {
            "process": vote.process,
            "step": process_step(vote.process, STEP),
            "vote": _annotate(vote, timezone.now()),
            "voters": voters,
            "voted_count": sum(1 for v in voters if v.voted),
            "can_change": is_open,
            "add_form": add_form,
        },
        status=status,
    )


@require_GET
def vote_roll(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    return _render_roll(request, vote)


@require_POST
@idempotent_post
def voter_add(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    form = VoterAddForm(request.POST, staff=_addable_staff(vote))
    if form.is_valid():
        member = form.cleaned_data["staff_member"]
        with shows_domain_error(request=request) as attempt:
            roll.voter_add(
                vote=vote,
                staff_member=member,
                actor=request.user,
                grounds=form.cleaned_data["grounds"],
            )
        if attempt.succeeded:
            messages.success(
                request, _("%(name)s has been added to the roll.") % {"name": member.name}
            )
        return redirect("voting:vote-roll", vote_pk=vote.pk)
    return _render_roll(request, vote, form, status=400)


@require_POST
def voter_remove(request, vote_pk, voter_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    voter = get_object_or_404(Voter.objects.select_related("staff_member"), pk=voter_pk, vote=vote)
    with shows_domain_error(request=request) as attempt:
        roll.voter_remove(voter=voter, actor=request.user, grounds=request.POST.get("grounds"))
    if attempt.succeeded:
        messages.success(
            request,
            _("%(name)s has been taken off the roll.") % {"name": voter.staff_member.name},
        )
    return redirect("voting:vote-roll", vote_pk=vote.pk)
