import pytest

from processes import agreement, services
from processes.models import AgreementVersion, Decision, ProcessStep
from tests.processes.conftest import sign_both, step
from werkdruk.exceptions import DomainError


@pytest.fixture
def section():
    """A stand-in section whose content the test can change."""
    state = {"units": ["OP", "OOP"]}
    agreement.register_section(
        "test", order=99, build=lambda process: dict(state), template="processes/includes/x.html"
    )
    yield state
    agreement._sections.pop("test")


def test_freeze_is_refused_before_steps_1_to_3_are_done(process, director, pmr, section):
    sign_both(process, 1, director, pmr)
    with pytest.raises(DomainError):
        agreement.agreement_freeze(process=process, actor=director)
    assert not AgreementVersion.objects.exists()


def test_freeze_stores_content_and_hash_and_records_a_decision(process, director, pmr, section):
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    version = agreement.agreement_freeze(process=process, actor=pmr)
    assert version.number == 1
    assert version.content["sections"]["test"] == {"units": ["OP", "OOP"]}
    assert version.content_hash == agreement.content_hash(version.content)
    assert len(version.content_hash) == 64
    decision = Decision.objects.get(action="processes.agreement.frozen")
    assert decision.content["sha256"] == version.content_hash


def test_freezing_unchanged_content_again_keeps_the_version(process, director, pmr, section):
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    first = agreement.agreement_freeze(process=process, actor=pmr)
    assert agreement.agreement_freeze(process=process, actor=director) == first


def test_changed_content_after_reopening_becomes_a_new_version(process, director, pmr, section):
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    first = agreement.agreement_freeze(process=process, actor=pmr)
    services.step_content_changed(process=process, number=1, actor=director, what="unit MT")
    section["units"] = ["OP", "OOP", "MT"]
    with pytest.raises(DomainError):
        agreement.agreement_freeze(process=process, actor=pmr)
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    second = agreement.agreement_freeze(process=process, actor=pmr)
    assert second.number == 2
    assert second.content_hash != first.content_hash
    first.refresh_from_db()
    assert first.content["sections"]["test"] == {"units": ["OP", "OOP"]}  # kept as it was


def test_frozen_agreement_cannot_be_changed(process, director, pmr, section):
    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    version = agreement.agreement_freeze(process=process, actor=pmr)
    version.content = {}
    with pytest.raises(Exception, match="cannot be changed"):
        version.save()


def test_hash_does_not_depend_on_key_order():
    assert agreement.content_hash({"a": 1, "b": [1, 2]}) == agreement.content_hash(
        {"b": [1, 2], "a": 1}
    )


def test_content_change_reopens_a_signed_step_with_grounds(process, director, pmr):
    services.step_sign_off(step=step(process, 1), actor=director)
    services.step_content_changed(process=process, number=1, actor=pmr, what="unit OOP renamed")
    reopened = step(process, 1)
    assert reopened.revision == 2
    decision = Decision.objects.get(action="processes.step.reopened")
    assert "unit OOP renamed" in decision.grounds


def test_content_change_of_an_unsigned_open_step_records_nothing(process, director):
    services.step_content_changed(process=process, number=1, actor=director, what="x")
    assert step(process, 1).revision == 1
    assert not Decision.objects.filter(action="processes.step.reopened").exists()


def test_content_of_a_later_step_can_be_prepared_while_it_waits(process, director):
    services.step_content_changed(process=process, number=2, actor=director, what="x")
    assert step(process, 2).state == ProcessStep.State.LOCKED
    assert step(process, 2).revision == 1


def test_board_decision_is_recorded_without_a_process(school, school_year, board_admin):
    decision = services.board_decision_record(
        board=school.board,
        school_year=school_year,
        action="units.allocation.fixed",
        summary="Funds for %(year)s divided over the schools.",
        actor=board_admin,
    )
    assert decision.process is None and decision.step_number == 0
    assert decision.summary == "Funds for 2026-2027 divided over the schools."
    assert decision.actor_role == "board administrator"
