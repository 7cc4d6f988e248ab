import pytest
from django.core.management import CommandError, call_command

from plans.demo import demo_load
from processes.models import Decision, Process, ProcessStep, SignOff
from units.models import BoardAllocation, BudgetSplit, StaffMember, UnitMembership


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
    assert BoardAllocation.objects.get(board=main.board).fixed_at is not None
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
