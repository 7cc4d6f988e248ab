"""``manage.py verify_records``: are the records as they were written? (after a restore, a
migration, or when in doubt)

Recomputes every frozen hash with the function that computed it when the record was written:
the agreement versions (``processes.agreement.content_hash``), the school plan's final
versions (the same), the ratification records' decision lists
(``schoolplans.selectors.decision_list.decision_list_hash``) and the PMR's decisions on
task-policy measures (``schoolplans.selectors.task_policy.measure_hash`` of the measure in its
version). And the money sums that every stored split keeps to the cent (domain §4): a board's
allocation (the board office's reservation plus the schools' shares is the board's total) and,
once step 2 is done, a school's split (the central reserve plus the units' budgets is the
school budget of the split, which is the sum of the budget lines).

Reads only; reports each difference as the object, the field, what was expected (the frozen
hash, the total) and what was found (the hash of the content as stored now, the sum).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Sum

from processes.agreement import content_hash
from processes.models import AgreementVersion, ProcessStep
from schoolplans.models import RatificationRecord, SchoolPlanVersion, TaskPolicyConsent
from schoolplans.selectors.decision_list import decision_list_hash
from schoolplans.selectors.task_policy import measure_hash
from units.models import (
    BoardAllocation,
    BudgetLine,
    BudgetSplit,
    OrganisationalUnit,
    SchoolAllocation,
)

CHUNK = 200
UNIT_AMOUNTS = OrganisationalUnit.objects.only("process", "amount")
SPLIT_STEP = 2


@dataclass(frozen=True)
class Difference:
    object: str
    field: str
    expected: str
    found: str

    def __str__(self):
        return f"{self.object}: {self.field}: expected {self.expected}, found {self.found}"


@dataclass
class Verification:
    checked: Counter = field(default_factory=Counter)
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _name(obj) -> str:
    return f"{obj._meta.label} #{obj.pk} ({obj})"


def _hash_differences(obj, field_name: str, stored: str, recomputed: str):
    if stored != recomputed:
        yield Difference(_name(obj), field_name, stored, recomputed)


def agreement_versions(checked: Counter) -> Iterator[Difference]:
    rows = AgreementVersion.objects.select_related("process__school", "process__school_year")
    for version in rows.order_by("pk").iterator(chunk_size=CHUNK):
        checked["agreement versions"] += 1
        yield from _hash_differences(
            version, "content_hash", version.content_hash, content_hash(version.content)
        )


def school_plan_versions(checked: Counter) -> Iterator[Difference]:
    rows = SchoolPlanVersion.objects.select_related(
        "school_plan__process__school", "school_plan__process__school_year"
    )
    for version in rows.order_by("pk").iterator(chunk_size=CHUNK):
        checked["school plan versions"] += 1
        yield from _hash_differences(
            version, "content_hash", version.content_hash, content_hash(version.content)
        )


def ratification_records(checked: Counter) -> Iterator[Difference]:
    rows = RatificationRecord.objects.select_related(
        "version__school_plan__process__school", "version__school_plan__process__school_year"
    ).defer("version__content")
    for record in rows.order_by("pk").iterator(chunk_size=CHUNK):
        checked["ratification records"] += 1
        yield from _hash_differences(
            record,
            "decision_list_hash",
            record.decision_list_hash,
            decision_list_hash(record.decision_list),
        )


def task_policy_consents(checked: Counter) -> Iterator[Difference]:
    """A decision is bound to its measure as it stands in its (frozen) version."""
    rows = TaskPolicyConsent.objects.select_related(
        "version__school_plan__process__school", "version__school_plan__process__school_year"
    )
    for decision in rows.order_by("version_id", "pk").iterator(chunk_size=CHUNK):
        checked["task policy decisions"] += 1
        measures = decision.version.content.get("measures") or []
        measure = next((m for m in measures if m.get("key") == decision.measure_key), None)
        if measure is None:
            yield Difference(
                _name(decision), "measure_key", decision.measure_key, "no such measure"
            )
            continue
        yield from _hash_differences(
            decision, "measure_hash", decision.measure_hash, measure_hash(measure)
        )


def board_allocations(checked: Counter) -> Iterator[Difference]:
    """Allocations with their schools' shares (a fixed proposal, or the final split)."""
    shares = dict(
        SchoolAllocation.objects.values("allocation")
        .annotate(total=Sum("amount"))
        .values_list("allocation", "total")
    )
    rows = BoardAllocation.objects.filter(pk__in=shares).select_related("board", "school_year")
    for allocation in rows.order_by("pk"):
        checked["board allocations"] += 1
        found = allocation.board_office_amount + shares[allocation.pk]
        if found != allocation.total:
            yield Difference(
                _name(allocation),
                "board_office_amount + shares",
                _euro(allocation.total),
                _euro(found),
            )


def budget_splits(checked: Counter) -> Iterator[Difference]:
    """Splits of processes whose step 2 is done (signed off by both): before that a split may
    be out of date by design (units or budget lines changed since it was computed)."""
    done = ProcessStep.objects.filter(number=SPLIT_STEP, state=ProcessStep.State.DONE)
    rows = (
        BudgetSplit.objects.filter(process__in=done.values("process"))
        .select_related("process__school", "process__school_year")
        .prefetch_related(
            Prefetch(
                "process__units", queryset=OrganisationalUnit.objects.only("process", "amount")
            )
        )
    )
    lines = dict(
        BudgetLine.objects.filter(process__in=done.values("process"))
        .values("process")
        .annotate(total=Sum("amount"))
        .values_list("process", "total")
    )
    for split in rows.order_by("pk"):
        checked["budget splits"] += 1
        budget = lines.get(split.process_id) or Decimal("0")
        if budget != split.school_total:
            expected = f"{_euro(budget)} (the sum of the budget lines)"
            yield Difference(_name(split), "school_total", expected, _euro(split.school_total))
        if split.method == BudgetSplit.Method.DEFERRED:
            continue  # the units' budgets follow the school plan
        units = sum(
            (unit.amount for unit in split.process.units.all() if unit.amount is not None),
            Decimal("0"),
        )
        if split.reserve_amount + units != split.school_total:
            yield Difference(
                _name(split),
                "reserve_amount + units' amounts",
                _euro(split.school_total),
                _euro(split.reserve_amount + units),
            )


def _euro(amount: Decimal) -> str:
    return f"€ {amount:.2f}"


# What is checked, in the order of the report.
CHECKED = (
    "agreement versions",
    "school plan versions",
    "ratification records",
    "task policy decisions",
    "board allocations",
    "budget splits",
)
CHECKS = (
    agreement_versions,
    school_plan_versions,
    ratification_records,
    task_policy_consents,
    board_allocations,
    budget_splits,
)


def verify_records() -> Verification:
    """Run every check; how many objects each covered is counted in ``checked``."""
    result = Verification()
    for check in CHECKS:
        result.differences.extend(check(result.checked))
    return result
