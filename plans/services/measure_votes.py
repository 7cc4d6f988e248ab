"""Step 8: a unit chooses its measures by a secret vote within its budget.

The coordinator puts candidate measures with their costs to the unit's members
(``measures_vote_start``): the plan's measures, and options typed in on the set-up page. The
opening, the roll (the unit's active members), the budget fixed at opening, the sealed ballots
with their selection, the receipts, the reminders and the count are voting's
(``voting.services.unit_vote``, ``voting.services.measures``, ``voting.tally.measures_tally``).
Once counted, the unit takes the chosen set into its plan in one step
(``measures_choice_apply``): the plan's measures that were chosen are marked, the chosen
options typed in become measures of the plan.

Unlike the vote on the plan, this vote does not freeze the plan: the options are a snapshot.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep
from processes.services import decision_record, require_perm
from voting.models import Participation, Vote, VoteOption, Voter
from voting.selectors import KEY_LOST, MIN_GROUP, TurnoutRow
from voting.selectors import key_status as vote_key_status
from voting.services.closing import vote_cancel, vote_close, vote_void
from voting.services.unit_vote import unit_vote_open
from werkdruk.exceptions import DomainError

from ..models import Measure, MeasureCategory, UnitPlan
from ..predicates import PLANS_STEP as STEP
from ..selectors.unit_plan_state import edit_refusal
from .unit_plan_votes import KIND as APPROVAL_KIND
from .unit_plan_votes import _locked
from .unit_plans import MeasureData, measure_create

KIND = Vote.Kind.UNIT_MEASURES
COORDINATE = "units.coordinate_unit"
REMINDER_DAYS = (1,)
WRITE_IN_CATEGORY = "other"  # a chosen option typed in becomes a measure of this category


def current_vote(plan) -> Vote | None:
    """The unit's latest choice of measures (any state), if any."""
    return Vote.objects.filter(unit_id=plan.unit_id, kind=KIND).order_by("-round").first()


def _open_vote(plan) -> Vote:
    vote = Vote.objects.filter(unit_id=plan.unit_id, kind=KIND, state=Vote.State.OPEN).first()
    if vote is None:
        raise DomainError(_("The unit is not choosing its measures by vote now."))
    return vote


def start_refusal(plan, *, step) -> str | None:
    """Why the coordinator cannot put measures to the unit's vote now, or None."""
    if step is None or step.state != ProcessStep.State.OPEN:
        return _("Plans can only be changed while step %(number)s is open.") % {"number": STEP}
    if plan.state == UnitPlan.State.SUBMITTED:
        return _("The plan has been submitted: it can be changed again once it is returned.")
    if Vote.objects.filter(unit_id=plan.unit_id, kind=KIND, state=Vote.State.OPEN).exists():
        return _("The unit is already choosing its measures by vote.")
    if plan.unit.amount is None:
        return _("%(unit)s has no budget yet: the budget split must give it an amount first.") % {
            "unit": plan.unit.name
        }
    return None


def _options(plan, measure_ids, extra) -> list[dict]:
    """The plan's measures chosen as options (in the plan's order, their total cost), then the
    options typed in (title and cost)."""
    ids = {int(i) for i in measure_ids or []}
    measures = list(Measure.objects.filter(plan=plan, pk__in=ids).order_by("order", "pk"))
    if len(measures) != len(ids):
        raise DomainError(_("Only measures of this unit's plan can be options."))
    options = [{"title": m.title, "cost": m.total_cost, "measure_id": m.pk} for m in measures]
    return options + [
        {"title": o.get("title"), "cost": o.get("cost"), "measure_id": None} for o in extra or []
    ]


