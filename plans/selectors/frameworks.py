"""Reads of the frameworks (step 3): for the pages, the frozen agreement and the plans' checks.

Rules are shown and checked in one order everywhere: by kind (financial, organisational,
pedagogical, procedural), then by their position within the kind.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from werkdruk.money import format_euro

from ..checks import RuleFacts, format_percentage
from ..models import FrameworkRule

KIND_RANK = {kind: rank for rank, kind in enumerate(FrameworkRule.Kind.values)}


def _sort_key(rule: FrameworkRule):
    return (KIND_RANK.get(rule.kind, len(KIND_RANK)), rule.order, rule.pk)


def framework_rule_list(*, process) -> list[FrameworkRule]:
    """The rules of ``process`` in their order, with their categories loaded (two queries)."""
    rules = FrameworkRule.objects.filter(process=process).prefetch_related("categories")
    return sorted(rules, key=_sort_key)


def framework_rule_get(*, process, pk) -> FrameworkRule:
    """One rule of ``process``; 404 for a rule of another process."""
    return get_object_or_404(
        FrameworkRule.objects.select_related("process"), process=process, pk=pk
    )


@dataclass
class KindGroup:
    code: str
    label: str
    rules: list[FrameworkRule]


def framework_rules_by_kind(rules: list[FrameworkRule]) -> list[KindGroup]:
    """The rules grouped by kind, in the order of the kinds; kinds without rules are left out.

    Each rule gets ``check_text``, the plain description of its machine check.
    """
    groups = {code: KindGroup(code, label, []) for code, label in FrameworkRule.Kind.choices}
    for rule in rules:
        rule.check_text = check_description(rule)
        groups[rule.kind].rules.append(rule)
    return [group for group in groups.values() if group.rules]


def _category_codes(rule) -> list[str]:
    return [category.code for category in rule.categories.all()]


def check_description(rule: FrameworkRule) -> str:
    """What the machine checks, with its parameter, in plain words (the active language)."""
    check = rule.machine_check
    Check = FrameworkRule.Check
    if check == Check.MAX_COST_PER_MEASURE and rule.max_amount is not None:
        return _("at most %(amount)s per measure") % {"amount": format_euro(rule.max_amount)}
    if check == Check.MAX_STRUCTURAL_SHARE and rule.max_percentage is not None:
        return _("structural commitments at most %(percentage)s%% of the plan's cost") % {
            "percentage": format_percentage(rule.max_percentage)
        }
    if check == Check.CATEGORIES_NOT_ALLOWED:
        names = ", ".join(str(category) for category in rule.categories.all())
        return _("no measures in these categories: %(categories)s") % {"categories": names}
    if check == Check.WITHIN_UNIT_BUDGET:
        return _("the plan's total cost stays within the unit's budget")
    if check == Check.SPEND_BY_DATE and rule.deadline is not None:
        return _("every measure is paid for by %(date)s; no structural commitments") % {
            "date": date_format(rule.deadline)
        }
    if check == Check.MAJORITY_BENEFIT:
        return _("every measure benefits more than half of the unit's staff")
    return ""


def check_parameters(rule: FrameworkRule) -> dict[str, str]:
    """The machine check's parameters as strings: amounts and percentages with two decimals,
    dates as ISO dates."""
    parameters = {}
    for name in ("max_amount", "max_percentage"):
        value = getattr(rule, name)
        if value is not None:
            parameters[name] = str(Decimal(value).quantize(Decimal("0.01")))
    if rule.deadline is not None:
        parameters["deadline"] = rule.deadline.isoformat()
    return parameters


def framework_rule_content(rule: FrameworkRule) -> dict:
    """One rule as JSON-ready data (Decimals and dates as strings), labels in the active
    language. Used by the frozen agreement and by the decisions that record a change."""
    return {
        "text": rule.text,
        "kind": {"code": rule.kind, "label": str(rule.get_kind_display())},
        "severity": {"code": rule.severity, "label": str(rule.get_severity_display())},
        "check": {
            "code": rule.machine_check,
            "label": str(rule.get_machine_check_display()),
            "description": check_description(rule),
            "parameters": check_parameters(rule),
            "categories": [
                {"code": category.code, "name": str(category)} for category in rule.categories.all()
            ],
        },
    }


def framework_agreement_section(process) -> list[dict]:
    """The frameworks as they go into the frozen agreement, in the school's language.

    The content is hashed, so it must not depend on the language of whoever looks at it.
    """
    rules = framework_rule_list(process=process)
    with translation.override(settings.LANGUAGE_CODE):
        return [framework_rule_content(rule) for rule in rules]


def framework_rule_facts(*, process) -> list[RuleFacts]:
    """The rules of ``process`` as plain data for plans.checks.run_checks, in their order."""
    return [
        RuleFacts(
            key=str(rule.pk),
            severity=rule.severity,
            check=rule.machine_check,
            max_amount=rule.max_amount,
            max_percentage=rule.max_percentage,
            deadline=rule.deadline,
            categories=frozenset(_category_codes(rule)),
        )
        for rule in framework_rule_list(process=process)
    ]
