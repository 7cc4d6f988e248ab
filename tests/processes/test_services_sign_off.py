import pytest
from django.core.exceptions import PermissionDenied

from processes import services
from processes.models import Decision, ProcessStep, SignOff
from tests.fixtures.steps import assign_actor
from tests.processes.conftest import sign_both, step
from units.models import StaffMember
from werkdruk.exceptions import DomainError


def test_step_stays_open_when_only_the_director_signed(process, director):
    services.step_sign_off(step=step(process, 1), actor=director)
    assert step(process, 1).state == ProcessStep.State.OPEN
    assert step(process, 2).state == ProcessStep.State.LOCKED


def test_step_stays_open_when_only_the_pmr_signed_twice_by_two_members(process, pmr, pmr2):
    services.step_sign_off(step=step(process, 1), actor=pmr)
    with pytest.raises(DomainError):
        services.step_sign_off(step=step(process, 1), actor=pmr2)
    assert step(process, 1).state == ProcessStep.State.OPEN
    assert SignOff.objects.count() == 1


def test_step_is_done_and_next_opens_when_both_sides_signed(process, director, pmr):
    sign_both(process, 1, director, pmr)
    assert step(process, 1).state == ProcessStep.State.DONE
    assert step(process, 1).completed_at is not None
    assert step(process, 2).state == ProcessStep.State.OPEN
    actions = list(
        Decision.objects.filter(process=process, step_number=1).values_list("action", flat=True)
    )
    assert actions == [
        "processes.step.signed_off",
        "processes.step.signed_off",
        "processes.step.completed",
    ]
    assert Decision.objects.get(action="processes.step.completed").content["opened_steps"] == [2]


@pytest.mark.parametrize("who", ["staff_user", "steering", "board_admin", "other_director"])
def test_sign_off_is_refused_when_actor_is_neither_director_nor_pmr(request, who, process):
    with pytest.raises(PermissionDenied):
        services.step_sign_off(step=step(process, 1), actor=request.getfixturevalue(who))
    assert not SignOff.objects.exists()


def test_pmr_member_cannot_sign_for_the_director_side(process, pmr):
    with pytest.raises(PermissionDenied):
        services.step_sign_off(step=step(process, 1), actor=pmr, side=SignOff.Side.DIRECTOR)


def test_sign_off_is_refused_when_step_is_locked(process, director):
    with pytest.raises(DomainError, match="not open"):
        services.step_sign_off(step=step(process, 2), actor=director)


def test_sign_off_is_refused_with_reasons_when_a_blocker_applies(process, school, director):
    StaffMember.objects.filter(school=school).update(active=False)
    with pytest.raises(DomainError) as caught:
        services.step_sign_off(step=step(process, 1), actor=director)
    assert "import the staff list" in caught.value.details[0]
    assert not SignOff.objects.exists()
    assert not Decision.objects.filter(action="processes.step.signed_off").exists()


def test_sign_off_is_refused_for_a_step_completed_by_its_own_procedure(process, director, pmr):
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    with pytest.raises(DomainError):
        services.step_sign_off(step=step(process, 4), actor=director)


def test_agreed_step_done_jointly_needs_both_sign_offs(process, director, pmr):
    from tests.processes.conftest import finish_steps_1_to_4

    finish_steps_1_to_4(process, director, pmr)
    assign_actor(step=step(process, 5), actor=director, agreed_actor="both")
    with pytest.raises(DomainError):
        services.step_complete(step=step(process, 5), actor=director)
    services.step_sign_off(step=step(process, 5), actor=director)
    assert step(process, 5).state == ProcessStep.State.OPEN
    services.step_sign_off(step=step(process, 5), actor=pmr)
    assert step(process, 5).state == ProcessStep.State.DONE


def test_a_completion_hook_runs_once_when_the_step_is_done_and_a_failing_one_undoes_it(
    process, director, pmr
):
    from processes import registry

    seen = []
    registry.register_completion_hook(1, lambda done: seen.append((done.number, done.state)))
    services.step_sign_off(step=step(process, 1), actor=director)
    assert seen == []
    services.step_sign_off(step=step(process, 1), actor=pmr)
    assert seen == [(1, ProcessStep.State.DONE)]

    def refuse(done):
        raise DomainError("not now")

    registry.register_completion_hook(2, refuse)
    services.step_sign_off(step=step(process, 2), actor=director)
    with pytest.raises(DomainError, match="not now"):
        services.step_sign_off(step=step(process, 2), actor=pmr)
    assert step(process, 2).state == ProcessStep.State.OPEN
    assert SignOff.objects.filter(step__number=2).count() == 1
