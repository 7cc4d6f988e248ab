"""Every change to a process goes through these functions.

Each service runs in one transaction, locks the rows it changes, checks permission and
state, and writes a Decision. Nothing here is derived from the clock: a step is done
because a service recorded it.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

from . import registry
from .mail import board_mail
from .models import Decision, Process, ProcessStep, School, SchoolRole, SignOff, StepReminder
from .predicates import is_director, is_pmr_member, is_steering_member
from .registry import Actor, Completion

logger = logging.getLogger(__name__)

# Days each step takes in the default schedule (steps 5 and 6 run side by side).
DEFAULT_STEP_DAYS = {1: 14, 2: 14, 3: 14, 4: 21, 5: 14, 6: 14, 7: 21, 8: 49, 9: 14, 10: 7, 11: 21}


def process_lock(process) -> Process:
    """``process`` (or its pk) read again and locked for the rest of the transaction."""
    pk = getattr(process, "pk", process)
    return (
        Process.objects.select_for_update()
        .select_related("school__board", "school_year")
        .get(pk=pk)
    )


def require_perm(actor, perm, obj):
    """Raise PermissionDenied unless ``actor`` has ``perm`` on ``obj`` (services check again)."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _role_label(actor, school) -> str:
    roles = SchoolRole.objects.filter(user=actor, school=school).order_by("role")
    with translation.override(settings.LANGUAGE_CODE):
        return ", ".join(str(role.get_role_display()) for role in roles)


