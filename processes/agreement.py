"""The frozen agreement: the content of steps 1-3 as the staff will vote on it (step 4).

Feature apps register the sections they contribute (units, the budget split, frameworks) with
a function that builds the section's content as JSON-ready data and a template that shows it.
Freezing stores that content with its SHA-256 hash as a numbered, immutable version.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from werkdruk.exceptions import DomainError

from . import registry
from .models import AgreementVersion, Process, ProcessStep
from .services import decision_record, process_lock, require_perm


@dataclass(frozen=True)
class AgreementSection:
    key: str
    order: int
    build: Callable[[Process], object]  # JSON-ready content; Decimals as strings
    template: str  # renders {{ section }} (the built content)


_sections: dict[str, AgreementSection] = {}


def register_section(key: str, *, order: int, build, template: str) -> None:
    """Add what an app contributes to the frozen agreement."""
    _sections[key] = AgreementSection(key, order, build, template)


def sections() -> list[AgreementSection]:
    return sorted(_sections.values(), key=lambda s: s.order)


def section_list(content: dict) -> list[dict]:
    """The sections of agreement ``content`` for ``_agreement_body.html``, in registry order."""
    stored = (content or {}).get("sections", {})
    return [
        {"template": section.template, "content": stored.get(section.key)}
        for section in sections()
        if section.key in stored
    ]


AGREEMENT_HTML_SECONDS = 24 * 60 * 60


def version_body_html(version: AgreementVersion) -> str:
    """The frozen ``version``'s sections as HTML (``_agreement_body.html``), rendered once.

    A version never changes and its sections' templates show nothing but its content, so the
    HTML is kept in the cache by version, fingerprint and language (a ballot page shows it to
    every voter). ``version.content`` is read only when the HTML is not cached yet: the caller
    may defer it.
    """
    language = translation.get_language() or ""
    key = f"agreement-body:{version.pk}:{version.content_hash}:{language}"
    html = cache.get(key)
    if html is None:
        context = {"sections": section_list(version.content)}
        html = render_to_string("includes/_agreement_body.html", context)
        cache.set(key, str(html), AGREEMENT_HTML_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


def agreement_content(process) -> dict:
    """The agreement as it stands now (not frozen)."""
    return {
        "school": {"name": process.school.name, "brin": process.school.brin},
        "school_year": str(process.school_year),
        "sections": {section.key: section.build(process) for section in sections()},
    }


def content_hash(content) -> str:
    """SHA-256 of the canonical JSON form: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def agreement_freeze(*, process, actor) -> AgreementVersion:
    """Freeze steps 1-3 for the vote. Needs steps 1, 2 and 3 done.

    Freezing unchanged content again returns the existing version; changed content (after
    a reopened and re-signed step) becomes the next version.
    """
    process = process_lock(process)
    require_perm(actor, "processes.manage_process", process)
    steps = {step.number: step for step in process.steps.filter(number__in=(1, 2, 3, 4))}
    if any(steps[n].state != ProcessStep.State.DONE for n in (1, 2, 3)):
        raise DomainError(
            _("Steps 1, 2 and 3 must be signed off by the director and the PMR first.")
        )
    if steps[4].state != ProcessStep.State.OPEN:
        raise DomainError(_("The vote has taken place: the agreement can no longer be frozen."))
    # Data behind a signed step can change without anyone editing the step (a staff import
    # changes fte): the same checks as at sign-off must still pass.
    problems = [reason for n in (1, 2, 3) for reason in registry.step_blockers(steps[n])]
    if problems:
        raise DomainError(
            _("The agreement is out of date; reopen the step concerned first."), details=problems
        )
    content = agreement_content(process)
    digest = content_hash(content)
    latest = process.agreements.order_by("-number").first()
    if latest is not None and latest.content_hash == digest:
        return latest
    version = AgreementVersion.objects.create(
        process=process,
        number=(latest.number + 1) if latest else 1,
        content=content,
        content_hash=digest,
        created_by=actor,
    )
    decision_record(
        process=process,
        step_number=4,
        action="processes.agreement.frozen",
        summary=gettext_noop("Agreement frozen for the vote as version %(number)s."),
        params={"number": version.number},
        actor=actor,
        content={"version": version.number, "sha256": digest},
    )
    return version
