"""Step 8: a unit that decides by vote approves its plan in a secret vote of its members.

The coordinator puts the plan's current version to the vote (``plan_vote_start``); the roll is
the unit's active members, frozen at opening, and they vote on the ordinary ballot pages (a
personal link by e-mail, or signed in). While the vote is open the plan is frozen
(``plan_vote_open``; the editing services refuse). Closing is voting's own (the coordinator
counts it once everyone voted or the time has passed, or the periodic task does); its result
reaches the plan through ``_plan_vote_closed``, registered with voting in ``register()``:
adopted approves exactly the version voted on; rejected or invalid approves nothing and the
members edit again. A later change or a return voids the approval (the editing services clear
it, a return raises the revision).

Only models, voting and the lower apps are imported here, so ``plans.selectors.unit_plan_state`` can
import ``plan_vote_open`` without a cycle.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep
from processes.services import decision_record, process_lock, require_perm
from units.models import WorkingMethod
from voting.models import Participation, Vote, Voter
from voting.rules_text import rule_sentence
from voting.selectors import KEY_LOST, MIN_GROUP, TurnoutRow, vote_counted
from voting.selectors import key_status as vote_key_status
from voting.services.closing import register_on_close, vote_cancel, vote_close, vote_void
from voting.services.unit_vote import unit_vote_open
from voting.subjects import register_ballot_subject
from werkdruk.exceptions import DomainError

from ..models import Measure, UnitPlan
from ..predicates import PLANS_STEP as STEP

KIND = Vote.Kind.UNIT_PLAN
COORDINATE = "units.coordinate_unit"
REMINDER_DAYS = (1,)  # members who have not voted are reminded the day before closing
BALLOT_TEMPLATE = "plans/unit_plans/_approval_vote_ballot.html"


def plan_vote_open(plan) -> bool:
    """Whether the unit is voting on ``plan`` now: the plan is frozen until the vote closes."""
    return Vote.objects.filter(unit_id=plan.unit_id, kind=KIND, state=Vote.State.OPEN).exists()


def plan_is_approved(plan) -> bool:
    """Whether the unit's vote approved the plan's current version."""
    return plan.approval_vote_id is not None and plan.approved_revision == plan.revision


def _decides_by_vote(unit) -> bool:
    try:
        return unit.working_method.decision_mode == WorkingMethod.DecisionMode.VOTE
    except WorkingMethod.DoesNotExist:
        return False


def start_refusal(plan, *, step, open_vote=None) -> str | None:
    """Why ``plan`` cannot be put to the unit's vote now, or None when it can."""
    if step is None or step.state != ProcessStep.State.OPEN:
        return _("Plans can only be changed while step %(number)s is open.") % {"number": STEP}
    if plan.state == UnitPlan.State.SUBMITTED:
        return _("The plan has been submitted: it can be changed again once it is returned.")
    if not _decides_by_vote(plan.unit):
        return _("The unit decides by consensus: its plan is not put to a vote.")
    if plan_vote_open(plan) if open_vote is None else open_vote:
        return _("The unit is already voting on this plan.")
    if plan_is_approved(plan):
        return _("The unit has already approved this version of the plan.")
    if not Measure.objects.filter(plan=plan).exists():
        return _("Add at least one measure before the unit votes on the plan.")
    return None


# --- services -----------------------------------------------------------------------------


def _locked(plan) -> tuple[UnitPlan, ProcessStep]:
    """Process, step 8 and plan locked in that order (as the plan's other decisions do)."""
    process = process_lock(plan.process_id)
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    plan = (
        UnitPlan.objects.select_for_update(of=("self",))
        .select_related("unit__working_method")
        .get(pk=plan.pk)
    )
    plan.process = step.process = process
    return plan, step


def _current_vote(plan) -> Vote | None:
    return Vote.objects.filter(unit_id=plan.unit_id, kind=KIND).order_by("-round").first()


