import datetime

import pytest
from django.core.exceptions import PermissionDenied

from processes import registry, services
from processes.models import Decision, Process, ProcessStep
from tests.factories import SchoolYearFactory
from tests.fixtures.steps import assign_actor
from tests.processes.conftest import step
from werkdruk.exceptions import DomainError


def test_process_create_opens_only_step_1_when_started(process):
    states = dict(process.steps.values_list("number", "state"))
    assert states == {n: ("open" if n == 1 else "locked") for n in range(1, 12)}
    assert step(process, 1).opened_at is not None
    assert all(s.planned_date for s in process.steps.all())


def test_process_create_records_a_decision_with_actor_and_role(process, director):
    decision = Decision.objects.get(process=process)
    assert decision.action == "processes.process.created"
    assert decision.actor == director
    assert decision.actor_role == "director"


def test_default_schedule_keeps_steps_in_order_and_5_with_6():
    dates = services.default_planned_dates(
        SchoolYearFactory.build(start_year=2027), today=datetime.date(2026, 11, 23)
    )
    assert dates[1] > datetime.date(2026, 11, 23)
    assert dates[5] == dates[6]
    ordered = [dates[n] for n in (1, 2, 3, 4, 5, 7, 8, 9, 10, 11)]
    assert ordered == sorted(ordered)
    # Ratified well before the school year whose funds it spends.
    assert dates[11] < datetime.date(2027, 8, 1)


def test_process_create_refuses_second_process_when_year_taken(
    process, school, school_year, director
):
    with pytest.raises(DomainError):
        services.process_create(school=school, school_year=school_year, actor=director)
    assert Process.objects.filter(school=school).count() == 1


@pytest.mark.parametrize("who", ["staff_user", "steering", "board_admin", "other_director"])
def test_process_create_is_refused_when_actor_does_not_manage_the_school(
    request, who, school, school_year
):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.process_create(school=school, school_year=school_year, actor=actor)
    assert not Process.objects.exists()


def test_process_create_copies_set_up_when_started_from_last_year(school, director, pmr):
    last_year = SchoolYearFactory(start_year=2025)
    old = services.process_create(
        school=school,
        school_year=last_year,
        actor=director,
        kind=Process.Kind.LIGHT,
        reminder_lead_days=3,
    )
    assign_actor(
        step=step(old, 9), actor=pmr, agreed_actor="steering", detail="Stuurgroep werkdruk"
    )
    copied = []
    hook = lambda old_process, new_process: copied.append((old_process.pk, new_process.pk))  # noqa: E731
    registry.register_copy_hook(hook)
    try:
        new = services.process_create(
            school=school,
            school_year=SchoolYearFactory(start_year=2026),
            actor=director,
            copy_from=old,
        )
    finally:
        registry._copy_hooks.remove(hook)
    assert new.kind == Process.Kind.LIGHT
    assert new.reminder_lead_days == 3
    assert new.created_from == old
    assert step(new, 9).agreed_actor == "steering"
    assert step(new, 9).agreed_actor_detail == "Stuurgroep werkdruk"
    assert step(new, 3).planned_date == step(old, 3).planned_date.replace(
        year=step(old, 3).planned_date.year + 1
    )
    assert copied == [(old.pk, new.pk)]


def test_process_create_refuses_copy_when_source_is_another_school(
    process, other_school, school_year
):
    from processes.models import SchoolRole
    from tests.factories import SchoolRoleFactory

    actor = SchoolRoleFactory(school=other_school, role=SchoolRole.Role.DIRECTOR).user
    with pytest.raises(DomainError):
        services.process_create(
            school=other_school,
            school_year=SchoolYearFactory(start_year=2027),
            actor=actor,
            copy_from=process,
        )


def test_decision_cannot_be_changed_or_deleted_when_recorded(process):
    decision = Decision.objects.get(process=process)
    decision.summary = "something else"
    with pytest.raises(Exception, match="cannot be changed"):
        decision.save()
    with pytest.raises(Exception, match="cannot be deleted"):
        decision.delete()
    assert Decision.objects.get(pk=decision.pk).summary != "something else"


def test_step_plan_records_old_and_new_date(process, pmr):
    old = step(process, 2).planned_date
    new = old + datetime.timedelta(days=9)  # the default plan follows today's date: move from it
    services.step_plan(step=step(process, 2), actor=pmr, planned_date=new)
    assert step(process, 2).planned_date == new
    decision = Decision.objects.filter(process=process, action="processes.step.planned").get()
    assert decision.content == {"old": old.isoformat(), "new": new.isoformat()}


def test_step_plan_is_refused_when_step_is_finished(process, director, pmr):
    services.step_sign_off(step=step(process, 1), actor=director)
    services.step_sign_off(step=step(process, 1), actor=pmr)
    with pytest.raises(DomainError):
        services.step_plan(step=step(process, 1), actor=pmr, planned_date=datetime.date(2027, 1, 5))


def test_step_assign_actor_only_for_steps_without_a_cao_actor(process, director, pmr):
    with pytest.raises(DomainError):
        assign_actor(step=step(process, 1), actor=director, agreed_actor="pmr")
    assign_actor(
        step=step(process, 5), actor=director, agreed_actor="external", detail="Bureau Samen Werken"
    )
    assert step(process, 5).agreed_actor == ProcessStep.AgreedActor.EXTERNAL
    with pytest.raises(DomainError):
        assign_actor(step=step(process, 5), actor=director, agreed_actor="nobody")


def test_decisions_are_written_in_the_school_language_whatever_the_actor_uses(
    process, director, settings
):
    from django.utils import translation

    settings.LANGUAGE_CODE = "nl"
    process.school.language = "nl"  # a Dutch school: the tests' schools speak English
    process.school.save()
    with translation.override("en"):
        services.step_sign_off(step=step(process, 1), actor=director)
    decision = Decision.objects.get(action="processes.step.signed_off")
    assert decision.summary == "Stap 1: akkoord namens de directie."
    assert decision.actor_role == "directeur"
