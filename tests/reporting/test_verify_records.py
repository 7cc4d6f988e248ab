"""Issue 19, item 5: ``manage.py verify_records`` recomputes the frozen hashes and the money
sums and reports every difference (object, field, expected, found), exiting with 1.

The demo (all of it, as ``manage.py demo`` loads it) has frozen agreements, a ratified school
plan with a task-policy decision, two board allocations and splits with step 2 done.
"""

import copy
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.test import override_settings

from processes.agreement import content_hash
from processes.models import AgreementVersion, ProcessStep
from reporting.verification import verify_records
from schoolplans.models import RatificationRecord, SchoolPlanVersion, TaskPolicyConsent
from units.models import BudgetLine, BudgetSplit, OrganisationalUnit, SchoolAllocation

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module inside a transaction that is rolled back at its
    end; each test runs in a savepoint of its own within it (the ``db`` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):  # the demo command refuses otherwise
            call_command("demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded, db):
    pass


def run_command():
    """(exit status, output) of ``manage.py verify_records``."""
    out = io.StringIO()
    try:
        call_command("verify_records", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_the_clean_demo_verifies(demo):
    result = verify_records()

    assert result.ok, result.differences
    # Every kind of record was really looked at.
    assert result.checked["agreement versions"] >= 1
    assert result.checked["school plan versions"] >= 1
    assert result.checked["ratification records"] >= 1
    assert result.checked["task policy decisions"] >= 1
    assert result.checked["board allocations"] >= 1
    assert result.checked["budget splits"] >= 1
    status, output = run_command()
    assert status == 0
    assert output.endswith("No differences.\n")


def test_a_tampered_agreement_is_reported_with_expected_and_found(demo):
    version = AgreementVersion.objects.order_by("pk").first()
    tampered = copy.deepcopy(version.content)
    tampered["school"]["name"] += " (changed)"
    AgreementVersion.objects.filter(pk=version.pk).update(content=tampered)

    status, output = run_command()

    assert status == 1
    assert (
        f"processes.AgreementVersion #{version.pk} ({version}): content_hash: "
        f"expected {version.content_hash}, found {content_hash(tampered)}"
    ) in output
    assert output.endswith("1 difference found.")


def test_a_tampered_hash_is_reported_too(demo):
    version = SchoolPlanVersion.objects.order_by("pk").first()
    SchoolPlanVersion.objects.filter(pk=version.pk).update(content_hash="0" * 64)

    (difference,) = verify_records().differences

    assert difference.object == f"schoolplans.SchoolPlanVersion #{version.pk} ({version})"
    assert (difference.field, difference.expected) == ("content_hash", "0" * 64)
    assert difference.found == version.content_hash


def test_a_tampered_school_plan_measure_breaks_the_version_and_its_task_policy_decision(demo):
    decision = TaskPolicyConsent.objects.select_related("version").first()
    version = decision.version
    content = copy.deepcopy(version.content)
    measure = next(m for m in content["measures"] if m["key"] == decision.measure_key)
    measure["title"] += " (changed)"
    SchoolPlanVersion.objects.filter(pk=version.pk).update(content=content)

    differences = verify_records().differences

    assert {(d.object.split(" #")[0], d.field) for d in differences} == {
        ("schoolplans.SchoolPlanVersion", "content_hash"),
        ("schoolplans.TaskPolicyConsent", "measure_hash"),
    }
    assert run_command()[0] == 1


def test_a_tampered_decision_list_of_a_ratification(demo):
    record = RatificationRecord.objects.first()
    entries = copy.deepcopy(record.decision_list)
    entries[0]["summary"] = "Something else was decided."
    RatificationRecord.objects.filter(pk=record.pk).update(decision_list=entries)

    (difference,) = verify_records().differences

    assert difference.object.startswith(f"schoolplans.RatificationRecord #{record.pk} ")
    assert difference.field == "decision_list_hash"
    assert difference.expected == record.decision_list_hash


def test_a_school_share_a_cent_off_breaks_the_board_allocation(demo):
    share = SchoolAllocation.objects.select_related("allocation").order_by("pk").first()
    SchoolAllocation.objects.filter(pk=share.pk).update(amount=F("amount") + CENT)

    (difference,) = verify_records().differences

    allocation = share.allocation
    assert difference.object == f"units.BoardAllocation #{allocation.pk} ({allocation})"
    assert difference.field == "board_office_amount + shares"
    assert difference.expected == f"€ {allocation.total:.2f}"
    assert difference.found == f"€ {allocation.total + CENT:.2f}"


def test_a_unit_budget_a_cent_off_breaks_a_signed_off_split(demo):
    done = ProcessStep.objects.filter(number=2, state=ProcessStep.State.DONE).values("process")
    split = (
        BudgetSplit.objects.filter(process__in=done)
        .exclude(method=BudgetSplit.Method.DEFERRED)
        .first()
    )
    unit = OrganisationalUnit.objects.filter(process=split.process, amount__gt=0).first()
    OrganisationalUnit.objects.filter(pk=unit.pk).update(amount=F("amount") - CENT)

    (difference,) = verify_records().differences

    assert difference.object == f"units.BudgetSplit #{split.pk} ({split})"
    assert difference.field == "reserve_amount + units' amounts"
    assert difference.expected == f"€ {split.school_total:.2f}"
    assert difference.found == f"€ {split.school_total - CENT:.2f}"


def test_a_budget_line_changed_behind_a_signed_off_split(demo):
    done = ProcessStep.objects.filter(number=2, state=ProcessStep.State.DONE).values("process")
    split = BudgetSplit.objects.filter(process__in=done).first()
    line = BudgetLine.objects.filter(process=split.process).first()
    BudgetLine.objects.filter(pk=line.pk).update(amount=F("amount") + 100)

    (difference,) = verify_records().differences

    assert difference.field == "school_total"
    assert difference.expected == f"€ {split.school_total + 100:.2f} (the sum of the budget lines)"
    assert difference.found == f"€ {split.school_total:.2f}"


def test_a_split_of_an_open_step_2_may_be_out_of_date(demo):
    """Before both sign off, units and budget lines may change after the split was computed:
    that is the split being out of date (the page says so), not a damaged record."""
    done = ProcessStep.objects.filter(number=2, state=ProcessStep.State.DONE)
    step = done.first()
    ProcessStep.objects.filter(pk=step.pk).update(state=ProcessStep.State.OPEN)
    BudgetLine.objects.filter(process=step.process_id).update(amount=F("amount") + 100)

    assert verify_records().ok