@transaction.atomic
def plan_vote_start(
    *,
    plan,
    actor,
    closes_at,
    base=Vote.Base.YES_NO,
    numerator=1,
    denominator=2,
    quorum_percentage=None,
) -> Vote:
    """The coordinator puts the plan's current version to the unit's vote, open at once.

    Needs step 8 open, the plan not submitted, a unit that decides by vote, no vote open, at
    least one measure and this version not yet approved. The rule (what counts as 100%, the
    majority, an optional quorum) is fixed now; the roll is the unit's active members.
    Recorded (by voting) as a decision of step 8.
    """
    plan, step = _locked(plan)
    require_perm(actor, COORDINATE, plan.unit)
    refusal = start_refusal(plan, step=step)
    if refusal:
        raise DomainError(refusal)
    return unit_vote_open(
        unit=plan.unit,
        actor=actor,
        kind=KIND,
        subject_revision=plan.revision,
        closes_at=closes_at,
        base=base,
        numerator=numerator,
        denominator=denominator,
        quorum_percentage=quorum_percentage,
        reminder_days=REMINDER_DAYS,
    )


def _open_vote(plan) -> Vote:
    vote = Vote.objects.filter(unit_id=plan.unit_id, kind=KIND, state=Vote.State.OPEN).first()
    if vote is None:
        raise DomainError(_("The unit is not voting on its plan."))
    return vote


@transaction.atomic
def plan_vote_close(*, plan, actor) -> Vote:
    """The coordinator counts the unit's vote: once everyone voted, or after its closing time.

    A roll of fewer than ``MIN_GROUP`` is counted only after its closing time: counting early
    would tell the coordinator that everyone has voted, a turnout the school never shows for
    fewer than five people. The result reaches the plan through ``_plan_vote_closed``."""
    plan, _step = _locked(plan)
    require_perm(actor, COORDINATE, plan.unit)
    vote = _open_vote(plan)
    if timezone.now() < vote.closes_at and vote.voters.count() < MIN_GROUP:
        raise DomainError(
            _(
                "With fewer than %(min)s members on the roll the vote is counted at its "
                "closing time, so that nobody can tell who has voted."
            )
            % {"min": MIN_GROUP}
        )
    return vote_close(vote=vote, actor=actor)


@transaction.atomic
def plan_vote_cancel(*, plan, actor, grounds) -> Vote:
    """The coordinator stops the unit's vote uncounted (the plan must change first): the
    members can edit the plan again and a new round can be started."""
    plan, _step = _locked(plan)
    require_perm(actor, COORDINATE, plan.unit)
    vote = _open_vote(plan)
    if vote_key_status(vote) == KEY_LOST:  # it cannot be counted: on record as void
        return vote_void(vote=vote, actor=actor, grounds=grounds)
    return vote_cancel(vote=vote, actor=actor, grounds=grounds)


def _plan_vote_closed(vote, result, content, params, actor) -> None:
    """Voting's reaction on closing a unit's vote on its plan (in the closing transaction).

    Adopted: the plan is approved in exactly the version voted on (``approved_revision``); if
    the plan has changed since, that approval does not cover it (``plan_is_approved``).
    Rejected or invalid: nothing is approved; the closing decision records the result.
    """
    if result.outcome != Vote.Outcome.ADOPTED:
        return
    plan = UnitPlan.objects.select_for_update(of=("self",)).filter(unit_id=vote.unit_id).first()
    if plan is None:
        return
    plan.approval_vote = vote
    plan.approved_revision = vote.subject_revision
    plan.save(update_fields=["approval_vote", "approved_revision", "changed_at"])
    decision_record(
        process=vote.process,
        step_number=STEP,
        action="plans.unit_plan.approved",
        summary=gettext_noop(
            "The members of %(unit)s approved version %(revision)s of their plan "
            "in vote round %(round)s."
        ),
        params={"unit": vote.unit.name, "revision": vote.subject_revision, "round": vote.round},
        actor=actor,
        content={"vote": vote.pk, "unit": vote.unit_id, "revision": vote.subject_revision},
    )


# --- what the ballot and the plan page show -------------------------------------------------


