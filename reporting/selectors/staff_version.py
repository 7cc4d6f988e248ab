"""The staff version of a school's annual report (issue 18: transparency for all staff).

The same sections as the report itself, but a person is named only when they acted as a role
holder: the director, a PMR member, a board administrator or a GMR member. Anyone else (a unit
coordinator, a teacher who commented or voted in a unit) is shown by their role, or as "a staff
member" when they had none; their names are taken out of the decisions' summaries as well.
"""

import dataclasses

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from units.models import StaffMember

from ..sections import SchoolReport, StepSummary, TimelineEntry

# The role labels (msgids) under which a person is named in the staff version.
ROLE_HOLDERS = (
    gettext_noop("director"),  # SchoolRole.Role's labels
    gettext_noop("PMR member"),
    gettext_noop("board administrator"),
    gettext_noop("GMR member"),
)
A_STAFF_MEMBER = gettext_noop("a staff member")
THE_SYSTEM = gettext_noop("the system")  # the actor of a decision nobody made by hand


def _labels(languages) -> set[str]:
    labels = set()
    for language in languages:
        with translation.override(language):
            labels.update(gettext(str(label)) for label in (*ROLE_HOLDERS, THE_SYSTEM))
    labels.update(str(label) for label in (*ROLE_HOLDERS, THE_SYSTEM))
    return labels


def holds_a_role(entry, labels: set[str]) -> bool:
    """Whether the decision's actor is named: one of its comma-separated role labels is a role
    holder's, or nobody made it by hand ("the system")."""
    return entry.actor in labels or any(part.strip() in labels for part in entry.role.split(","))


def staff_report(report: SchoolReport, *, school) -> SchoolReport:
    """``report`` with the names of everyone but the role holders left out."""
    if report.process is None:
        return report
    languages = {settings.LANGUAGE_CODE, getattr(school, "language", "") or settings.LANGUAGE_CODE}
    labels = _labels(languages)
    anonymous = gettext(A_STAFF_MEMBER)
    holders = {e.actor for e in report.process.timeline if e.actor and holds_a_role(e, labels)}
    hidden = {e.actor for e in report.process.timeline if e.actor and not holds_a_role(e, labels)}
    hidden.update(StaffMember.objects.filter(school=school).values_list("name", flat=True))
    hidden -= holders
    hidden = sorted((name for name in hidden if name.strip()), key=len, reverse=True)

    def scrub(text: str) -> str:
        for name in hidden:
            text = text.replace(name, anonymous)
        return text

    def who(entry) -> str:
        if not entry.actor or holds_a_role(entry, labels):
            return entry.actor
        return ""

    timeline = [
        TimelineEntry(
            date=e.date,
            step=e.step,
            step_label=e.step_label,
            summary=scrub(e.summary),
            actor=who(e) or ("" if e.role else anonymous),
            role=e.role,
        )
        for e in report.process.timeline
    ]
    steps = [
        dataclasses.replace(step, people=_people(step, report.process.timeline, labels))
        for step in report.process.steps
    ]
    process = dataclasses.replace(report.process, timeline=timeline, steps=steps)
    evaluation = report.evaluation
    if evaluation.outcomes and not evaluation.outcomes_shared:
        # The staff read the evaluation's outcomes once the director or the PMR shared them.
        evaluation = dataclasses.replace(evaluation, outcomes=[], outcomes_moment=None)
    return dataclasses.replace(report, process=process, evaluation=evaluation)


def _people(step: StepSummary, timeline: list[TimelineEntry], labels) -> list[str]:
    """Who recorded the step's decisions: "name (role)" for role holders, else the role."""
    people: dict[str, None] = {}
    for entry in timeline:
        if entry.step != step.step or not entry.actor:
            continue
        if holds_a_role(entry, labels):
            person = f"{entry.actor} ({entry.role})" if entry.role else entry.actor
        else:
            person = entry.role or gettext(A_STAFF_MEMBER)
        people.setdefault(person, None)
    return list(people)