def in_school_language(message, params=None, *, school=None) -> str:
    """``message`` (a msgid) translated into the school's language, with ``params`` filled in.

    The language is ``school.language`` when the school is known, else the site's default."""
    language = getattr(school, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        text = gettext(message)
        if not params:
            return text
        return text % {
            key: date_format(value) if isinstance(value, datetime.date) else str(value)
            for key, value in params.items()
        }


def decision_record(
    *,
    process,
    action,
    summary,
    params=None,
    actor=None,
    step_number=None,
    content=None,
    grounds="",
) -> Decision:
    """Write one immutable decision of ``process`` (who, when, what, on what grounds).

    ``summary`` is a msgid (marked with gettext_noop) and ``params`` its placeholders: the text
    is stored in the school's language, whatever language the person recording it uses, so the
    decision list reads as one document.
    """
    return Decision.objects.create(
        board_id=process.school.board_id,
        school=process.school,
        process=process,
        step_number=step_number,
        action=action,
        summary=in_school_language(summary, params, school=process.school),
        content=content or {},
        grounds=grounds,
        actor=actor,
        actor_name=(
            str(actor)
            if actor
            else in_school_language(gettext_noop("the system"), school=process.school)
        ),
        actor_role=_role_label(actor, process.school) if actor else "",
    )


BOARD_ADMINISTRATOR = gettext_noop("board administrator")


def board_decision_record(
    *,
    board,
    school_year,
    action,
    summary,
    params=None,
    actor=None,
    content=None,
    grounds="",
    actor_role=BOARD_ADMINISTRATOR,
) -> Decision:
    """Write one immutable decision of a board (step 0), in the school language. ``actor_role``
    (a gettext_noop msgid) names the role the actor acted in."""
    return Decision.objects.create(
        board=board,
        step_number=0,
        action=action,
        summary=in_school_language(summary, {"year": school_year, **(params or {})}),
        content={"school_year": str(school_year), **(content or {})},
        grounds=grounds,
        actor=actor,
        actor_name=str(actor) if actor else in_school_language(gettext_noop("the system")),
        actor_role=in_school_language(actor_role) if actor else "",
    )


def default_planned_dates(school_year, today=None) -> dict[int, datetime.date]:
    """A workable schedule: starts mid-September of the year before, or today if later."""
    today = today or timezone.localdate()
    day = max(today, datetime.date(school_year.start_year - 1, 9, 15))
    dates = {}
    for number in sorted(registry.STEPS):
        if number == 6:  # runs alongside step 5
            dates[6] = dates[5]
            continue
        day += datetime.timedelta(days=DEFAULT_STEP_DAYS[number])
        dates[number] = day
    return dates


def one_year_later(day: datetime.date | None) -> datetime.date | None:
    """The same date a year on (28 February for 29 February); None stays None."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def process_create(
    *, school, school_year, actor, kind=Process.Kind.FULL, copy_from=None, reminder_lead_days=7
) -> Process:
    """Start the procedure for ``school`` in ``school_year``; step 1 opens at once.

    With ``copy_from`` (the same school's process of the previous year) its set-up is
    copied: kind, reminder lead time, agreed actors and planned dates one year on, and
    whatever feature apps copy through their registered hooks.
    """
    require_perm(actor, "processes.manage_process", school)
    School.objects.select_for_update().get(pk=school.pk)
    if Process.objects.filter(school=school, school_year=school_year).exists():
        raise DomainError(
            _("%(school)s already has a process for %(year)s.")
            % {"school": school, "year": school_year}
        )
    if copy_from is not None and (
        copy_from.school_id != school.pk
        or copy_from.school_year.start_year != school_year.start_year - 1
    ):
        raise DomainError(_("A process can only be copied from the same school's previous year."))

    if copy_from is not None:
        kind = copy_from.kind
        reminder_lead_days = copy_from.reminder_lead_days
    process = Process.objects.create(
        school=school,
        school_year=school_year,
        kind=kind,
        created_from=copy_from,
        reminder_lead_days=reminder_lead_days,
    )
    planned = default_planned_dates(school_year)
    previous = {s.number: s for s in copy_from.steps.all()} if copy_from else {}
    now = timezone.now()
    steps = []
    for number in sorted(registry.STEPS):
        old = previous.get(number)
        steps.append(
            ProcessStep(
                process=process,
                number=number,
                state=ProcessStep.State.OPEN if number == 1 else ProcessStep.State.LOCKED,
                opened_at=now if number == 1 else None,
                planned_date=one_year_later(old.planned_date) if old else planned[number],
                agreed_actor=old.agreed_actor if old else "",
                agreed_actor_detail=old.agreed_actor_detail if old else "",
            )
        )
    ProcessStep.objects.bulk_create(steps)
    if copy_from is not None:
        for hook in registry.copy_hooks():
            hook(copy_from, process)
    decision_record(
        process=process,
        action="processes.process.created",
        summary=(
            gettext_noop("Process started for %(year)s, copied from %(previous)s.")
            if copy_from
            else gettext_noop("Process started for %(year)s.")
        ),
        params={"year": school_year, "previous": copy_from.school_year if copy_from else ""},
        actor=actor,
        content={
            "kind": kind,
            "reminder_lead_days": reminder_lead_days,
            "copied_from": copy_from.pk if copy_from else None,
        },
    )
    return process


def _lock_step(step) -> ProcessStep:
    return (
        ProcessStep.objects.select_for_update()
        .select_related("process__school", "process__school_year")
        .get(pk=step.pk)
    )


def step_needs_sign_off(step) -> bool:
    """Joint steps, and agreed steps that the director and PMR agreed to do together."""
    definition = step.definition
    return definition.completion == Completion.SIGN_OFF or (
        definition.completion == Completion.ACTOR
        and step.agreed_actor == ProcessStep.AgreedActor.BOTH
    )


def _ensure_open(step):
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(
            _("Step %(number)s is not open (it is %(state)s).")
            % {"number": step.number, "state": step.get_state_display()}
        )


def _ensure_no_blockers(step):
    blockers = registry.step_blockers(step)
    if blockers:
        raise DomainError(
            _("Step %(number)s cannot be finished yet.") % {"number": step.number},
            details=blockers,
        )


def _open_ready_steps(process) -> list[int]:
    steps = {s.number: s for s in process.steps.select_for_update()}
    opened = []
    now = timezone.now()
    for number, step in sorted(steps.items()):
        if step.state == ProcessStep.State.LOCKED and all(
            steps[p].is_finished for p in step.definition.prerequisites
        ):
            step.state = ProcessStep.State.OPEN
            step.opened_at = now
            step.save(update_fields=["state", "opened_at"])
            opened.append(number)
    return opened


def _finish(
    step, *, state, actor, action, summary, params=None, content=None, grounds=""
) -> list[int]:
    step.state = state
    step.completed_at = timezone.now()
    step.save(update_fields=["state", "completed_at"])
    if state == ProcessStep.State.DONE:
        for hook in registry.completion_hooks(step.number):
            hook(step)
    opened = _open_ready_steps(step.process)
    decision_record(
        process=step.process,
        step_number=step.number,
        action=action,
        summary=summary,
        params={"number": step.number, **(params or {})},
        actor=actor,
        content={**(content or {}), "opened_steps": opened},
        grounds=grounds,
    )
    return opened


def sign_off_sides_for(actor, step) -> list[str]:
    """The sides (director, PMR) on which ``actor`` may sign ``step``."""
    sides = []
    if is_director(actor, step):
        sides.append(SignOff.Side.DIRECTOR)
    if is_pmr_member(actor, step):
        sides.append(SignOff.Side.PMR)
    return sides


@transaction.atomic
def step_sign_off(*, step, actor, side=None, grounds="") -> ProcessStep:
    """Record one side's sign-off; the step is done once a director and a PMR member signed.

    One side alone leaves the step open and waiting for the other.
    """
    step = _lock_step(step)
    require_perm(actor, "processes.manage_process", step)
    if not step_needs_sign_off(step):
        raise DomainError(_("Step %(number)s is not signed off jointly.") % {"number": step.number})
    _ensure_open(step)
    sides = sign_off_sides_for(actor, step)
    if side is None and len(sides) == 1:
        side = sides[0]
    if side not in sides:
        raise PermissionDenied
    if step.sign_offs.filter(revision=step.revision, side=side).exists():
        already = {
            SignOff.Side.DIRECTOR: _("The director has already signed off step %(number)s."),
            SignOff.Side.PMR: _("The PMR has already signed off step %(number)s."),
        }
        raise DomainError(already[side] % {"number": step.number})
    _ensure_no_blockers(step)
    SignOff.objects.create(step=step, revision=step.revision, side=side, user=actor)
    decision_record(
        process=step.process,
        step_number=step.number,
        action="processes.step.signed_off",
        summary={
            SignOff.Side.DIRECTOR: gettext_noop("Step %(number)s signed off for the director."),
            SignOff.Side.PMR: gettext_noop("Step %(number)s signed off for the PMR."),
        }[side],
        params={"number": step.number},
        actor=actor,
        content={"side": side, "revision": step.revision},
        grounds=grounds,
    )
    signed = set(step.sign_offs.filter(revision=step.revision).values_list("side", flat=True))
    if signed == {SignOff.Side.DIRECTOR, SignOff.Side.PMR}:
        _finish(
            step,
            state=ProcessStep.State.DONE,
            actor=actor,
            action="processes.step.completed",
            summary=gettext_noop("Step %(number)s completed: signed off by director and PMR."),
        )
    return step


def may_complete_step(actor, step) -> bool:
    """Whether ``actor`` is the agreed actor of a step for which the CAO names no actor (or
    records for them: an external facilitator has no account)."""
    agreed = step.agreed_actor
    if agreed == ProcessStep.AgreedActor.DIRECTOR:
        return is_director(actor, step)
    if agreed == ProcessStep.AgreedActor.PMR:
        return is_pmr_member(actor, step)
    if agreed == ProcessStep.AgreedActor.STEERING:
        return is_steering_member(actor, step) or actor.has_perm("processes.manage_process", step)
    # An external facilitator has no account here: the director or PMR record for them.
    return actor.has_perm("processes.manage_process", step)


@transaction.atomic
def step_complete(*, step, actor, note="") -> ProcessStep:
    """Record that the agreed actor finished a step for which the CAO names no actor."""
    step = _lock_step(step)
    require_perm(actor, "processes.complete_step", step)
    if step.definition.completion != Completion.ACTOR:
        raise DomainError(
            _("Step %(number)s is completed by its own procedure, not by hand.")
            % {"number": step.number}
        )
    _ensure_open(step)
    if not step.agreed_actor:
        raise DomainError(
            _("First record who carries out step %(number)s.") % {"number": step.number}
        )
    if step_needs_sign_off(step):
        raise DomainError(
            _("Step %(number)s is done jointly: the director and the PMR both sign it off.")
            % {"number": step.number}
        )
    if not may_complete_step(actor, step):
        raise PermissionDenied
    _ensure_no_blockers(step)
    _finish(
        step,
        state=ProcessStep.State.DONE,
        actor=actor,
        action="processes.step.completed",
        summary=gettext_noop("Step %(number)s completed."),
        grounds=note,
    )
    return step


@transaction.atomic
def step_complete_by_system(*, step, summary, params=None, content=None, actor=None) -> ProcessStep:
    """Record that a feature's own procedure finished a step (a vote adopted, all plans in).

    Only for steps that complete through a feature; the caller has checked its own rules.
    ``summary`` is a msgid and ``params`` its placeholders, as for ``decision_record``.
    """
    step = _lock_step(step)
    if step.definition.completion != Completion.FEATURE:
        raise DomainError(
            _("Step %(number)s is not completed by a procedure of its own.")
            % {"number": step.number}
        )
    _ensure_open(step)
    _ensure_no_blockers(step)
    _finish(
        step,
        state=ProcessStep.State.DONE,
        actor=actor,
        action="processes.step.completed",
        summary=summary,
        params=params,
        content=content,
    )
    return step


def _ensure_actor_may_change(step):
    if step.definition.actor != Actor.AGREED:
        raise DomainError(
            _("The CAO fixes who carries out step %(number)s.") % {"number": step.number}
        )
    if step.is_finished:
        raise DomainError(_("Step %(number)s is already finished.") % {"number": step.number})
    if step.sign_offs.filter(revision=step.revision).exists():
        raise DomainError(
            _("Step %(number)s has been signed off already; reopen it to change who does it.")
            % {"number": step.number}
        )


def _actor_params(step, who, detail) -> dict:
    return {
        "number": step.number,
        "who": ProcessStep.AgreedActor(who).label,
        "detail": detail,
    }


def _other_side(side) -> str:
    return SignOff.Side.PMR if side == SignOff.Side.DIRECTOR else SignOff.Side.DIRECTOR


def _clear_proposal(step):
    step.proposed_actor = ""
    step.proposed_actor_detail = ""
    step.proposed_by = None
    step.proposed_side = ""
    step.proposed_at = None


PROPOSAL_FIELDS = [
    "proposed_actor",
    "proposed_actor_detail",
    "proposed_by",
    "proposed_side",
    "proposed_at",
    "proposal_number",
]


@transaction.atomic
def step_propose_actor(*, step, actor, agreed_actor, detail="", side=None) -> ProcessStep:
    """One side (director or PMR) proposes who carries out a step for which the CAO names no
    actor. The proposal binds nothing until the other side agrees (``step_agree_actor``); an
    earlier agreed choice stays in force until then.

    A proposal of the other side that is still waiting must be answered first; the same side
    may replace its own proposal.
    """
    step = _lock_step(step)
    require_perm(actor, "processes.manage_process", step)
    _ensure_actor_may_change(step)
    if agreed_actor not in ProcessStep.AgreedActor.values:
        raise DomainError(_("Choose who carries out the step."))
    sides = sign_off_sides_for(actor, step)
    if side is None and sides:
        side = sides[0]
    if side not in sides:
        raise PermissionDenied
    detail = detail.strip()
    if step.proposed_side and step.proposed_side != side:
        raise DomainError(
            _(
                "The other side has already proposed who carries out step %(number)s: agree to "
                "or reject that proposal first."
            )
            % {"number": step.number}
        )
    if (agreed_actor, detail) == (step.agreed_actor, step.agreed_actor_detail):
        raise DomainError(
            _("This is already the agreed choice for step %(number)s.") % {"number": step.number}
        )
    step.proposed_actor = agreed_actor
    step.proposed_actor_detail = detail
    step.proposed_by = actor
    step.proposed_side = side
    step.proposed_at = timezone.now()
    step.proposal_number += 1
    step.save(update_fields=PROPOSAL_FIELDS)
    decision_record(
        process=step.process,
        step_number=step.number,
        action="processes.step.actor_proposed",
        summary=(
            gettext_noop(
                "Proposal for step %(number)s, waiting for the other side's agreement: carried "
                "out by %(who)s (%(detail)s)."
            )
            if detail
            else gettext_noop(
                "Proposal for step %(number)s, waiting for the other side's agreement: carried "
                "out by %(who)s."
            )
        ),
        params=_actor_params(step, agreed_actor, detail),
        actor=actor,
        content={
            "proposed_actor": agreed_actor,
            "detail": detail,
            "side": side,
            "proposal": step.proposal_number,
        },
    )
    return step


def _answering_side(step, actor, proposal):
    """The side on which ``actor`` answers the waiting proposal of ``step``; refuses the
    proposer themself and the proposer's own side."""
    if not step.proposed_side:
        raise DomainError(
            _("Nobody has proposed who carries out step %(number)s.") % {"number": step.number}
        )
    if proposal is not None and proposal != step.proposal_number:
        raise DomainError(
            _("The proposal for step %(number)s has changed in the meantime; read it again.")
            % {"number": step.number}
        )
    if step.proposed_by_id == actor.pk:
        raise DomainError(
            _(
                "You made this proposal yourself: someone on the other side (director or PMR) "
                "must agree to it."
            )
        )
    side = _other_side(step.proposed_side)
    if side not in sign_off_sides_for(actor, step):
        raise DomainError(
            _("Only the director can answer a proposal of the PMR.")
            if side == SignOff.Side.DIRECTOR
            else _("Only a member of the PMR can answer a proposal of the director.")
        )
    return side


def actor_proposal_waiting_for(step) -> str:
    """The side (director or PMR) whose answer the waiting proposal of ``step`` needs, or ""."""
    return _other_side(step.proposed_side) if step.proposed_side else ""


def may_answer_actor_proposal(actor, step) -> bool:
    """Whether ``actor`` may agree to or reject the waiting proposal of ``step`` (not the
    proposer, and on the other side)."""
    if not step.proposed_side or not actor.is_authenticated or step.proposed_by_id == actor.pk:
        return False
    return actor_proposal_waiting_for(step) in sign_off_sides_for(actor, step)


@transaction.atomic
def step_agree_actor(*, step, actor, proposal=None, grounds="") -> ProcessStep:
    """The other side agrees to the waiting proposal: from now on it is who carries out the
    step. ``proposal`` (its number, when given) must still be the waiting one."""
    step = _lock_step(step)
    require_perm(actor, "processes.manage_process", step)
    _ensure_actor_may_change(step)
    side = _answering_side(step, actor, proposal)
    proposer, proposer_side = step.proposed_by, step.proposed_side
    step.agreed_actor = step.proposed_actor
    step.agreed_actor_detail = step.proposed_actor_detail
    number = step.proposal_number
    _clear_proposal(step)
    step.save(update_fields=["agreed_actor", "agreed_actor_detail", *PROPOSAL_FIELDS])
    decision_record(
        process=step.process,
        step_number=step.number,
        action="processes.step.actor_agreed",
        summary=(
            gettext_noop(
                "Agreed by director and PMR: step %(number)s will be carried out by: "
                "%(who)s (%(detail)s)."
            )
            if step.agreed_actor_detail
            else gettext_noop(
                "Agreed by director and PMR: step %(number)s will be carried out by: %(who)s."
            )
        ),
        params=_actor_params(step, step.agreed_actor, step.agreed_actor_detail),
        actor=actor,
        grounds=grounds.strip(),
        content={
            "agreed_actor": step.agreed_actor,
            "detail": step.agreed_actor_detail,
            "side": side,
            "proposal": number,
            "proposed_by": str(proposer) if proposer else "",
            "proposed_side": proposer_side,
        },
    )
    return step


@transaction.atomic
def step_reject_actor(*, step, actor, grounds, proposal=None) -> ProcessStep:
    """The other side rejects the waiting proposal, with reasons. The step goes back to what
    was agreed before (no choice, if nothing was)."""
    step = _lock_step(step)
    require_perm(actor, "processes.manage_process", step)
    _ensure_actor_may_change(step)
    grounds = grounds.strip()
    if not grounds:
        raise DomainError(_("Give the reasons for rejecting the proposal."))
    side = _answering_side(step, actor, proposal)
    rejected, rejected_detail = step.proposed_actor, step.proposed_actor_detail
    number = step.proposal_number
    _clear_proposal(step)
    step.save(update_fields=PROPOSAL_FIELDS)
    decision_record(
        process=step.process,
        step_number=step.number,
        action="processes.step.actor_rejected",
        summary=gettext_noop("Proposal for step %(number)s rejected: carried out by %(who)s."),
        params=_actor_params(step, rejected, rejected_detail),
        actor=actor,
        grounds=grounds,
        content={
            "rejected_actor": rejected,
            "detail": rejected_detail,
            "side": side,
            "proposal": number,
        },
    )
    return step


@transaction.atomic
def step_plan(*, step, actor, planned_date) -> ProcessStep:
    """Set a step's planned date."""
    step = _lock_step(step)
    require_perm(actor, "processes.manage_process", step)
    if step.is_finished:
        raise DomainError(_("Step %(number)s is already finished.") % {"number": step.number})
    old = step.planned_date
    if old == planned_date:
        return step
    step.planned_date = planned_date
    step.save(update_fields=["planned_date"])
    decision_record(
        process=step.process,
        step_number=step.number,
        action="processes.step.planned",
        summary=gettext_noop("Planned date of step %(number)s set to %(date)s."),
        params={"number": step.number, "date": planned_date},
        actor=actor,
        content={"old": old.isoformat() if old else None, "new": planned_date.isoformat()},
    )
    return step


@transaction.atomic
def step_reopen(*, step, actor, grounds) -> ProcessStep:
    """Reopen a step on stated grounds; every step that depends on it goes back to waiting.

    Sign-offs of the earlier revision stay on record but no longer count.
    """
    step = _lock_step(step)
    require_perm(actor, "processes.manage_process", step)
    return _reopen(step, actor, grounds)


@transaction.atomic
def step_reopen_by_system(*, step, grounds) -> ProcessStep:
    """Reopen a step because a feature's own procedure says so (a vote failed), recorded as
    done by the system; the caller has checked its own rules."""
    return _reopen(_lock_step(step), None, grounds)


AGREEMENT_STEPS = (1, 2, 3, 4)


def _reopen(step, actor, grounds) -> ProcessStep:
    if not grounds or not grounds.strip():
        raise DomainError(_("Give the grounds for reopening the step."))
    has_sign_offs = step.sign_offs.filter(revision=step.revision).exists()
    if not (step.is_finished or has_sign_offs):
        raise DomainError(
            _("Step %(number)s is open and has no sign-offs: there is nothing to reopen.")
            % {"number": step.number}
        )
    later = list(
        step.process.steps.select_for_update()
        .filter(number__in=registry.dependents(step.number))
        .exclude(state=ProcessStep.State.LOCKED)
    )
    if step.number in AGREEMENT_STEPS:
        # Checked with step 4 locked (this step or a later one): a vote opening at the same
        # moment (it locks step 4 too) either comes first and is seen here, or sees the lock.
        reason = registry.agreement_lock_reason(step.process)
        if reason:
            raise DomainError(reason)
    step.state = ProcessStep.State.OPEN
    step.completed_at = None
    step.revision += 1
    step.save(update_fields=["state", "completed_at", "revision"])
    for other in later:
        other.state = ProcessStep.State.LOCKED
        other.opened_at = None
        other.completed_at = None
        other.revision += 1
        other.save(update_fields=["state", "opened_at", "completed_at", "revision"])
    decision_record(
        process=step.process,
        step_number=step.number,
        action="processes.step.reopened",
        summary=gettext_noop("Step %(number)s reopened."),
        params={"number": step.number},
        actor=actor,
        grounds=grounds.strip(),
        content={"revision": step.revision, "relocked_steps": [s.number for s in later]},
    )
    return step


def step_content_changed(*, process, number, actor, what) -> ProcessStep:
    """Call before changing what step ``number`` decides (units, split, frameworks).

    Content may be prepared while the step still waits for earlier steps. If anyone signed
    it off, or it is done, it is reopened first, as a recorded decision naming ``what``
    changed, so no sign-off covers content it did not see. Runs in the caller's transaction.
    """
    step = _lock_step(process.steps.get(number=number))
    if step.is_finished or step.sign_offs.filter(revision=step.revision).exists():
        step_reopen(
            step=step,
            actor=actor,
            grounds=in_school_language(
                gettext_noop("Changed after sign-off: %(what)s"), {"what": what}
            ),
        )
        step.refresh_from_db()
    return step


@transaction.atomic
def step_skip(*, step, actor, grounds) -> ProcessStep:
    """Skip a step that a light process may leave out, on recorded grounds."""
    step = _lock_step(step)
    require_perm(actor, "processes.manage_process", step)
    if not (step.process.is_light and step.definition.skippable_when_light):
        raise DomainError(
            _("Step %(number)s cannot be skipped in this process.") % {"number": step.number}
        )
    if not grounds or not grounds.strip():
        raise DomainError(_("Give the grounds for skipping the step."))
    _ensure_open(step)
    _finish(
        step,
        state=ProcessStep.State.SKIPPED,
        actor=actor,
        action="processes.step.skipped",
        summary=gettext_noop("Step %(number)s skipped."),
        grounds=grounds.strip(),
    )
    return step


# --- reminders ------------------------------------------------------------------------


def step_actor_users(step):
    """The users who must act on an open step now (for reminders and to-do lists)."""
    from django.contrib.auth import get_user_model

    definition = step.definition
    roles: set[str] = set()
    if step_needs_sign_off(step):
        signed = set(step.sign_offs.filter(revision=step.revision).values_list("side", flat=True))
        if SignOff.Side.DIRECTOR not in signed:
            roles.add(SchoolRole.Role.DIRECTOR)
        if SignOff.Side.PMR not in signed:
            roles.add(SchoolRole.Role.PMR)
    elif definition.actor == Actor.PMR:
        roles.add(SchoolRole.Role.PMR)
    elif definition.actor == Actor.AGREED:
        agreed = step.agreed_actor
        if agreed == ProcessStep.AgreedActor.DIRECTOR:
            roles.add(SchoolRole.Role.DIRECTOR)
        elif agreed == ProcessStep.AgreedActor.PMR:
            roles.add(SchoolRole.Role.PMR)
        elif agreed == ProcessStep.AgreedActor.STEERING:
            roles.add(SchoolRole.Role.STEERING)
        else:  # not yet agreed, or an external facilitator: director and PMR see to it
            roles.update({SchoolRole.Role.DIRECTOR, SchoolRole.Role.PMR})
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            school_roles__school_id=step.process.school_id,
            school_roles__role__in=roles,
        )
        .distinct()
        .order_by("email")
    )