def _ballot_subject(vote) -> dict:
    """The ballot's context: the plan as it is put to the vote (frozen while the vote is open)."""
    plan = UnitPlan.objects.select_related("unit").filter(unit_id=vote.unit_id).first()
    measures = list(Measure.objects.filter(plan=plan).select_related("category"))
    return {
        "plan": plan,
        "measures": measures,
        "total": sum((m.total_cost for m in measures), Decimal("0.00")),
        "plan_url": reverse("plans:unit-plan", args=[vote.process_id, vote.unit_id]),
    }


@dataclass(frozen=True)
class PlanVotePanel:
    """The approval vote's part of the plan page (``_approval_vote.html``)."""

    plan: UnitPlan
    vote: Vote | None  # the latest round, if any
    decides_by_vote: bool
    approved: bool  # the current version is approved
    is_coordinator: bool
    start_refusal: str | None  # why the coordinator cannot start a vote now
    voter: Voter | None  # the viewer's line on the roll of the open vote
    voted: bool
    turnout: TurnoutRow | None  # while open; only for a roll of at least MIN_GROUP
    counted: object  # the tally of a closed, counted vote
    rule_text: str
    due: bool  # open, and the closing time has passed or (a roll of 5 or more) all voted
    min_group: int = MIN_GROUP

    @property
    def is_open(self) -> bool:
        return self.vote is not None and self.vote.state == Vote.State.OPEN

    @property
    def can_start(self) -> bool:
        return self.is_coordinator and self.start_refusal is None

    @property
    def covers_current(self) -> bool:
        return self.vote is not None and self.vote.subject_revision == self.plan.revision


_UNREAD = object()


def plan_vote_panel(*, plan, user, step, vote=_UNREAD) -> PlanVotePanel | None:
    """The approval vote as ``user`` sees it on the plan page, or None for a unit that does
    not decide by vote and never voted. ``plan.unit`` with its working method, and ``step``
    (step 8), come loaded from the page; ``vote``, the unit's latest approval vote, when the
    page has read it (None: there is none). A fixed number of queries."""
    if vote is _UNREAD:
        vote = _current_vote(plan)
    if vote is not None and plan.approval_vote_id == vote.pk:
        plan.approval_vote = vote  # the page names its round: no second read of the same vote
    decides = _decides_by_vote(plan.unit)
    if vote is None and not decides:
        return None
    is_open = vote is not None and vote.state == Vote.State.OPEN
    is_coordinator = user.has_perm(COORDINATE, plan.unit)
    voter, voted, turnout, counted, due = None, False, None, None, False
    if is_open:
        voter = Voter.objects.filter(vote=vote, staff_member__user=user).first()
        voted = voter is not None and Participation.objects.filter(voter=voter).exists()
        eligible = vote.voters.count()
        cast = Participation.objects.filter(voter__vote=vote).count()
        if eligible >= MIN_GROUP:  # the turnout of fewer is never shown, not even "all"
            turnout = TurnoutRow("", eligible, cast)
        due = timezone.now() >= vote.closes_at or (turnout is not None and cast >= eligible)
    elif vote is not None and vote.outcome not in (Vote.Outcome.CANCELLED, Vote.Outcome.VOID):
        counted = vote_counted(vote)
    refusal = start_refusal(plan, step=step, open_vote=is_open) if is_coordinator else None
    return PlanVotePanel(
        plan=plan,
        vote=vote,
        decides_by_vote=decides,
        approved=plan_is_approved(plan),
        is_coordinator=is_coordinator,
        start_refusal=refusal,
        voter=voter,
        voted=voted,
        turnout=turnout,
        counted=counted,
        rule_text=rule_sentence(vote) if vote is not None else "",
        due=due,
    )


def register() -> None:
    """Wire the plan's vote into voting (from ``PlansConfig.ready()``, through plans.steps)."""
    register_on_close(KIND, _plan_vote_closed)
    register_ballot_subject(KIND, template=BALLOT_TEMPLATE, context=_ballot_subject)
