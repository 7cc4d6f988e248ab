"""The demo's ratified process of last school year (schoolplans/demo.py)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from plans.demo import demo_load
from plans.demo_plans import demo_plans
from processes import registry
from processes import services as process_services
from processes.agreement import content_hash
from processes.models import Decision, Process, ProcessStep, SchoolYear, SignOff
from schoolplans.demo import demo_ratified
from schoolplans.models import (
    EvaluationAgreement,
    PmrDecision,
    Publication,
    RatificationRecord,
    SchoolPlanMeasure,
    SchoolPlanVersion,
    TaskPolicyConsent,
)
from schoolplans.selectors import next_year
from schoolplans.selectors.archive import archive_content
from schoolplans.selectors.merge import step9_final_version_blocker
from schoolplans.selectors.publication import step10_needs_publication
from schoolplans.selectors.ratification import step11_blockers
from schoolplans.services import next_year as next_year_services
from schoolplans.services.ratification import ratification_record_write
from voting.models import Vote


@pytest.fixture
def steps_9_to_11_registered(monkeypatch):
    """The hooks of steps 9-11 as the lead registers them from schoolplans/steps.py (added
    here only if missing, so these tests do not depend on the order of integration)."""
    blockers = {number: list(fns) for number, fns in registry._blockers.items()}
    hooks = {number: list(fns) for number, fns in registry._completion_hooks.items()}
    wanted = {
        9: step9_final_version_blocker,
        10: step10_needs_publication,
        11: step11_blockers,
    }
    for number, blocker in wanted.items():
        if blocker not in blockers.setdefault(number, []):
            blockers[number].append(blocker)
    if ratification_record_write not in hooks.setdefault(11, []):
        hooks[11].append(ratification_record_write)
    copy_hooks = registry.copy_hooks()
    if next_year_services.follow_up_copy not in copy_hooks:
        copy_hooks.append(next_year_services.follow_up_copy)
    monkeypatch.setattr(registry, "_blockers", blockers)
    monkeypatch.setattr(registry, "_completion_hooks", hooks)
    monkeypatch.setattr(registry, "_copy_hooks", copy_hooks)


@pytest.fixture
def demo(db, steps_9_to_11_registered):
    return demo_load()


@pytest.fixture
def ratified(demo):
    return demo_ratified(demo)


def test_second_school_has_a_ratified_process_for_last_school_year(demo, ratified):
    assert ratified.school == demo["schools"][1]
    assert ratified.school_year == SchoolYear.objects.current().previous()
    assert set(ratified.steps.values_list("state", flat=True)) == {ProcessStep.State.DONE}
    # Steps 0-4: the board's distribution of that year, the agreement and an adopted vote.
    line = ratified.budget_lines.get()
    assert line.source.allocation.school_year == ratified.school_year
    assert ratified.units.count() == 3 and ratified.framework_rules.count() == 6
    vote = Vote.objects.get(process=ratified, kind="agreement")
    assert vote.outcome == "adopted" and vote.agreement.process == ratified
    # Steps 5-8.
    assert ratified.kickoff_sessions.get().held_at is not None
    assert ratified.unit_announcements.filter(current=True).count() == 3
    assert ratified.working_methods.count() == 3
    assert set(ratified.unit_plans.values_list("state", flat=True)) == {"submitted"}


def test_school_plan_has_a_changed_amount_and_a_combined_pair(ratified):
    measures = list(SchoolPlanMeasure.objects.filter(school_plan__process=ratified))
    changed = next(m for m in measures if m.title.startswith("Teamdag"))
    start = str(ratified.school_year.start_year)
    assert changed.cost_per_year[start] == "2500.00" and changed.annotation
    (source,) = changed.source_links.all()
    assert source.total_cost == Decimal("3000.00")
    combined = next(m for m in measures if m.source_links.count() == 2)
    assert combined.unit is None and combined.total_cost == Decimal("7700.00")
    assert {s.unit_name for s in combined.source_links.all()} == {
        "Docenten bèta en gamma",
        "Docenten talen en kunst",
    }
    assert len(measures) == 6  # seven unit measures, two of them combined
    (version,) = SchoolPlanVersion.objects.filter(school_plan__process=ratified)
    assert version.content_hash == content_hash(version.content)
    assert {c["field"] for m in version.content["measures"] for c in m["changes"]}


def test_plan_was_published_evaluated_consented_and_signed(ratified):
    version = SchoolPlanVersion.objects.get(school_plan__process=ratified)
    published = Publication.objects.get(version=version)
    assert published.comments.count() == 1
    assert EvaluationAgreement.objects.get(process=ratified).follow_up
    consent = PmrDecision.objects.get(version=version)
    assert consent.outcome == "consent" and consent.meeting_date == timezone.localdate()
    step11 = ratified.steps.get(number=11)
    assert set(SignOff.objects.filter(step=step11).values_list("side", flat=True)) == {
        "director",
        "pmr",
    }
    # The meeting hours are part of the task policy: the PMR consented to that separately.
    (task_policy,) = TaskPolicyConsent.objects.filter(version=version)
    assert task_policy.outcome == "consent"
    assert task_policy.measure_title == "Eén teamvergadering per maand in plaats van twee"
    record = RatificationRecord.objects.get(version=version)
    assert record.decision_list and record.decision_list_hash == content_hash(record.decision_list)
    assert Decision.objects.filter(process=ratified, action="schoolplans.plan.ratified").exists()


def test_demo_ratified_is_idempotent_and_leaves_this_year_alone(demo, ratified):
    counts = (Process.objects.count(), Decision.objects.count(), Vote.objects.count())
    assert demo_ratified(demo) == ratified
    assert (Process.objects.count(), Decision.objects.count(), Vote.objects.count()) == counts
    current = demo_plans(demo)
    assert current.school == ratified.school and current != ratified
    assert current.steps.get(number=8).state == ProcessStep.State.OPEN


def test_ratified_demo_exports_every_part(ratified):
    data = archive_content(ratified)
    assert data["school_plan"]["versions"][0]["sha256"] == data["ratification"]["version_sha256"]
    assert len(data["school_plan"]["measures"]) == 6
    assert data["publications"][0]["comments"] and data["evaluation_agreement"]["follow_up"]
    assert [d["outcome"] for d in data["pmr_decisions"]] == ["consent"]
    assert data["ratification"]["decision_list"]
    assert data["board"]["allocation"]["school_amount"] == data["budget"]["total"]
    assert all(data[key] for key in ("votes", "kickoff_sessions", "announcements", "unit_plans"))


def test_next_year_starts_from_the_ratified_demo(demo, ratified):
    director = ratified.school.roles.get(role="director").user
    new = process_services.process_create(
        school=ratified.school,
        school_year=SchoolYear.objects.current(),
        actor=director,
        copy_from=ratified,
    )
    assert next_year.follow_up_carried(new).startswith("Volgend jaar de enquête")
    assert new.units.count() == 3 and new.framework_rules.count() == 6
    version = SchoolPlanVersion.objects.get(school_plan__process=ratified)
    school = version.content["budget"]["school"]
    planned = Decimal(school["cost_per_year"][str(ratified.school_year.start_year)])
    assert next_year.carry_over_offer(new) == Decimal(school["budget"]) - planned > 0
    line = next_year_services.carry_over_accept(process=new, actor=director)
    assert line.kind == "carry_over" and next_year.carry_over_offer(new) is None


def test_demo_command_names_the_ratified_process(db, settings, steps_9_to_11_registered):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo", stdout=out)
    last = SchoolYear.objects.current().previous()
    assert f"ratified school plan for {last}" in out.getvalue()
    assert RatificationRecord.objects.filter(
        version__school_plan__process__school__brin="34CD",
        version__school_plan__process__school_year=last,
    ).exists()


def test_the_demo_meldpunt_has_an_answered_shared_report_without_a_name(ratified):
    from schoolplans.demo import demo_concerns
    from schoolplans.models import Concern

    demo_concerns(ratified)
    demo_concerns(ratified)  # idempotent
    concern = Concern.objects.get(process=ratified)
    assert concern.reporter is None and concern.shared and concern.is_answered
    assert "conciërge" in concern.measure_title
