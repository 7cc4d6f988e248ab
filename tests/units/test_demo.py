import pytest
from django.core.management import CommandError, call_command

from processes.models import Decision, Process, ProcessStep, SignOff
from units.demo import demo_load
from units.models import StaffMember


def test_demo_builds_a_board_with_two_schools_and_a_running_process(db):
    result = demo_load()
    main, second = result["schools"]
    assert main.board == second.board
    assert 115 <= StaffMember.objects.filter(school=main).count() <= 125
    categories = set(StaffMember.objects.filter(school=main).values_list("category", flat=True))
    assert categories == {"OP", "OOP", "MT"}
    process = Process.objects.get(school=main)
    step1 = process.steps.get(number=1)
    assert step1.state == ProcessStep.State.OPEN
    assert list(SignOff.objects.filter(step=step1).values_list("side", flat=True)) == ["director"]
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
