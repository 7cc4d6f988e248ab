import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from plans.demo import demo_load
from plans.demo_plans import demo_plans
from plans.models import FunctionCost, Measure, UnitAnnouncement, UnitPlan
from plans.selectors.unit_plan_state import plan_verdicts
from processes.models import Decision, Process, ProcessStep, School, SchoolYear, SignOff
from units.models import (
    BoardAllocation,
    BudgetSplit,
    StaffMember,
    UnitMembership,
    WorkingMethod,
)
from voting.models import Ballot, Vote


def verdicts_blocking(plan) -> list:
    return [v for v in plan_verdicts(plan) if v.blocks_submission]


def test_demo_builds_a_board_with_two_schools_and_a_running_process(db):
    result = demo_load()
    main, second = result["schools"]
    assert main.board == second.board
    assert 115 <= StaffMember.objects.filter(school=main).count() <= 125
    categories = set(StaffMember.objects.filter(school=main).values_list("category", flat=True))
    assert categories == {"OP", "OOP", "MT"}
    process = Process.objects.get(school=main)
    states = dict(process.steps.values_list("number", "state"))
    assert states[1] == states[2] == ProcessStep.State.DONE
    assert states[3] == ProcessStep.State.OPEN
    step3 = process.steps.get(number=3)
    assert list(SignOff.objects.filter(step=step3).values_list("side", flat=True)) == ["director"]
    # Steps 0-3 have real content: a fixed board split, five units with everyone placed,
    # an fte split after a 10% reserve, six frameworks.
    allocation = BoardAllocation.objects.get(board=main.board)
    assert allocation.fixed_at is not None
    # ... final after the consent of the board's GMR, recorded by its member (issue 18)
    assert allocation.gmr_decision == BoardAllocation.GmrDecision.CONSENT
    assert allocation.gmr_recorded_by.email == "gmr@demo.werkdruk.nl"
    assert allocation.gmr_recorded_by.gmr_roles.filter(board=main.board).exists()
    assert process.units.count() == 5
    active = StaffMember.objects.filter(school=main, active=True).count()
    assert UnitMembership.objects.filter(process=process).count() == active
    split = BudgetSplit.objects.get(process=process)
    assert split.method == "fte" and split.reserve_value == 10
    amounts = sum(unit.amount for unit in process.units.all())
    assert amounts + split.reserve_amount == split.school_total
    assert process.framework_rules.count() == 6
    # The PMR member works at both schools of the board.
    assert StaffMember.objects.filter(email="pmr@demo.werkdruk.nl").count() == 2


def test_demo_is_idempotent(db):
    demo_load()
    counts = (StaffMember.objects.count(), Process.objects.count(), Decision.objects.count())
    assert demo_load()["staff_added"] == 0
    assert (
        StaffMember.objects.count(),
        Process.objects.count(),
        Decision.objects.count(),
    ) == counts


def test_demo_command_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not Process.objects.exists()


# --- step 8: the second school's unit plans (plans/demo_plans.py) ---------------------------


@pytest.fixture
def baken(db):
    result = demo_load()
    return result, demo_plans(result)


def _user(local):
    return get_user_model().objects.get(email=f"{local}@demo.werkdruk.nl")


def test_demo_plans_bring_the_second_school_through_steps_1_to_7_by_the_services(baken):
    result, process = baken
    assert process.school == result["schools"][1]
    states = dict(process.steps.values_list("number", "state"))
    assert all(states[n] == ProcessStep.State.DONE for n in range(1, 8))
    assert states[8] == ProcessStep.State.OPEN
    # Step 4: a real vote, counted by the voting services and adopted.
    vote = Vote.objects.get(process=process, kind=Vote.Kind.AGREEMENT)
    assert vote.outcome == Vote.Outcome.ADOPTED and vote.cast_count == vote.eligible_count
    assert Ballot.objects.filter(vote=vote).count() == vote.cast_count
    # Steps 5-7: the kick-off held, every unit announced, every unit's working method.
    assert process.kickoff_sessions.filter(held_at__isnull=False).count() == 1
    units = list(process.units.all())
    assert len(units) == 3 and all(unit.amount for unit in units)
    assert UnitAnnouncement.objects.filter(process=process, current=True).count() == 3
    assert WorkingMethod.objects.filter(process=process).count() == 3
    active = StaffMember.objects.filter(school=process.school, active=True).count()
    assert UnitMembership.objects.filter(process=process).count() == active
    actions = set(Decision.objects.filter(process=process).values_list("action", flat=True))
    assert {"voting.vote.closed", "processes.kickoff.held", "plans.announcement.sent"} <= actions


