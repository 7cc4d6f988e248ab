"""Every change to the frameworks (step 3) goes through these functions.

Each runs in one transaction, checks the permission, validates, and calls
``step_content_changed`` before it changes anything: a step 3 that was signed off is reopened
first, as a recorded decision, so no sign-off covers rules it did not see. Rules may be
prepared while step 3 still waits for steps 1 and 2. Each change is recorded as a decision.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import (
    decision_record,
    in_school_language,
    one_year_later,
    process_lock,
    require_perm,
    step_content_changed,
)
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError

from ..models import FrameworkRule, MeasureCategory
from ..selectors.frameworks import check_parameters, framework_rule_content, framework_rule_list

STEP = 3
MANAGE = "processes.manage_process"
Check = FrameworkRule.Check
Kind = FrameworkRule.Kind
Severity = FrameworkRule.Severity

# The parameter each machine check needs; every other parameter is cleared.
PARAMETERS = {
    Check.MAX_COST_PER_MEASURE: "max_amount",
    Check.MAX_STRUCTURAL_SHARE: "max_percentage",
    Check.SPEND_BY_DATE: "deadline",
}
ALL_PARAMETERS = ("max_amount", "max_percentage", "deadline")


def _lock_rule(rule) -> FrameworkRule:
    return (
        FrameworkRule.objects.select_for_update()
        .select_related("process__school", "process__school_year")
        .get(pk=rule.pk)
    )


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(120)


def _resolve_categories(machine_check, categories) -> list[MeasureCategory]:
    """The measure categories named by code (or given as objects); only the check that rules
    out categories keeps any, and it needs at least one."""
    if machine_check != Check.CATEGORIES_NOT_ALLOWED:
        return []
    codes = {c.code if isinstance(c, MeasureCategory) else str(c) for c in categories or ()}
    if not codes:
        raise DomainError(_("Choose at least one category that is not allowed."))
    found = list(MeasureCategory.objects.filter(code__in=codes).order_by("order", "code"))
    unknown = codes - {category.code for category in found}
    if unknown:
        raise DomainError(
            _("Unknown measure category: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    return found


def _apply(rule, *, text, kind, severity, machine_check, parameters, categories):
    """Fill ``rule`` from the input and validate it; returns the categories to set."""
    machine_check = machine_check or Check.NONE
    rule.text = (text or "").strip()
    if not rule.text:
        raise DomainError(_("Write the text of the rule."))
    rule.kind = kind
    rule.severity = severity
    rule.machine_check = machine_check
    needed = PARAMETERS.get(machine_check)
    for name in ALL_PARAMETERS:
        setattr(rule, name, parameters.get(name) if name == needed else None)
    if rule.max_amount is not None and rule.max_amount < 0:
        raise DomainError(_("The maximum amount cannot be negative."))
    try:
        rule.full_clean(exclude=["order"])
    except ValidationError as error:
        messages = error.messages
        raise DomainError(messages[0], details=messages[1:]) from error
    return _resolve_categories(machine_check, categories)


def _content(rule) -> dict:
    """The rule as recorded in a decision: in the school's language, like the decision."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"rule": rule.pk, **framework_rule_content(rule)}


@transaction.atomic
def framework_rule_create(
    *,
    process,
    actor,
    text,
    kind,
    severity=Severity.WARNING,
    machine_check="",
    max_amount: Decimal | None = None,
    max_percentage: Decimal | None = None,
    deadline: datetime.date | None = None,
    categories=(),
) -> FrameworkRule:
    """Add a framework rule to ``process``; it goes last within its kind.

    Only the parameter of the chosen machine check is kept (a maximum amount, a percentage
    or a date); the categories only for the check that rules categories out.
    """
    process = process_lock(process)
    require_perm(actor, MANAGE, process)
    rule = FrameworkRule(process=process)
    found = _apply(
        rule,
        text=text,
        kind=kind,
        severity=severity,
        machine_check=machine_check,
        parameters={
            "max_amount": max_amount,
            "max_percentage": max_percentage,
            "deadline": deadline,
        },
        categories=categories,
    )
    step_content_changed(
        process=process,
        number=STEP,
        actor=actor,
        what=in_school_language(
            gettext_noop("framework rule added: %(text)s"), {"text": _short(rule.text)}
        ),
    )
    last = process.framework_rules.aggregate(last=Max("order"))["last"]
    rule.order = 0 if last is None else last + 1
    rule._history_user = actor
    rule.save()
    rule.categories.set(found)
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.framework_rule.created",
        summary=gettext_noop("Framework rule added: %(text)s"),
        params={"text": _short(rule.text)},
        actor=actor,
        content=_content(rule),
    )
    return rule