@transaction.atomic
def measures_vote_start(
    *, plan, actor, closes_at, measure_ids=(), extra_options=(), quorum_percentage=None
) -> Vote:
    """The coordinator opens the unit's choice of measures within its budget, at once.

    Options: the plan's measures named by ``measure_ids`` (title and total cost as they are
    now) and ``extra_options`` typed in ({"title", "cost"}); at least two. The budget is the
    unit's amount from the budget split, fixed now; so are the options and the roll.
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
        quorum_percentage=quorum_percentage,
        reminder_days=REMINDER_DAYS,
        options=_options(plan, measure_ids, extra_options),
    )


@transaction.atomic
def measures_vote_close(*, plan, actor) -> Vote:
    """The coordinator counts the choice: once everyone voted (a roll of at least
    ``MIN_GROUP``), or after its closing time; as the vote on the plan."""
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
def measures_vote_cancel(*, plan, actor, grounds) -> Vote:
    """The coordinator stops the choice uncounted (void when its key is lost)."""
    plan, _step = _locked(plan)
    require_perm(actor, COORDINATE, plan.unit)
    vote = _open_vote(plan)
    if vote_key_status(vote) == KEY_LOST:
        return vote_void(vote=vote, actor=actor, grounds=grounds)
    return vote_cancel(vote=vote, actor=actor, grounds=grounds)


def applied(plan, vote) -> bool:
    return Measure.objects.filter(plan=plan, chosen_in_vote=vote).exists()


@transaction.atomic
def measures_choice_apply(*, plan, actor) -> list[Measure]:
    """Take the chosen set of the unit's latest counted choice into its plan, once.

    For a unit member who may edit the plan, while it may be edited. The plan's measures
    that were chosen are marked (``Measure.chosen_in_vote``); a chosen option that was typed
    in becomes a measure (category "other", a fixed amount in the process's school year, to
    be completed by the unit); an option whose measure has since been deleted is written in
    the same way. Measures that were not chosen stay in the plan, unmarked: the unit decides
    whether to remove them. Returns the chosen measures.
    """
    plan, step = _locked(plan)
    require_perm(actor, "plans.edit_unit_plan", plan)
    vote = current_vote(plan)
    if vote is None or vote.state != Vote.State.CLOSED or vote.outcome != Vote.Outcome.ADOPTED:
        raise DomainError(_("The unit has no counted choice of measures to take into its plan."))
    if applied(plan, vote):
        raise DomainError(_("The chosen measures are already in the plan."))
    refusal = edit_refusal(plan, step)
    if refusal:
        raise DomainError(refusal)
    chosen = set(vote.measures_result.get("chosen") or [])
    options = [o for o in vote.options.order_by("position") if o.position in chosen]
    existing = {
        m.pk: m
        for m in Measure.objects.select_for_update().filter(
            plan=plan, pk__in=[o.measure_id for o in options if o.measure_id]
        )
    }
    marked = []
    for option in options:
        measure = existing.get(option.measure_id)
        if measure is None:
            measure = measure_create(plan=plan, actor=actor, data=_write_in(plan, option))
        measure.chosen_in_vote = vote
        measure._history_user = actor
        measure.save(update_fields=["chosen_in_vote", "changed_at"])
        marked.append(measure)
    decision_record(
        process=plan.process,
        step_number=STEP,
        action="plans.unit_plan.measures_chosen",
        summary=gettext_noop(
            "%(unit)s took the %(count)s measures chosen in vote round %(round)s into its plan."
        ),
        params={"unit": plan.unit.name, "count": len(marked), "round": vote.round},
        actor=actor,
        content={
            "vote": vote.pk,
            "unit": plan.unit_id,
            "measures": [m.pk for m in marked],
            "written_in": [m.pk for m in marked if m.pk not in existing],
        },
    )
    return marked


def _write_in(plan, option: VoteOption) -> MeasureData:
    category = (
        MeasureCategory.objects.filter(code=WRITE_IN_CATEGORY).first()
        or MeasureCategory.objects.first()
    )
    year = plan.process.school_year.start_year
    return MeasureData(
        title=option.title,
        category=category,
        cost_type=Measure.CostType.FIXED,
        amount=option.cost,
        first_year=year,
        last_year=year,
    )


# --- what the pages show ----------------------------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    option: VoteOption
    votes: int | None  # after counting
    chosen: bool


@dataclass(frozen=True)
class MeasuresVotePanel:
    """The unit's choice of measures as a user sees it (the vote page and the plan page)."""

    plan: UnitPlan
    vote: Vote | None
    rows: list
    is_coordinator: bool
    can_edit: bool
    start_refusal: str | None
    voter: Voter | None
    voted: bool
    turnout: TurnoutRow | None
    due: bool
    applied: bool
    min_group: int = MIN_GROUP

    @property
    def is_open(self) -> bool:
        return self.vote is not None and self.vote.state == Vote.State.OPEN

    @property
    def counted(self) -> bool:
        return (
            self.vote is not None
            and self.vote.state == Vote.State.CLOSED
            and self.vote.outcome not in (Vote.Outcome.CANCELLED, Vote.Outcome.VOID)
        )

    @property
    def chosen_total(self) -> Decimal:
        return sum((r.option.cost for r in self.rows if r.chosen), Decimal("0.00"))

    @property
    def can_apply(self) -> bool:
        return (
            self.can_edit
            and self.counted
            and self.vote.outcome == Vote.Outcome.ADOPTED
            and not self.applied
        )