def _reminder_occasion(step, today) -> str | None:
    lead = datetime.timedelta(days=step.process.reminder_lead_days)
    if step.planned_date < today:
        return f"overdue:{step.planned_date.isoformat()}:r{step.revision}"
    if step.planned_date - lead <= today:
        return f"upcoming:{step.planned_date.isoformat()}:r{step.revision}"
    return None


def _send_step_reminder(step, user, occasion):
    url = settings.SITE_URL.rstrip("/") + reverse(
        "processes:step-detail", args=[step.process_id, step.number]
    )
    with translation.override(settings.LANGUAGE_CODE):
        overdue = occasion.startswith("overdue")
        context = {
            "number": step.number,
            "label": step.definition.label,
            "school": step.process.school,
            "date": date_format(step.planned_date),
        }
        subject = (
            _("Step %(number)s is overdue: %(label)s")
            if overdue
            else _("Step %(number)s is due on %(date)s: %(label)s")
        ) % context
        body = (
            _(
                "Step %(number)s (%(label)s) of the workload funds procedure at %(school)s was "
                "planned for %(date)s. You are one of the people who act in this step."
            )
            % context
            + "\n\n"
            + url
            + "\n"
        )
    board_mail(
        step.process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [user.email],
        cause="processes.step_reminder",
        cause_id=step.process_id,
    )


def step_reminders_send(*, today=None) -> int:
    """E-mail whoever must act on open steps whose planned date is near or past.

    At most once per person per occasion (a planned date, overdue or not, per revision):
    the StepReminder row and the outbox row are written together, and its unique constraint
    stops a second one when the task is retried or runs twice at the same time.
    """
    today = today or timezone.localdate()
    steps = (
        ProcessStep.objects.filter(state=ProcessStep.State.OPEN, planned_date__isnull=False)
        .select_related("process__school")
        .order_by("pk")
    )
    sent = 0
    for step in steps:
        occasion = _reminder_occasion(step, today)
        if occasion is None:
            continue
        for user in step_actor_users(step):
            try:
                with transaction.atomic():  # the reminder row and its outbox row together
                    StepReminder.objects.create(step=step, user=user, occasion=occasion)
                    _send_step_reminder(step, user, occasion)
            except IntegrityError:
                continue  # already reminded for this occasion
            sent += 1
    return sent
