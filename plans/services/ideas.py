"""Writes of the ideas round (issue 18): before the unit plans, staff put forward what the
money should go to; the units see the ideas when they write their plan.

The director or the PMR opens the round (an opening and a closing date; changed later by
either). Between those dates (both included) every active staff member of the school puts
ideas forward, optionally with a measure category, supports another's idea once ("+1"), and
withdraws their own. A unit's members mark an idea as taken up in one of their measures while
their plan may be changed. Opening and changing the round are decisions of step 8; ideas and
support are not (they are shown without names).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep
from processes.services import decision_record, process_lock, require_perm
from units.models import StaffMember
from werkdruk.exceptions import DomainError

from ..models import Idea, IdeasRound, IdeaSupport, IdeaTakeUp, Measure, MeasureCategory
from ..selectors.unit_plan_state import edit_refusal

STEP = 8
MANAGE = "plans.manage_ideas_round"
PUT_FORWARD = "plans.put_forward_idea"
EDIT_PLAN = "plans.edit_unit_plan"
IDEA_MAX = 2000


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _author(actor, process) -> StaffMember:
    """The actor's active staff record at the process's school (PermissionDenied without)."""
    require_perm(actor, PUT_FORWARD, process)
    member = StaffMember.objects.filter(
        user=actor, school_id=process.school_id, active=True
    ).first()
    if member is None:
        raise PermissionDenied
    return member


def _require_open(ideas_round):
    today = timezone.localdate()
    if today < ideas_round.opens_on:
        raise DomainError(
            _("The ideas round opens on %(date)s.") % {"date": _date(ideas_round.opens_on)}
        )
    if today > ideas_round.closes_on:
        raise DomainError(
            _(
                "The ideas round closed on %(date)s: ideas can no longer be put forward, "
                "supported or withdrawn."
            )
            % {"date": _date(ideas_round.closes_on)}
        )


def _locked_idea(idea) -> Idea:
    pk = getattr(idea, "pk", idea)
    process_id = Idea.objects.filter(pk=pk).values_list("round__process_id", flat=True).first()
    if process_id is None:
        raise DomainError(_("This idea no longer exists."))
    process = process_lock(process_id)
    locked = Idea.objects.select_for_update().select_related("round").get(pk=pk)
    locked.round.process = process
    return locked


@transaction.atomic
def ideas_round_open(*, process, actor, opens_on, closes_on) -> IdeasRound:
    """Open the ideas round of ``process`` (or change its dates). The director or the PMR,
    while step 8 (the unit plans) is not yet done or skipped; the closing date is not before
    the opening date nor in the past."""
    process = process_lock(process)
    require_perm(actor, MANAGE, process)
    step = ProcessStep.objects.filter(process=process, number=STEP).first()
    if step is not None and step.is_finished:
        raise DomainError(
            _("The unit plans (step %(number)s) are finished: an ideas round is no longer useful.")
            % {"number": STEP}
        )
    if not isinstance(opens_on, datetime.date) or not isinstance(closes_on, datetime.date):
        raise DomainError(_("Give an opening and a closing date."))
    if closes_on < opens_on:
        raise DomainError(_("The closing date cannot be before the opening date."))
    if closes_on < timezone.localdate():
        raise DomainError(_("The closing date cannot be in the past."))
    ideas_round = IdeasRound.objects.select_for_update().filter(process=process).first()
    first = ideas_round is None
    if first:
        ideas_round = IdeasRound(process=process, opened_at=timezone.now(), opened_by=actor)
    elif (ideas_round.opens_on, ideas_round.closes_on) == (opens_on, closes_on):
        return ideas_round
    ideas_round.opens_on, ideas_round.closes_on = opens_on, closes_on
    ideas_round.save()
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.ideas_round.opened" if first else "plans.ideas_round.changed",
        summary=(
            gettext_noop("Ideas round opened: from %(opens)s to %(closes)s.")
            if first
            else gettext_noop("Ideas round changed: from %(opens)s to %(closes)s.")
        ),
        params={"opens": opens_on.isoformat(), "closes": closes_on.isoformat()},
        actor=actor,
        content={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
    )
    return ideas_round


@transaction.atomic
def idea_put_forward(*, process, actor, text, category=None) -> Idea:
    """Put an idea forward in the open ideas round of ``process``: an active staff member of
    the school, while the round is open."""
    process = process_lock(process)
    author = _author(actor, process)
    ideas_round = IdeasRound.objects.filter(process=process).first()
    if ideas_round is None:
        raise DomainError(_("There is no ideas round in this process."))
    _require_open(ideas_round)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your idea."))
    if len(text) > IDEA_MAX:
        raise DomainError(
            _("An idea has at most %(max)s characters; this one has %(count)s.")
            % {"max": IDEA_MAX, "count": len(text)}
        )
    if category is not None and not isinstance(category, MeasureCategory):
        category = MeasureCategory.objects.filter(pk=category).first()
        if category is None:
            raise DomainError(_("Choose one of the categories."))
    return Idea.objects.create(
        round=ideas_round, author=author, text=text, category=category, created_at=timezone.now()
    )


@transaction.atomic
def idea_withdraw(*, idea, actor) -> None:
    """Withdraw (delete) an own idea while the round is open."""
    idea = _locked_idea(idea)
    author = _author(actor, idea.round.process)
    if idea.author_id != author.pk:
        raise PermissionDenied
    _require_open(idea.round)
    if idea.take_ups.exists():
        raise DomainError(
            _("A unit has taken this idea up in its plan: it can no longer be withdrawn.")
        )
    idea.delete()


@transaction.atomic
def idea_support(*, idea, actor) -> IdeaSupport:
    """Support another's idea ("+1"), once per staff member, while the round is open."""
    idea = _locked_idea(idea)
    member = _author(actor, idea.round.process)
    _require_open(idea.round)
    if idea.author_id == member.pk:
        raise DomainError(_("This is your own idea."))
    if IdeaSupport.objects.filter(idea=idea, staff_member=member).exists():
        raise DomainError(_("You already support this idea."))
    try:
        with transaction.atomic():
            return IdeaSupport.objects.create(
                idea=idea, staff_member=member, created_at=timezone.now()
            )
    except IntegrityError:
        raise DomainError(_("You already support this idea.")) from None


@transaction.atomic
def idea_take_up(*, idea, measure, actor) -> IdeaTakeUp:
    """Mark ``idea`` as taken up in ``measure`` (of a unit plan of the same process): a
    member of the measure's unit, while the plan may be changed."""
    idea = _locked_idea(idea)
    process = idea.round.process
    pk = getattr(measure, "pk", measure)
    measure = (
        Measure.objects.select_related("plan__unit").filter(pk=pk, plan__process=process).first()
    )
    if measure is None:
        raise DomainError(_("Choose one of the unit's measures."))
    plan = measure.plan
    plan.process = process
    require_perm(actor, EDIT_PLAN, plan)
    refusal = edit_refusal(plan)
    if refusal:
        raise DomainError(refusal)
    take_up, created = IdeaTakeUp.objects.get_or_create(
        idea=idea, measure=measure, defaults={"marked_at": timezone.now(), "marked_by": actor}
    )
    if not created:
        raise DomainError(_("This idea is already marked as taken up in this measure."))
    return take_up