def _rows(vote) -> list[OptionRow]:
    result = vote.measures_result or {}
    votes = result.get("votes") or {}
    chosen = set(result.get("chosen") or [])
    return [
        OptionRow(o, votes.get(str(o.position)), o.position in chosen) for o in vote.options.all()
    ]


@dataclass(frozen=True)
class MeasuresVoteSummary:
    """The plan page's block: the unit's latest choice of measures, if any (two queries)."""

    vote: Vote | None
    rows: list

    @property
    def counted(self) -> bool:
        return (
            self.vote is not None
            and self.vote.state == Vote.State.CLOSED
            and self.vote.outcome not in (Vote.Outcome.CANCELLED, Vote.Outcome.VOID)
        )

    @property
    def chosen_total(self) -> Decimal:
        return sum((r.option.cost for r in self.rows if r.chosen), Decimal("0.00"))


_UNREAD = object()


def latest_plan_votes(plan) -> tuple[Vote | None, Vote | None]:
    """The latest approval vote and the latest choice of measures of ``plan``'s unit, in one
    query (the plan page shows both)."""
    latest: dict[str, Vote] = {}
    for vote in Vote.objects.filter(unit_id=plan.unit_id, kind__in=(APPROVAL_KIND, KIND)).order_by(
        "-round", "-pk"
    ):
        latest.setdefault(vote.kind, vote)
    return latest.get(APPROVAL_KIND), latest.get(KIND)


def measures_vote_summary(plan, vote=_UNREAD) -> MeasuresVoteSummary:
    """``vote``: the unit's latest choice of measures when the caller has read it (None: there
    is none)."""
    if vote is _UNREAD:
        vote = Vote.objects.filter(unit_id=plan.unit_id, kind=KIND).order_by("-round").first()
    if vote is not None:
        prefetch_related_objects([vote], "options")
    return MeasuresVoteSummary(vote=vote, rows=_rows(vote) if vote is not None else [])


def measures_vote_panel(*, plan, user, step) -> MeasuresVotePanel:
    """The latest choice of measures of ``plan``'s unit as ``user`` sees it."""
    vote = current_vote(plan)
    is_coordinator = user.has_perm(COORDINATE, plan.unit)
    can_edit = user.has_perm("plans.edit_unit_plan", plan)
    voter, voted, turnout, due, rows, done = None, False, None, False, [], False
    if vote is not None:
        rows = _rows(vote)
        if vote.state == Vote.State.OPEN:
            voter = Voter.objects.filter(vote=vote, staff_member__user=user).first()
            voted = voter is not None and Participation.objects.filter(voter=voter).exists()
            eligible = vote.voters.count()
            cast = Participation.objects.filter(voter__vote=vote).count()
            if eligible >= MIN_GROUP:
                turnout = TurnoutRow("", eligible, cast)
            due = timezone.now() >= vote.closes_at or (turnout is not None and cast >= eligible)
        elif vote.state == Vote.State.CLOSED:
            done = applied(plan, vote)
    refusal = start_refusal(plan, step=step) if is_coordinator else None
    return MeasuresVotePanel(
        plan=plan,
        vote=vote,
        rows=rows,
        is_coordinator=is_coordinator,
        can_edit=can_edit,
        start_refusal=refusal,
        voter=voter,
        voted=voted,
        turnout=turnout,
        due=due,
        applied=done,
    )
