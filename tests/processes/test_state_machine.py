import pytest
from django.core.exceptions import PermissionDenied

from processes import registry, services
from processes.models import Decision, Process, ProcessStep, SignOff
from tests.factories import SchoolYearFactory
from tests.fixtures.steps import assign_actor
from tests.processes.conftest import finish_steps_1_to_4, sign_both, step
from werkdruk.exceptions import DomainError


def states(process):
    return dict(process.steps.values_list("number", "state"))


def test_registry_follows_the_cao_dependency_chain():
    assert {n: s.prerequisites for n, s in registry.STEPS.items()} == {
        1: (),
        2: (1,),
        3: (2,),
        4: (3,),
        5: (4,),
        6: (4,),
        7: (5, 6),
        8: (7,),
        9: (8,),
        10: (9,),
        11: (10,),
    }
    assert registry.dependents(1) == list(range(2, 12))
    assert registry.dependents(5) == [7, 8, 9, 10, 11]


@pytest.mark.parametrize("number", range(2, 12))
def test_no_step_opens_before_its_prerequisites_are_done(process, director, pmr, number):
    assert states(process)[number] == ProcessStep.State.LOCKED
    with pytest.raises(DomainError):
        if services.step_needs_sign_off(step(process, number)):
            services.step_sign_off(step=step(process, number), actor=director)
        elif registry.STEPS[number].completion == registry.Completion.FEATURE:
            services.step_complete_by_system(step=step(process, number), summary="x")
        else:
            assign_actor(step=step(process, number), actor=director, agreed_actor="director")
            services.step_complete(step=step(process, number), actor=director)


def test_steps_5_and_6_open_together_and_7_waits_for_both(process, director, pmr):
    finish_steps_1_to_4(process, director, pmr)
    assert states(process)[5] == states(process)[6] == ProcessStep.State.OPEN
    for number in (5, 6):
        assign_actor(step=step(process, number), actor=director, agreed_actor="director")
    services.step_complete(step=step(process, 5), actor=director)
    assert states(process)[7] == ProcessStep.State.LOCKED
    services.step_complete(step=step(process, 6), actor=director)
    assert states(process)[7] == ProcessStep.State.OPEN


def test_step_complete_needs_an_agreed_actor_first(process, director, pmr):
    finish_steps_1_to_4(process, director, pmr)
    with pytest.raises(DomainError, match="First record who"):
        services.step_complete(step=step(process, 5), actor=director)


def test_only_the_agreed_actor_completes_the_step(process, director, pmr, steering):
    finish_steps_1_to_4(process, director, pmr)
    assign_actor(step=step(process, 5), actor=director, agreed_actor="pmr")
    with pytest.raises(PermissionDenied):
        services.step_complete(step=step(process, 5), actor=director)
    with pytest.raises(PermissionDenied):
        services.step_complete(step=step(process, 5), actor=steering)
    services.step_complete(step=step(process, 5), actor=pmr, note="Studiemiddag 12 januari")
    assert states(process)[5] == ProcessStep.State.DONE
    assert Decision.objects.filter(step_number=5, action="processes.step.completed").get().grounds


def test_steering_group_completes_a_step_agreed_to_it(process, director, pmr, steering):
    finish_steps_1_to_4(process, director, pmr)
    assign_actor(step=step(process, 6), actor=pmr, agreed_actor="steering")
    services.step_complete(step=step(process, 6), actor=steering)
    assert states(process)[6] == ProcessStep.State.DONE


def test_step_complete_is_refused_for_joint_and_feature_steps(process, director, pmr):
    with pytest.raises(DomainError):
        services.step_complete(step=step(process, 1), actor=director)
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    with pytest.raises(DomainError):
        services.step_complete(step=step(process, 4), actor=pmr)


def test_step_complete_by_system_only_for_feature_steps(process, director, pmr):
    with pytest.raises(DomainError):
        services.step_complete_by_system(step=step(process, 1), summary="no")
    finish_steps_1_to_4(process, director, pmr)
    assert states(process)[4] == ProcessStep.State.DONE
    assert Decision.objects.get(step_number=4).actor_name == "the system"


def test_reopen_relocks_later_steps_and_voids_sign_offs(process, director, pmr):
    finish_steps_1_to_4(process, director, pmr)
    services.step_reopen(step=step(process, 2), actor=pmr, grounds="Vote rejected: new split")
    now = states(process)
    assert now[1] == ProcessStep.State.DONE
    assert now[2] == ProcessStep.State.OPEN
    assert all(now[n] == ProcessStep.State.LOCKED for n in range(3, 12))
    reopened = step(process, 2)
    assert reopened.revision == 2
    # Old sign-offs stay on record but do not count for the new revision.
    assert SignOff.objects.filter(step=reopened).count() == 2
    services.step_sign_off(step=reopened, actor=director)
    assert step(process, 2).state == ProcessStep.State.OPEN
    decision = Decision.objects.get(action="processes.step.reopened")
    assert decision.grounds == "Vote rejected: new split"
    assert decision.content["relocked_steps"] == [3, 4, 5, 6]


def test_reopen_an_open_step_with_one_sign_off_restarts_its_sign_off(process, director, pmr):
    services.step_sign_off(step=step(process, 1), actor=director)
    services.step_reopen(step=step(process, 1), actor=pmr, grounds="Unit for OOP split in two")
    services.step_sign_off(step=step(process, 1), actor=pmr)
    assert step(process, 1).state == ProcessStep.State.OPEN  # the director must sign again


def test_reopen_is_refused_without_grounds_or_when_nothing_to_reopen(process, director):
    with pytest.raises(DomainError):
        services.step_reopen(step=step(process, 1), actor=director, grounds="  ")
    with pytest.raises(DomainError, match="nothing to reopen"):
        services.step_reopen(step=step(process, 1), actor=director, grounds="why not")
    assert not Decision.objects.filter(action="processes.step.reopened").exists()


def test_skip_is_allowed_only_in_a_light_process_for_steps_5_to_7(school, director, pmr):
    process = services.process_create(
        school=school,
        school_year=SchoolYearFactory(start_year=2026),
        actor=director,
        kind=Process.Kind.LIGHT,
    )
    finish_steps_1_to_4(process, director, pmr)
    with pytest.raises(DomainError):
        services.step_skip(step=step(process, 5), actor=director, grounds="")
    for number in (5, 6):
        services.step_skip(step=step(process, number), actor=director, grounds="Transition year")
    services.step_skip(step=step(process, 7), actor=pmr, grounds="Transition year")
    assert states(process)[8] == ProcessStep.State.OPEN
    assert Decision.objects.filter(action="processes.step.skipped").count() == 3


def test_skip_is_refused_in_a_full_process(process, director, pmr):
    finish_steps_1_to_4(process, director, pmr)
    with pytest.raises(DomainError):
        services.step_skip(step=step(process, 5), actor=director, grounds="no time")
    assert states(process)[5] == ProcessStep.State.OPEN
