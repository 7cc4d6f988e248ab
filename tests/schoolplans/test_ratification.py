"""Step 11: the evaluation agreement, the PMR's decision (consent or refusal) and the
director's signature; the refusal paths back to step 9 or step 8; the pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from plans.models import UnitPlan
from processes import services
from processes.agreement import content_hash
from processes.models import Decision, ProcessStep, SignOff
from schoolplans.models import (
    EvaluationAgreement,
    PmrDecision,
    Publication,
    RatificationRecord,
    SchoolPlanVersion,
)
from schoolplans.services import merge
from schoolplans.services.ratification import (
    evaluation_agreement_save,
    pmr_decision_record,
    ratification_director_sign,
)
from tests.fixtures.step8 import user
from tests.schoolplans.test_publication import (  # noqa: F401 (fixtures)
    CHANGED,
    ORIGINAL,
    publish,
    ratify_steps,
    step,
    world_at_step10,
)
from units.models import OrganisationalUnit
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db

StepState = ProcessStep.State
Outcome = PmrDecision.Outcome
TODAY = timezone.localdate


EVALUATION = {
    "what": "De ervaren werkdruk per eenheid.",
    "indicators": "Score op de werkdrukvragenlijst; gebruik van de maatregelen.",
    "when": "In mei, na afloop van het schooljaar.",
    "responsible": "De stuurgroep.",
    "sharing": "In de personeelsvergadering van juni.",
    "follow_up": "Eenheden met een hogere score krijgen voorrang.",
}


def evaluate(process, actor=None, **changes):
    values = {**EVALUATION, **changes}
    return evaluation_agreement_save(process=process, actor=actor or user("pmr"), **values)


def consent(world, actor=None, **kwargs):
    kwargs.setdefault("meeting_date", TODAY())
    return pmr_decision_record(
        version=world.version, actor=actor or user("pmr"), outcome=Outcome.CONSENT, **kwargs
    )


def refuse(world, reasons="De verdeling doet de eenheden geen recht.", **kwargs):
    return pmr_decision_record(
        version=world.version,
        actor=user("pmr"),
        outcome=Outcome.REFUSAL,
        meeting_date=TODAY(),
        reasons=reasons,
        **kwargs,
    )


@pytest.fixture
def published():
    """The demo school with a published school plan: step 11 is open."""
    world = world_at_step10()
    publish(world)
    assert step(world.process, 11).state == StepState.OPEN
    return world


@pytest.fixture
def evaluated(published):
    evaluate(published.process)
    return published


# --- the evaluation agreement ------------------------------------------------------------


def test_the_evaluation_agreement_needs_every_part_and_the_director_or_pmr(published):
    with pytest.raises(DomainError) as refused:
        evaluate(published.process, indicators=" ", sharing="")
    assert refused.value.details == ["Missing: indicators.", "Missing: how the results are shared."]
    with pytest.raises(PermissionDenied):
        evaluate(published.process, user("docent"))
    assert not EvaluationAgreement.objects.exists()

    agreement = evaluate(published.process, user("directeur"))
    assert agreement.follow_up == EVALUATION["follow_up"]
    recorded = Decision.objects.get(action="schoolplans.evaluation.recorded")
    assert recorded.step_number == 11 and recorded.content["what"] == EVALUATION["what"]


def test_saving_the_same_evaluation_again_records_nothing(evaluated):
    evaluate(evaluated.process)
    assert not Decision.objects.filter(action="schoolplans.evaluation.changed").exists()
    evaluate(evaluated.process, when="In april.")
    assert EvaluationAgreement.objects.get().when == "In april."
    assert Decision.objects.filter(action="schoolplans.evaluation.changed").count() == 1


def test_after_the_pmrs_consent_the_evaluation_changes_only_after_reopening(evaluated):
    consent(evaluated)
    with pytest.raises(DomainError, match="Reopen step 11 first"):
        evaluate(evaluated.process, when="In april.")

    services.step_reopen(
        step=step(evaluated.process, 11), actor=user("directeur"), grounds="Evaluatie aanpassen."
    )
    evaluate(evaluated.process, when="In april.")
    assert EvaluationAgreement.objects.get().when == "In april."
    # The PMR's sign-off of the earlier revision no longer counts: it records its decision
    # again, and a bare sign-off on the step page does not stand in for it.
    with pytest.raises(DomainError) as refused:
        services.step_sign_off(step=step(evaluated.process, 11), actor=user("pmr"))
    assert "The PMR has not yet recorded its consent to the published version." in (
        refused.value.details
    )
    consent(evaluated)
    assert step(evaluated.process, 11).sign_offs.filter(revision=2, side="pmr").exists()


# --- consent and signature ----------------------------------------------------------------


def test_ratification_is_impossible_without_an_evaluation_agreement(published):
    with pytest.raises(DomainError) as refused:
        consent(published)
    assert any("evaluation agreement" in detail for detail in refused.value.details)
    assert not PmrDecision.objects.exists()  # rolled back with the refused sign-off
    with pytest.raises(DomainError):
        ratification_director_sign(process=published.process, actor=user("directeur"))
    assert step(published.process, 11).state == StepState.OPEN
    assert not SignOff.objects.filter(step__number=11).exists()


def test_one_signature_does_not_ratify(evaluated):
    with pytest.raises(DomainError) as refused:  # the director cannot sign before the PMR
        ratification_director_sign(process=evaluated.process, actor=user("directeur"))
    assert "The PMR has not yet recorded its consent to the published version." in (
        refused.value.details
    )

    decision = consent(evaluated)
    assert decision.outcome == Outcome.CONSENT
    step11 = step(evaluated.process, 11)
    assert step11.state == StepState.OPEN
    assert list(step11.sign_offs.values_list("side", flat=True)) == [SignOff.Side.PMR]
    assert not RatificationRecord.objects.exists()
    with pytest.raises(DomainError, match="already consented"):
        consent(evaluated)


def test_consent_and_the_directors_signature_ratify_the_published_version(evaluated):
    consent(evaluated, reasons="Unaniem.")
    step11 = ratification_director_sign(process=evaluated.process, actor=user("directeur"))

    assert step11.state == StepState.DONE
    record = RatificationRecord.objects.get()
    assert record.version == evaluated.version
    assert record.decision_list_hash == content_hash(record.decision_list)
    actions = [entry["action"] for entry in record.decision_list]
    assert actions[-1] == "schoolplans.plan.ratified"
    assert "schoolplans.pmr.consented" in actions and "schoolplans.plan.published" in actions
    ratified = Decision.objects.get(action="schoolplans.plan.ratified")
    assert ratified.actor == user("directeur")
    assert ratified.content["meeting_date"] == TODAY().isoformat()


def test_who_decides_and_who_signs(evaluated):
    with pytest.raises(PermissionDenied):
        consent(evaluated, user("directeur"))
    with pytest.raises(PermissionDenied):
        consent(evaluated, user("docent"))
    consent(evaluated)
    with pytest.raises(PermissionDenied):
        ratification_director_sign(process=evaluated.process, actor=user("pmr"))
    assert step(evaluated.process, 11).state == StepState.OPEN


def test_the_meeting_date_and_the_outcome_are_checked(evaluated):
    with pytest.raises(DomainError, match="cannot lie in the future"):
        consent(evaluated, meeting_date=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="before this version was marked final"):
        consent(evaluated, meeting_date=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="Units are sent back only with a refusal"):
        consent(evaluated, units_to_revise=[evaluated.changed.unit])
    with pytest.raises(DomainError, match="Give the PMR's reasons"):
        refuse(evaluated, reasons="  ")
    assert not PmrDecision.objects.exists()


# --- refusal ------------------------------------------------------------------------------


def test_a_refusal_reopens_step_9_and_keeps_the_refused_version(evaluated):
    reasons = "De maatregelen voor het OOP ontbreken."
    decision = refuse(evaluated, reasons=reasons)

    assert decision.outcome == Outcome.REFUSAL and decision.reasons == reasons
    process = evaluated.process
    assert step(process, 9).state == StepState.OPEN and step(process, 9).revision == 2
    assert step(process, 10).state == StepState.LOCKED
    assert step(process, 11).state == StepState.LOCKED
    assert SchoolPlanVersion.objects.filter(pk=evaluated.version.pk).exists()
    assert Publication.objects.filter(version=evaluated.version).exists()
    reopened = Decision.objects.filter(action="processes.step.reopened", step_number=9).get()
    assert reopened.grounds == reasons
    refused = Decision.objects.get(action="schoolplans.pmr.refused")
    assert refused.grounds == reasons and refused.content["units"] == []
    assert not RatificationRecord.objects.exists()


def test_a_refusal_naming_units_returns_their_plans_to_step_8(evaluated):
    unit = evaluated.changed.unit
    decision = refuse(evaluated, units_to_revise=[unit])

    assert list(decision.units_to_revise.all()) == [unit]
    process = evaluated.process
    plans = UnitPlan.objects.filter(process=process)
    assert plans.get(unit=unit).state == UnitPlan.State.RETURNED
    assert plans.exclude(unit=unit).filter(state=UnitPlan.State.SUBMITTED).count() == (
        plans.count() - 1
    )
    assert step(process, 8).state == StepState.OPEN
    assert step(process, 9).state == StepState.LOCKED
    assert step(process, 11).state == StepState.LOCKED
    assert SchoolPlanVersion.objects.filter(pk=evaluated.version.pk).exists()


def test_only_units_with_a_submitted_plan_are_sent_back(evaluated):
    newcomer = OrganisationalUnit.objects.create(process=evaluated.process, name="Nieuw team")
    with pytest.raises(DomainError, match="not submitted: Nieuw team"):
        refuse(evaluated, units_to_revise=[newcomer])
    with pytest.raises(DomainError, match="Choose units of this process"):
        refuse(evaluated, units_to_revise=[newcomer.pk + 1000])
    assert step(evaluated.process, 9).state == StepState.DONE
    assert not PmrDecision.objects.exists()


def test_after_a_refusal_the_next_version_is_published_and_ratified(evaluated):
    refuse(evaluated)
    process = evaluated.process
    school_plan = evaluated.version.school_plan
    measure = school_plan.measures.get(pk=evaluated.changed.pk)
    merge.school_measure_update(
        measure=measure,
        actor=user("directeur"),
        title=measure.title,
        description=measure.description,
        category=measure.category,
        cost_per_year={evaluated.year: ORIGINAL},
        annotation="",
    )
    evaluated.version = merge.school_plan_mark_final(
        school_plan=school_plan, actor=user("directeur")
    )
    assert evaluated.version.number == 2
    publish(evaluated)
    consent(evaluated)
    ratification_director_sign(process=process, actor=user("directeur"))

    record = RatificationRecord.objects.get()
    assert record.version.number == 2
    first = SchoolPlanVersion.objects.get(school_plan=school_plan, number=1)
    assert first.pmr_decisions.get().outcome == Outcome.REFUSAL


# --- pages --------------------------------------------------------------------------------


def test_the_pmr_sees_the_trace_and_the_units_original_on_the_ratification_page(client, evaluated):
    client.force_login(user("pmr"))
    html = client.get(reverse("schoolplans:ratification", args=[evaluated.process.pk]))
    html = html.content.decode()
    assert 'data-testid="pmr-decide"' in html and 'data-testid="director-sign"' not in html
    content = evaluated.version.content
    assert html.count('data-testid="measure"') == len(content["measures"])
    assert html.count('data-testid="source"') == sum(len(m["sources"]) for m in content["measures"])
    assert 'data-testid="changed-amount"' in html and 'data-testid="original-amount"' in html
    assert escape(evaluated.changed.unit.name) in html


def test_consent_and_signature_through_the_pages(client, evaluated):
    url = reverse("schoolplans:ratification", args=[evaluated.process.pk])
    client.force_login(user("pmr"))
    pmr_url = reverse("schoolplans:ratification-pmr", args=[evaluated.process.pk])
    response = client.post(pmr_url, {"outcome": "refusal", "meeting_date": TODAY().isoformat()})
    assert response.status_code == 400  # a refusal without reasons
    assert not PmrDecision.objects.exists()
    response = client.post(pmr_url, {"outcome": "consent", "meeting_date": TODAY().isoformat()})
    assert response.status_code == 302

    client.force_login(user("docent"))
    html = client.get(url).content.decode()
    assert 'data-testid="pmr-decide"' not in html and 'data-testid="director-sign"' not in html
    assert client.post(pmr_url, {"outcome": "consent"}).status_code == 403

    client.force_login(user("directeur"))
    director_url = reverse("schoolplans:ratification-director", args=[evaluated.process.pk])
    assert client.post(director_url).status_code == 302
    assert step(evaluated.process, 11).state == StepState.DONE
    assert 'data-testid="ratified"' in client.get(url).content.decode()


def test_the_evaluation_agreement_through_its_page(client, published):
    url = reverse("schoolplans:evaluation", args=[published.process.pk])
    client.force_login(user("docent"))
    assert 'data-testid="evaluation-form"' not in client.get(url).content.decode()
    assert client.post(url, EVALUATION).status_code == 403

    client.force_login(user("directeur"))
    assert client.post(url, {**EVALUATION, "what": ""}).status_code == 400
    assert client.post(url, EVALUATION).status_code == 302
    assert EvaluationAgreement.objects.get().recorded_by == user("directeur")


def test_a_refusal_through_the_page_sends_the_named_unit_back_and_stays_listed(client, evaluated):
    unit = evaluated.changed.unit
    client.force_login(user("pmr"))
    pmr_url = reverse("schoolplans:ratification-pmr", args=[evaluated.process.pk])
    data = {"outcome": "refusal", "meeting_date": TODAY().isoformat(), "reasons": "Te duur."}
    response = client.post(pmr_url, {**data, "units_to_revise": [unit.pk]})
    assert response.status_code == 302
    assert UnitPlan.objects.get(unit=unit).state == UnitPlan.State.RETURNED

    html = client.get(reverse("schoolplans:ratification", args=[evaluated.process.pk]))
    html = html.content.decode()
    assert 'data-testid="pmr-decide"' not in html  # step 11 waits for the new plan
    history = html.split('data-testid="pmr-decisions"')[1].split("</ul>")[0]
    assert "Te duur." in history and escape(unit.name) in history
    assert client.post(pmr_url, data).status_code == 403
