"""Reads of the task policy kept apart: the measures of a final version of the school plan
that change the task policy (taakbeleid), the PMR's separate decision on each, and the step 11
blocker while one lacks the PMR's consent.

The guide keeps the workload plan and a change of the task policy apart: the Wms gives the
PMR consent on the task policy, so each such measure needs the PMR's own consent, next to its
consent to the plan as a whole. A decision is recorded on a final version and bound to the
measure's content in it (``measure_hash``): a later version counts it only while that measure
(same key) is unchanged; a measure the merging group changed needs a new decision. A refused
measure blocks the ratification until the merging group takes it out of the plan or changes
it (step 9 reopened, a new final version) and the PMR consents to the changed measure.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.agreement import content_hash
from processes.models import ProcessStep, SignOff
from processes.predicates import is_director, is_pmr_member, is_steering_member
from processes.selectors import process_step

from ..models import TaskPolicyConsent
from .content import plan_display
from .publication import latest_version

STEP = 11
Outcome = TaskPolicyConsent.Outcome

# What the PMR consents to: the measure's content, not the merging group's note or its trace.
MEASURE_FIELDS = (
    "unit",
    "title",
    "description",
    "category",
    "first_year",
    "last_year",
    "structural",
    "benefit_share",
    "changes_task_policy",
    "cost_per_year",
    "total_cost",
)


def measure_hash(measure: dict) -> str:
    """SHA-256 of a measure of a frozen version, over ``MEASURE_FIELDS``."""
    return content_hash({name: measure.get(name) for name in MEASURE_FIELDS})


def task_policy_measures(version) -> list[dict]:
    """The measures of ``version`` marked as changing the task policy, in the plan's order."""
    if version is None:
        return []
    return [m for m in version.content.get("measures", []) if m.get("changes_task_policy")]


def may_read_task_policy(user, process) -> bool:
    return (
        is_director(user, process)
        or is_pmr_member(user, process)
        or is_steering_member(user, process)
    )


def may_record_task_policy(user, process) -> bool:
    return is_pmr_member(user, process)


@dataclass
class TaskPolicyRow:
    key: str
    title: str
    unit_name: str | None
    description: str
    hash: str
    decision: TaskPolicyConsent | None  # the latest on this content, on any version
    history: list  # every decision on this measure key, oldest first

    @property
    def state(self) -> str:
        return self.decision.outcome if self.decision is not None else "missing"

    @property
    def consented(self) -> bool:
        return self.state == Outcome.CONSENT


def task_policy_rows(version) -> list[TaskPolicyRow]:
    """Each task-policy measure of ``version`` with the PMR's decision on its content (two
    queries at most)."""
    measures = task_policy_measures(version)
    if not measures:
        return []
    keys = [m["key"] for m in measures]
    decisions = list(
        TaskPolicyConsent.objects.filter(
            version__school_plan_id=version.school_plan_id, measure_key__in=keys
        )
        .select_related("version", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    rows = []
    for measure in measures:
        digest = measure_hash(measure)
        history = [d for d in decisions if d.measure_key == measure["key"]]
        on_content = [d for d in history if d.measure_hash == digest]
        rows.append(
            TaskPolicyRow(
                key=measure["key"],
                title=measure["title"],
                unit_name=measure.get("unit_name"),
                description=measure.get("description", ""),
                hash=digest,
                decision=on_content[-1] if on_content else None,
                history=history,
            )
        )
    return rows


def task_policy_refusal(version) -> str | None:
    """Why ``version`` cannot be ratified for the task policy (naming the measures), or None."""
    rows = task_policy_rows(version)
    refused = [row.title for row in rows if row.state == Outcome.REFUSAL]
    missing = [row.title for row in rows if row.state == "missing"]
    parts = []
    if missing:
        parts.append(
            _(
                "These measures change the task policy and need the PMR's separate consent "
                "first: %(measures)s."
            )
            % {"measures": "; ".join(missing)}
        )
    if refused:
        parts.append(
            _(
                "The PMR refused its consent to these changes of the task policy: %(measures)s. "
                "Take them out of the plan or change them (step 9), then ask the PMR again."
            )
            % {"measures": "; ".join(refused)}
        )
    return " ".join(parts) or None


def step11_task_policy_blockers(step) -> list[str]:
    refusal = task_policy_refusal(latest_version(step.process_id))
    return [refusal] if refusal else []


def recording_refusal(process) -> str | None:
    """Why the PMR cannot record a decision on the task policy now, or None."""
    step = process_step(process, STEP)
    if step.state == ProcessStep.State.DONE:
        return _("The plan has been ratified: its decisions on the task policy are final.")
    if step.sign_offs.filter(revision=step.revision, side=SignOff.Side.PMR).exists():
        return _(
            "The PMR has consented to the plan. Reopen step %(number)s first to record a "
            "decision on the task policy again."
        ) % {"number": STEP}
    if latest_version(process) is None:
        return _("The school plan has no final version yet (step 9).")
    return None


STATE_LABELS = {
    "consent": gettext_lazy("the PMR consented separately"),
    "refusal": gettext_lazy("the PMR refused its consent"),
    "missing": gettext_lazy("the PMR's separate consent is still missing"),
}


def task_policy_annotate(plan: dict, version, rows=None) -> dict:
    """Add to each task-policy measure of ``plan`` (``plan_display`` of ``version``) the state
    of the PMR's separate consent (``task_policy``: state, label, meeting_date). ``rows``:
    ``task_policy_rows(version)`` when the caller has read them already."""
    rows = {row.key: row for row in (task_policy_rows(version) if rows is None else rows)}
    for measure in plan.get("measures", []):
        row = rows.get(measure.get("key"))
        if row is None:
            continue
        measure["task_policy"] = {
            "state": row.state,
            "label": str(STATE_LABELS[row.state]),
            "meeting_date": row.decision.meeting_date if row.decision else None,
        }
    return plan


PLAN_HTML_SECONDS = 24 * 60 * 60


def plan_body_html(version) -> str:
    """A final ``version`` of the school plan as the pages show it
    (``schoolplans/publication/_plan.html``), rendered once and then read from the cache.

    The version's content never changes; the only live part is the PMR's separate consent on
    its task-policy measures, so the key holds the version, its fingerprint, the language and
    those consents' states (read here in one or two queries, as before).
    """
    rows = task_policy_rows(version)
    consents = [
        [row.key, row.state, str(row.decision.meeting_date) if row.decision else None]
        for row in rows
    ]
    language = translation.get_language() or ""
    key = (
        f"school-plan-body:{version.pk}:{version.content_hash}:{language}:"
        f"{content_hash(consents)[:16]}"
    )
    html = cache.get(key)
    if html is None:
        content = version.content
        context = {
            "content": content,
            "plan": task_policy_annotate(plan_display(content), version, rows),
        }
        html = render_to_string("schoolplans/publication/_plan.html", context)
        cache.set(key, str(html), PLAN_HTML_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there
