"""The task policy kept apart (issue 18 item 6): every measure of the school plan that changes
the task policy needs the PMR's separate consent, recorded per measure by a PMR member; the
plan is not ratified without it; the consent is bound to the measure's content in a version;
the page and its permissions; the state shown next to the measure."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from plans.services.unit_plan_decisions import plan_submit
from plans.services.unit_plans import plan_for_unit
from processes.models import Decision, ProcessStep
from schoolplans.models import RatificationRecord, TaskPolicyConsent
from schoolplans.selectors.ratification import step11_blockers
from schoolplans.selectors.task_policy import STATE_LABELS, task_policy_rows
from schoolplans.services import merge
from schoolplans.services.ratification import (
    pmr_decision_record,
    ratification_director_sign,
)
from schoolplans.services.task_policy import task_policy_decision_record
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.fixtures.step8 import add, coordinator, step8_process, units_of, user
from tests.fixtures.steps import assign_actor
from tests.schoolplans.test_publication import (  # noqa: F401 (fixtures)
    ORIGINAL,
    World,
    pdf_text,
    publish,
    ratify_steps,
    step,
)
from tests.schoolplans.test_ratification import evaluate
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db

StepState = ProcessStep.State
Outcome = TaskPolicyConsent.Outcome
TODAY = timezone.localdate
TASK_TITLE = "Taken bij roosterwijzigingen opnieuw verdelen"


def world_with_task_policy() -> World:
    """The demo school through step 8, one unit's plan with a measure that changes the task
    policy; merged, marked final and published, with the evaluation agreement: step 11 open.
    ``changed`` is the task-policy measure of the school plan."""
    process = step8_process()
    year = process.school_year.start_year
    for index, unit in enumerate(units_of(process)):
        leader = coordinator(unit)
        plan = plan_for_unit(unit=unit)
        add(plan, leader, year, title=f"Maatregel voor {unit.name}", amount=ORIGINAL)
        if index == 0:
            add(plan, leader, year, title=TASK_TITLE, amount=ORIGINAL, changes_task_policy=True)
        plan_submit(plan=plan, actor=leader)
    director = user("directeur")
    for number in (9, 10):
        assign_actor(step=step(process, number), actor=director, agreed_actor="director")
    school_plan = merge.school_plan_create(process=process, actor=director)
    version = merge.school_plan_mark_final(school_plan=school_plan, actor=director)
    world = World(
        process=process,
        version=version,
        changed=school_plan.measures.get(changes_task_policy=True),
    )
    publish(world)
    evaluate(process)
    assert step(process, 11).state == StepState.OPEN
    return world


@pytest.fixture
def world():
    return world_with_task_policy()


def decide(world, outcome=Outcome.CONSENT, actor=None, **kwargs):
    kwargs.setdefault("meeting_date", TODAY())
    kwargs.setdefault("measure_key", str(world.changed.pk))
    if outcome == Outcome.REFUSAL:
        kwargs.setdefault("reasons", "Dit hoort in het taakbeleid, niet in het werkdrukplan.")
    return task_policy_decision_record(
        version=world.version, actor=actor or user("pmr"), outcome=outcome, **kwargs
    )


def plan_consent(world):
    return pmr_decision_record(
        version=world.version, actor=user("pmr"), outcome="consent", meeting_date=TODAY()
    )


def state(world):
    (row,) = task_policy_rows(world.version)
    return row.state


def change_task_measure(world, amount):
    """Step 9 reopened by a refusal of the plan; the task-policy measure's amount changed or
    (amount None) another measure changed; a new final version, published."""
    pmr_decision_record(
        version=world.version,
        actor=user("pmr"),
        outcome="refusal",
        meeting_date=TODAY(),
        reasons="Eerst de maatregelen aanpassen.",
    )
    school_plan = world.version.school_plan
    target = (
        school_plan.measures.get(pk=world.changed.pk)
        if amount is not None
        else school_plan.measures.exclude(pk=world.changed.pk).first()
    )
    merge.school_measure_update(
        measure=target,
        actor=user("directeur"),
        title=target.title,
        description=target.description,
        category=target.category,
        cost_per_year={world.year: amount or ORIGINAL + 1},
        annotation="Aangepast.",
    )
    world.version = merge.school_plan_mark_final(school_plan=school_plan, actor=user("directeur"))
    publish(world)


# --- the rules ----------------------------------------------------------------------------


def test_the_missing_consent_blocks_the_ratification_naming_the_measure(world):
    blockers = step11_blockers(step(world.process, 11))
    assert any(TASK_TITLE in reason and "separate consent" in reason for reason in blockers)
    with pytest.raises(DomainError, match=TASK_TITLE):
        plan_consent(world)
    with pytest.raises(DomainError, match=TASK_TITLE):
        ratification_director_sign(process=world.process, actor=user("directeur"))
    assert not RatificationRecord.objects.exists()

    decide(world)
    assert state(world) == "consent"
    plan_consent(world)
    ratification_director_sign(process=world.process, actor=user("directeur"))
    assert RatificationRecord.objects.get().version == world.version
    recorded = Decision.objects.get(action="schoolplans.task_policy.consented")
    assert recorded.step_number == 11
    assert recorded.content["measure"] == str(world.changed.pk)
    assert recorded.content["sha256"] == world.version.content_hash


def test_a_refused_measure_blocks_until_it_is_changed_and_consented(world):
    decide(world, Outcome.REFUSAL)
    assert state(world) == "refusal"
    with pytest.raises(DomainError, match="refused its consent"):
        plan_consent(world)
    assert Decision.objects.get(action="schoolplans.task_policy.refused").grounds
    # The measure is changed in a new version: the PMR decides again on the changed measure.
    change_task_measure(world, ORIGINAL - 500)
    assert world.version.number == 2
    assert state(world) == "missing"
    decide(world)
    plan_consent(world)
    ratification_director_sign(process=world.process, actor=user("directeur"))
    assert RatificationRecord.objects.get().version.number == 2


def test_the_consent_stays_for_an_unchanged_measure_in_a_new_version(world):
    decide(world)
    change_task_measure(world, None)  # another measure changed
    assert world.version.number == 2
    assert state(world) == "consent"
    plan_consent(world)


def test_the_consent_is_asked_again_after_the_measure_changed(world):
    decide(world)
    change_task_measure(world, ORIGINAL + 250)
    assert state(world) == "missing"
    with pytest.raises(DomainError, match=TASK_TITLE):
        plan_consent(world)


def test_only_a_pmr_member_of_the_school_records(world):
    other_pmr = SchoolRoleFactory(school=SchoolFactory(), role="pmr").user
    for actor in (user("directeur"), user("stuurgroep"), user("docent"), other_pmr):
        with pytest.raises(PermissionDenied):
            decide(world, actor=actor)
    assert not TaskPolicyConsent.objects.exists()


def test_the_date_and_the_decision_are_checked(world):
    with pytest.raises(DomainError, match="future"):
        decide(world, meeting_date=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="before this version was marked final"):
        decide(world, meeting_date=TODAY() - datetime.timedelta(days=400))
    with pytest.raises(DomainError, match="reasons"):
        decide(world, Outcome.REFUSAL, reasons=" ")
    with pytest.raises(DomainError, match="Choose consent or refusal"):
        decide(world, "maybe")
    other = world.version.school_plan.measures.exclude(pk=world.changed.pk).first()
    with pytest.raises(DomainError, match="does not change the task policy"):
        decide(world, measure_key=str(other.pk))
    assert not TaskPolicyConsent.objects.exists()
    decide(world)
    with pytest.raises(DomainError, match="already recorded"):
        decide(world)


def test_nothing_is_recorded_after_the_pmrs_consent_to_the_plan_or_the_ratification(world):
    decide(world)
    plan_consent(world)
    with pytest.raises(DomainError, match="Reopen step 11"):
        decide(world, Outcome.REFUSAL)
    ratification_director_sign(process=world.process, actor=user("directeur"))
    with pytest.raises(DomainError, match="ratified"):
        decide(world, Outcome.REFUSAL)


def test_a_refusal_then_consent_at_a_later_meeting_counts_the_latest(world):
    decide(world, Outcome.REFUSAL, meeting_date=TODAY())
    decide(world)
    assert state(world) == "consent"
    assert TaskPolicyConsent.objects.count() == 2
    row = TaskPolicyConsent.objects.first()
    row.reasons = "anders"
    with pytest.raises(ValidationError):  # rows are never changed
        row.save()


# --- the pages ----------------------------------------------------------------------------


def page(world):
    return reverse("schoolplans:task-policy", args=[world.process.pk])


def record_url(world):
    return reverse("schoolplans:task-policy-record", args=[world.process.pk, world.changed.pk])


def form_data(world, outcome="consent", **extra):
    prefix = f"m{world.changed.pk}-"
    values = {"outcome": outcome, "meeting_date": TODAY().isoformat(), **extra}
    return {prefix + name: value for name, value in values.items()}


def test_permission_matrix_of_the_task_policy_pages(client, world):
    other_school = SchoolFactory(board=world.process.school.board)
    other_board = SchoolFactory()
    teacher = UserFactory()
    StaffMemberFactory(school=other_school, user=teacher, email=teacher.email)
    expected = {
        # who: (status of the page, status of a recording)
        "anonymous": (302, 302),
        "directeur": (200, 403),
        "pmr": (200, 302),
        "stuurgroep": (200, 403),
        "docent": (403, 403),
        "django staff": (404, 404),
        "other school's director": (404, 404),
        "other board's admin": (404, 404),
    }
    people = {
        "directeur": user("directeur"),
        "pmr": user("pmr"),
        "stuurgroep": user("stuurgroep"),
        "docent": user("docent"),
        "django staff": UserFactory(is_staff=True),
        "other school's director": SchoolRoleFactory(school=other_school, role="director").user,
        "other board's admin": BoardAdministratorFactory(board=other_board.board).user,
    }
    for who, (page_status, post_status) in expected.items():
        client.logout()
        if who != "anonymous":
            client.force_login(people[who])
        got_page = client.get(page(world)).status_code
        got_post = client.post(record_url(world), form_data(world)).status_code
        assert (who, got_page, got_post) == (who, page_status, post_status)
    assert TaskPolicyConsent.objects.count() == 1  # only the PMR's


def test_the_pmr_records_through_the_page_and_errors_are_shown(client, world):
    client.force_login(user("pmr"))
    html = client.get(page(world)).content.decode()
    assert TASK_TITLE in html and 'data-state="missing"' in html
    assert 'data-testid="task-policy-form"' in html
    response = client.post(record_url(world), form_data(world, "refusal"))
    assert response.status_code == 400  # a refusal without reasons
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = client.post(record_url(world), form_data(world, meeting_date=future))
    assert response.status_code == 400
    assert "future" in response.content.decode()
    assert not TaskPolicyConsent.objects.exists()
    assert client.post(record_url(world), form_data(world)).status_code == 302
    html = client.get(page(world)).content.decode()
    assert 'data-state="consent"' in html

    client.force_login(user("directeur"))
    html = client.get(page(world)).content.decode()
    assert 'data-state="consent"' in html and 'data-testid="task-policy-form"' not in html
    ratification = reverse("schoolplans:ratification", args=[world.process.pk])
    assert 'data-testid="task-policy-link"' in client.get(ratification).content.decode()
    client.force_login(user("docent"))
    assert 'data-testid="task-policy-link"' not in client.get(ratification).content.decode()


def test_the_ratification_page_names_the_measure_without_consent(client, world):
    client.force_login(user("directeur"))
    url = reverse("schoolplans:ratification", args=[world.process.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="blockers"' in html and TASK_TITLE in html
    response = client.post(reverse("schoolplans:ratification-director", args=[world.process.pk]))
    assert response.status_code == 302
    assert step(world.process, 11).state == StepState.OPEN
    assert not RatificationRecord.objects.exists()


def test_the_state_shows_next_to_the_measure_in_the_plan_and_the_pdf(client, world):
    client.force_login(user("docent"))
    url = reverse("schoolplans:publication", args=[world.process.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="task-policy-state" data-state="missing"' in html
    decide(world)
    html = client.get(url).content.decode()
    assert 'data-testid="task-policy-state" data-state="consent"' in html
    pdf = client.get(
        reverse("schoolplans:school-plan-pdf", args=[world.process.pk, world.version.number])
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    with translation.override(settings.LANGUAGE_CODE):  # the PDF is in the school's language
        label = str(STATE_LABELS["consent"])
    assert label in pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