@transaction.atomic
def framework_rule_update(
    *,
    rule,
    actor,
    text,
    kind,
    severity,
    machine_check="",
    max_amount: Decimal | None = None,
    max_percentage: Decimal | None = None,
    deadline: datetime.date | None = None,
    categories=(),
    version: int | None = None,
) -> FrameworkRule:
    """Change a framework rule as a whole. Saving it unchanged changes nothing (and does not
    reopen a signed-off step 3).

    ``version`` is the rule's version the input was based on: when the rule was changed since,
    EditConflict is raised and nothing is written."""
    process = process_lock(rule.process_id)  # the process first, as every service does
    rule = _lock_rule(rule)
    require_perm(actor, MANAGE, process)
    before = _content(rule)
    old_state = _state(rule, [c["code"] for c in before["check"]["categories"]])
    found = _apply(
        rule,
        text=text,
        kind=kind,
        severity=severity,
        machine_check=machine_check,
        parameters={
            "max_amount": max_amount,
            "max_percentage": max_percentage,
            "deadline": deadline,
        },
        categories=categories,
    )
    if _state(rule, [category.code for category in found]) == old_state:
        return rule
    version_check(rule, version)  # _apply changed the rule's fields, never its version
    step_content_changed(
        process=process,
        number=STEP,
        actor=actor,
        what=in_school_language(
            gettext_noop("framework rule changed: %(text)s"), {"text": _short(rule.text)}
        ),
    )
    version_next(rule)
    rule._history_user = actor
    rule.save()
    rule.categories.set(found)
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.framework_rule.updated",
        summary=gettext_noop("Framework rule changed: %(text)s"),
        params={"text": _short(rule.text)},
        actor=actor,
        content={"before": before, "after": _content(rule)},
    )
    return rule


def _state(rule, category_codes) -> tuple:
    return (
        rule.text,
        rule.kind,
        rule.severity,
        rule.machine_check,
        check_parameters(rule),
        sorted(category_codes),
    )


@transaction.atomic
def framework_rule_delete(*, rule, actor) -> None:
    """Remove a framework rule."""
    process = process_lock(rule.process_id)  # the process first, as every service does
    rule = _lock_rule(rule)
    require_perm(actor, MANAGE, process)
    content = _content(rule)
    step_content_changed(
        process=process,
        number=STEP,
        actor=actor,
        what=in_school_language(
            gettext_noop("framework rule removed: %(text)s"), {"text": _short(rule.text)}
        ),
    )
    rule._history_user = actor
    rule.delete()
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.framework_rule.deleted",
        summary=gettext_noop("Framework rule removed: %(text)s"),
        params={"text": _short(content["text"])},
        actor=actor,
        content=content,
    )


@transaction.atomic
def framework_rules_reorder(*, process, actor, rule_ids) -> list[FrameworkRule]:
    """Put the rules of ``process`` in the order of ``rule_ids`` (every rule exactly once).

    The rules are shown by kind, so the order counts within each kind. The same order again
    changes nothing.
    """
    process = process_lock(process)
    require_perm(actor, MANAGE, process)
    rules = {rule.pk: rule for rule in process.framework_rules.select_for_update()}
    ids = [int(pk) for pk in rule_ids]
    if len(ids) != len(set(ids)) or set(ids) != set(rules):
        raise DomainError(_("Give every rule of this process exactly once to change the order."))
    new_order = {pk: position for position, pk in enumerate(ids)}
    if all(rules[pk].order == position for pk, position in new_order.items()):
        return framework_rule_list(process=process)
    with translation.override(settings.LANGUAGE_CODE):
        what = _("order of the framework rules changed")
    step_content_changed(process=process, number=STEP, actor=actor, what=what)
    for pk, position in new_order.items():
        rule = rules[pk]
        if rule.order != position:
            rule.order = position
            rule._history_user = actor
            rule.save(update_fields=["order"])
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.framework_rules.reordered",
        summary=gettext_noop("Order of the framework rules changed."),
        actor=actor,
        content={"order": ids},
    )
    return framework_rule_list(process=process)


