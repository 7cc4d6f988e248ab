"""The demo school taken through the procedure by the services, one state after another, for
the to-do matrix (issue 15, item 2): who is who, and how to reach each state.

The roles: the director, a PMR member and a steering-group member (all three also staff), a
teacher, the coordinator of the teacher's unit (from step 7), a member of the support staff
(OOP) who coordinates nothing, and the board's administrator. The demo's agreed actors: the
steering group organises the kick-off (step 5) and merges (step 9), the director announces
(step 6), the PMR publishes (step 10).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from plans.demo import demo_load
from plans.models import UnitAnnouncement
from plans.services.announcements import announcement_send
from plans.services.unit_plan_decisions import plan_submit
from plans.services.unit_plans import plan_for_unit
from processes import agreement
from processes import services as process_services
from schoolplans.models import PmrDecision
from schoolplans.services import merge
from schoolplans.services.publication import plan_publish, publication_comment_add
from schoolplans.services.ratification import (
    evaluation_agreement_save,
    pmr_decision_record,
    ratification_director_sign,
)
from surveys.models import SurveyRound
from surveys.services import rounds as surveys
from tests.fixtures.step8 import account_for, add, fresh, soon, step, unit_of, units_of, user
from units.models import KickoffSession, StaffMember, UnitMembership, WorkingMethod
from units.services.kickoff import kickoff_session_create, kickoff_session_mark_held
from units.services.working_method import MeetingData, working_method_record
from voting.models import Vote
from voting.services.casting import ballot_cast
from voting.services.closing import vote_close
from voting.services.vote import vote_create, vote_open

ROLES = ("director", "pmr", "steering", "coordinator", "teacher", "support", "board")

# Every state of the matrix, in the order the procedure reaches them.
STATES = (
    "1",
    "2",
    "3",
    "4 freeze",
    "4 draft",
    "4 open",
    "5 and 6",
    "5 and 6 under way",
    "7",
    "8",
    "8 late",
    "9",
    "10",
    "11",
    "11 consented",
    "ratified",
    "survey",
)


@dataclass
class World:
    process: object
    users: dict
    units: dict = field(default_factory=dict)  # name -> unit
    leaders: dict = field(default_factory=dict)  # unit name -> coordinator's staff member
    vote: object = None
    session: object = None  # the kick-off session staff sign up for
    version: object = None
    publication: object = None

    @property
    def year(self) -> int:
        return self.process.school_year.start_year

    def unit_named(self, local):
        """The unit of the demo user ``local`` (its e-mail's local part)."""
        return unit_of(self.process, local)

    def unit_of(self, role):
        """The unit the user of ``role`` is a member of."""
        return UnitMembership.objects.get(
            process=self.process, staff_member__user=self.users[role]
        ).unit


def _start() -> World:
    process = demo_load()["process"]
    users = {
        "director": user("directeur"),
        "pmr": user("pmr"),
        "steering": user("stuurgroep"),
        "teacher": user("docent"),
        "board": user("bestuur"),
    }
    world = World(process=process, users=users, units={u.name: u for u in units_of(process)})
    users["support"] = account_for(world.units["OOP"]).user
    users["coordinator"] = account_for(world.unit_named("docent")).user
    return world


def _window(days=7) -> dict:
    now = timezone.now()
    return {
        "opens_at": now - datetime.timedelta(minutes=1),
        "closes_at": now + datetime.timedelta(days=days),
    }


def _session(world, *, date, sign_up) -> KickoffSession:
    return kickoff_session_create(
        process=world.process,
        actor=user("stuurgroep"),
        title="Startbijeenkomst",
        date=date,
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
        place="Aula",
        agenda="",
        format=KickoffSession.Format.PLENARY,
        in_working_time=True,
        meal_offered=False,
        hours_credited=0,
        uses_sign_up=sign_up,
    )


def _leaders(world) -> None:
    """Step 7: every unit records its working method; the coordinator leads the teacher's unit,
    a member with a new account leads each other unit."""
    teachers = world.unit_named("docent")
    for unit in units_of(world.process):
        if unit.pk == teachers.pk:
            leader = StaffMember.objects.get(user=world.users["coordinator"])
        else:
            leader = account_for(unit)
        world.leaders[unit.name] = leader
        working_method_record(
            unit=unit,
            actor=user("directeur"),
            leader=leader,
            decision_mode=WorkingMethod.DecisionMode.CONSENSUS,
            participation=WorkingMethod.Participation.VOLUNTARY,
            meetings=[MeetingData(date=soon(5))],
        )


def _submit(world, names) -> None:
    for name in names:
        unit = world.units[name]
        leader = fresh(world.leaders[name].user)
        plan = plan_for_unit(unit=unit)
        add(plan, leader, world.year, title=f"Maatregel voor {name}")
        plan_submit(plan=plan, actor=leader)


def _advance(world, state) -> None:
    """Take ``world`` from the state before ``state`` to ``state``."""
    process, pmr = world.process, lambda: user("pmr")
    if state == "1":
        process_services.step_reopen(
            step=step(process, 1), actor=user("directeur"), grounds="Een eenheid erbij."
        )
    elif state == "2":
        process_services.step_reopen(
            step=step(process, 2), actor=user("directeur"), grounds="Andere verdeling."
        )
    elif state == "4 freeze":
        process_services.step_sign_off(step=step(process, 3), actor=pmr())
    elif state == "4 draft":
        agreement.agreement_freeze(process=process, actor=pmr())
        world.vote = vote_create(
            process=process,
            actor=pmr(),
            base=Vote.Base.VOTES_CAST,
            numerator=1,
            denominator=2,
            **_window(),
        )
    elif state == "4 open":
        world.vote = vote_open(vote=world.vote, actor=pmr())
    elif state == "5 and 6":
        # Everyone votes yes, so the PMR may count before the closing time: adopted.
        for voter in world.vote.voters.all():
            ballot_cast(vote=world.vote, voter=voter, choice="yes")
        world.vote = vote_close(vote=world.vote, actor=pmr())
    elif state == "5 and 6 under way":
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        world.session = _session(world, date=tomorrow, sign_up=True)
        announcement_send(process=process, actor=user("directeur"), deadline=soon(20))
    elif state == "7":
        today = _session(world, date=timezone.localdate(), sign_up=False)
        kickoff_session_mark_held(session=today, actor=user("stuurgroep"))
        process_services.step_complete(step=step(process, 5), actor=user("stuurgroep"))
        process_services.step_complete(step=step(process, 6), actor=user("directeur"))
    elif state == "8":
        _leaders(world)
        _submit(world, ["Leerlingzaken"])
    elif state == "8 late":
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        # The clock moved on: the services refuse a deadline in the past.
        UnitAnnouncement.objects.filter(process=process).update(deadline=yesterday)
        process.steps.filter(number=8).update(planned_date=yesterday)
    elif state == "9":
        _submit(world, [name for name in world.units if name != "Leerlingzaken"])
    elif state == "10":
        school_plan = merge.school_plan_create(process=process, actor=user("stuurgroep"))
        world.version = merge.school_plan_mark_final(
            school_plan=school_plan, actor=user("stuurgroep")
        )
    elif state == "11":
        world.publication = plan_publish(
            version=world.version, actor=pmr(), comments_until=soon(14)
        )
    elif state == "11 consented":
        evaluation_agreement_save(
            process=process,
            actor=pmr(),
            what="De ervaren werkdruk.",
            indicators="De werkdrukvragenlijst.",
            when="In mei.",
            responsible="De stuurgroep.",
            sharing="In de personeelsvergadering.",
        )
        pmr_decision_record(
            version=world.version,
            actor=pmr(),
            outcome=PmrDecision.Outcome.CONSENT,
            meeting_date=timezone.localdate(),
        )
        publication_comment_add(
            publication=world.publication, actor=user("docent"), text="Goed plan."
        )
    elif state == "ratified":
        ratification_director_sign(process=process, actor=user("directeur"))
    elif state == "survey":
        questionnaire = surveys.questionnaire_ensure(process=process)
        surveys.round_send(
            questionnaire=questionnaire, actor=user("directeur"), kind=SurveyRound.Kind.BASELINE
        )


def world_at(state) -> World:
    """The demo school in ``state``: the demo is at step 3 (signed by the director); steps 1
    and 2 are reached by reopening them, every later state through the ones before it."""
    world = _start()
    chain = [state] if state in ("1", "2") else STATES[STATES.index("3") : STATES.index(state) + 1]
    for reached in chain:
        _advance(world, reached)
    world.process.refresh_from_db()
    return world