def test_demo_plans_have_three_to_six_costed_measures_of_several_kinds(baken):
    _result, process = baken
    plans = {plan.unit.name: plan for plan in UnitPlan.objects.filter(process=process)}
    assert len(plans) == 3
    assert sorted(plan.state for plan in plans.values()) == ["draft", "submitted", "submitted"]
    measures = Measure.objects.filter(plan__process=process).select_related("category")
    for plan in plans.values():
        mine = [m for m in measures if m.plan_id == plan.pk]
        assert 3 <= len(mine) <= 6
        assert len({m.category.code for m in mine}) >= 3
        assert sum(m.total_cost for m in mine) <= plan.unit.amount
        assert verdicts_blocking(plan) == []
    assert {m.cost_type for m in measures} == {"fixed", "fte", "hours", "none"}
    assistant = next(m for m in measures if m.function == "onderwijsassistent")
    yearly = FunctionCost.objects.yearly_costs("onderwijsassistent")[assistant.first_year]
    assert assistant.total_cost == (assistant.fte * yearly).quantize(Decimal("0.01"))


def test_the_demo_unit_that_decides_by_vote_approved_the_version_it_submitted(baken):
    _result, process = baken
    plan = UnitPlan.objects.get(process=process, unit__working_method__decision_mode="vote")
    vote = Vote.objects.get(unit=plan.unit, kind=Vote.Kind.UNIT_PLAN)
    assert vote.outcome == Vote.Outcome.ADOPTED and vote.voters.count() == vote.cast_count
    assert plan.state == "submitted"
    assert plan.approval_vote == vote and plan.approved_revision == plan.revision
    assert set(vote.voters.values_list("staff_member__unit_memberships__unit", flat=True)) == {
        plan.unit_id
    }


def test_the_demo_teacher_coordinates_the_plan_still_being_written(baken):
    _result, process = baken
    plan = UnitPlan.objects.get(process=process, state="draft")
    teacher = _user("docent.baken")
    assert teacher.has_perm("units.coordinate_unit", plan.unit)
    assert teacher.has_perm("plans.edit_unit_plan", plan)
    assert _user("directeur.baken").has_perm("processes.manage_process", process)
    assert _user("pmr.baken").has_perm("processes.manage_process", process)


def test_a_demo_unit_chose_its_measures_by_vote_within_its_budget(baken):
    """Issue 18, item 8: the languages unit (the demo teacher's) has a counted choice."""
    _result, process = baken
    vote = Vote.objects.get(unit__process=process, kind=Vote.Kind.UNIT_MEASURES)
    plan = UnitPlan.objects.get(unit=vote.unit)
    assert plan.state == "draft" and vote.state == Vote.State.CLOSED
    assert vote.outcome == Vote.Outcome.ADOPTED and vote.cast_count == vote.eligible_count
    assert vote.budget == vote.unit.amount
    costs = dict(vote.options.values_list("position", "cost"))
    assert sum(costs.values()) > vote.budget  # not everything fits: the vote chose
    chosen = vote.measures_result["chosen"]
    assert chosen and sum(costs[p] for p in chosen) == Decimal(vote.measures_result["total"])
    assert Decimal(vote.measures_result["total"]) <= vote.budget
    assert vote.options.filter(measure_id__isnull=True).count() == 1
    assert _user("docent.baken").has_perm("units.coordinate_unit", vote.unit)


def test_demo_plans_are_made_once(baken):
    result, process = baken
    counts = (
        Decision.objects.count(),
        Measure.objects.count(),
        Vote.objects.count(),
        Ballot.objects.count(),
        StaffMember.objects.count(),
    )
    assert demo_plans(demo_load()) == process
    assert (
        Decision.objects.count(),
        Measure.objects.count(),
        Vote.objects.count(),
        Ballot.objects.count(),
        StaffMember.objects.count(),
    ) == counts


def test_the_demo_command_loads_the_plans_and_names_their_accounts(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "step 8" in text and "docent.baken@demo.werkdruk.nl" in text
    second = School.objects.get(brin="34CD")
    this_year = Process.objects.get(school=second, school_year=SchoolYear.objects.current())
    assert this_year.steps.get(number=8).state == "open"


# --- issue 18: Erasmus' ideas round and a unit meeting with minutes ------------------------


def test_the_demo_has_an_ideas_round_and_a_meeting_with_minutes(db):
    from plans.demo_ideas import demo_ideas
    from plans.models import Idea, IdeaSupport
    from units.demo import demo_meeting
    from units.models import MeetingAttendance, MeetingMinutes, PmrNote

    result = demo_load()
    process, users = result["process"], result["users"]
    ideas_round = demo_ideas(process, users)
    meeting = demo_meeting(process, users)
    assert ideas_round.is_open(ideas_round.opens_on)
    assert Idea.objects.filter(round=ideas_round).count() == 4
    assert IdeaSupport.objects.filter(idea__round=ideas_round).exists()
    assert MeetingMinutes.objects.get(meeting=meeting).text
    assert MeetingAttendance.objects.filter(meeting=meeting).count() >= 1
    assert PmrNote.objects.get(meeting=meeting).author == users["pmr"]
    # Loading again adds nothing.
    demo_ideas(process, users)
    assert demo_meeting(process, users) is None
    assert Idea.objects.count() == 4 and MeetingMinutes.objects.count() == 1