@transaction.atomic
def framework_rule_move(*, rule, actor, direction) -> bool:
    """Move a rule one place up or down among the rules of its kind; False when it is
    already at that end (nothing changes)."""
    # The process first, then its rules: the same lock order as framework_rules_reorder.
    process = process_lock(rule.process)
    require_perm(actor, MANAGE, process)
    if direction not in ("up", "down"):
        raise DomainError(_("Move a rule up or down."))
    rules = framework_rule_list(process=process)
    rule = next((r for r in rules if r.pk == rule.pk), None)
    if rule is None:
        raise FrameworkRule.DoesNotExist
    same_kind = [r.pk for r in rules if r.kind == rule.kind]
    index = same_kind.index(rule.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(same_kind):
        return False
    ids = [r.pk for r in rules]
    a, b = ids.index(same_kind[index]), ids.index(same_kind[other])
    ids[a], ids[b] = ids[b], ids[a]
    framework_rules_reorder(process=process, actor=actor, rule_ids=ids)
    return True


# --- the standard set -----------------------------------------------------------------

# Written for the Dutch situation (domain.md section 6); stored in the school's language.
STANDARD_SET = (
    {
        "text": gettext_noop(
            "The building is full. A measure that needs extra rooms or workplaces says where "
            "they will be found; otherwise it cannot be carried out."
        ),
        "kind": Kind.ORGANISATIONAL,
        "severity": Severity.WARNING,
    },
    {
        "text": gettext_noop(
            "Vacancies are hard to fill. A measure that depends on hiring new staff names what "
            "happens if nobody suitable can be found."
        ),
        "kind": Kind.ORGANISATIONAL,
        "severity": Severity.WARNING,
    },
    {
        "text": gettext_noop(
            "Measures fit the school's pedagogical principles: lowering the workload must not "
            "come at the expense of the pupils' education."
        ),
        "kind": Kind.PEDAGOGICAL,
        "severity": Severity.WARNING,
    },
    {
        "text": gettext_noop(
            "Measures fit the policy the school agreed on recently (the school plan, the task "
            "policy). A measure that changes the task policy also needs the PMR's consent."
        ),
        "kind": Kind.PROCEDURAL,
        "severity": Severity.INFORMATION,
    },
    {
        "text": gettext_noop(
            "One-off money is not spent on commitments that cannot be undone. Permanent "
            "appointments and other structural commitments take at most half of a plan's cost."
        ),
        "kind": Kind.FINANCIAL,
        "severity": Severity.WARNING,
        "machine_check": Check.MAX_STRUCTURAL_SHARE,
        "max_percentage": Decimal("50"),
    },
    {
        "text": gettext_noop(
            "The money is spent within the school year. A measure that runs over several "
            "years states how much it costs in each year."
        ),
        "kind": Kind.FINANCIAL,
        "severity": Severity.INFORMATION,
    },
    {
        "text": gettext_noop(
            "A measure benefits most of the unit's staff, not just a small group within it."
        ),
        "kind": Kind.PROCEDURAL,
        "severity": Severity.WARNING,
        "machine_check": Check.MAJORITY_BENEFIT,
    },
    {
        "text": gettext_noop("A unit's plan stays within the unit's budget."),
        "kind": Kind.FINANCIAL,
        "severity": Severity.MUST,
        "machine_check": Check.WITHIN_UNIT_BUDGET,
    },
)


@transaction.atomic
def framework_standard_set_add(*, process, actor) -> list[FrameworkRule]:
    """Add a ready-made set of rules to a process that has none yet, in the school's language.

    The director and the PMR then adapt the texts and parameters to their school.
    """
    process = process_lock(process)
    require_perm(actor, MANAGE, process)
    if process.framework_rules.exists():
        raise DomainError(_("The standard set can only be added while there are no rules yet."))
    with translation.override(settings.LANGUAGE_CODE):
        what = _("standard set of framework rules added")
        rules = [
            FrameworkRule(
                process=process,
                text=_(item["text"]),
                kind=item["kind"],
                severity=item["severity"],
                machine_check=item.get("machine_check", Check.NONE),
                max_percentage=item.get("max_percentage"),
                order=order,
            )
            for order, item in enumerate(STANDARD_SET)
        ]
    step_content_changed(process=process, number=STEP, actor=actor, what=what)
    for rule in rules:
        rule.full_clean()
        rule._history_user = actor
        rule.save()
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.framework_rules.standard_set_added",
        summary=gettext_noop("Standard set of %(count)s framework rules added."),
        params={"count": len(rules)},
        actor=actor,
        content={"rules": [_content(rule) for rule in rules]},
    )
    return rules


# --- a new process from last year's ---------------------------------------------------


def framework_rules_copy(old_process, new_process) -> list[FrameworkRule]:
    """Copy hook: last year's rules with their checks, parameters and categories.

    A spend-by date moves one year on, as the planned dates of the steps do. Runs inside
    ``process_create``, which checked the permission and records the decision ("copied from");
    each copied rule's history starts there.
    """
    old_rules = framework_rule_list(process=old_process)
    copies = []
    for rule in old_rules:
        copy = FrameworkRule.objects.create(
            process=new_process,
            text=rule.text,
            kind=rule.kind,
            severity=rule.severity,
            machine_check=rule.machine_check,
            max_amount=rule.max_amount,
            max_percentage=rule.max_percentage,
            deadline=one_year_later(rule.deadline),
            order=rule.order,
        )
        copy.categories.set(rule.categories.all())
        copies.append(copy)
    return copies
