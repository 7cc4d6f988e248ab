"""What waits for whom: the to-dos on the dashboard, the timeline and the board's page.

The engine knows the steps' states, sign-offs and agreed actors (prefetched, no queries) and
asks for sign-offs and for recording who carries out a step. What a step asks once it is under
way (prepare the vote, plan the kick-off, submit the unit plan, publish the school plan ...)
only the feature app knows: it registers a provider for its step
(``registry.register_step_todos``), called once per page with every open step of that number;
to-dos that belong to no step (vote, fill in the survey, record the spending) come from
``registry.register_todo_provider`` and a board's from ``registry.register_board_todo_provider``.
Each provider queries only for users it concerns, and never per process or school.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import registry
from .models import ProcessStep, SchoolYear
from .predicates import user_roles
from .registry import Actor, Completion
from .selectors import current_sign_offs

AgreedActor = ProcessStep.AgreedActor


@dataclass
class Todo:
    text: str
    url: str
    step: ProcessStep | None = None
    urgent: bool = False
    # Shown instead of the step's planned date (a unit's own deadline, a vote's closing).
    due: datetime.date | None = None
    # The school year, on a dashboard card about another year's process.
    year: str = ""

    @property
    def deadline(self) -> datetime.date | None:
        return self.due or (self.step.planned_date if self.step is not None else None)


def overdue(day: datetime.date | None) -> bool:
    return day is not None and day < timezone.localdate()


def current_start_year() -> int:
    """The first calendar year of the current school year, without a query."""
    today = timezone.localdate()
    return today.year if today.month >= 8 else today.year - 1


def date_label(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def school_roles(user, school_id) -> set[str]:
    return user_roles(user)["schools"].get(school_id, set())


def step_url(step) -> str:
    return reverse("processes:step-detail", args=[step.process_id, step.number])


def carries_out(step, roles: set[str]) -> bool:
    """Whether someone with ``roles`` at the school is who the director and the PMR agreed
    carries out ``step``. The director or the PMR record for an external facilitator (who has
    no account); a step done jointly is each side's."""
    agreed = step.agreed_actor
    if agreed == AgreedActor.DIRECTOR:
        return "director" in roles
    if agreed == AgreedActor.PMR:
        return "pmr" in roles
    if agreed == AgreedActor.STEERING:
        return "steering" in roles
    if agreed in (AgreedActor.BOTH, AgreedActor.EXTERNAL):
        return bool({"director", "pmr"} & roles)
    return False


def unsigned_sides(step, roles: set[str]) -> list[str]:
    """The sides (director, PMR) that ``roles`` could sign and that have not signed ``step``'s
    current revision (from its prefetched sign-offs)."""
    signed = current_sign_offs(step)
    return [side for side in ("director", "pmr") if side in roles and side not in signed]


def sign_off_todos(step, roles: set[str]) -> list[Todo]:
    """ "Sign off step N" for each side ``roles`` could still sign, linking the step's page."""
    label = {"number": step.number, "label": step.definition.label}
    texts = {
        "director": _("Sign off step %(number)s as director: %(label)s"),
        "pmr": _("Sign off step %(number)s for the PMR: %(label)s"),
    }
    return [
        Todo(texts[side] % label, step_url(step), step, step.is_overdue)
        for side in unsigned_sides(step, roles)
    ]


def _engine_todos(step, roles: set[str]) -> list[Todo]:
    """What the engine itself asks of ``roles`` in the open ``step`` without a provider."""
    d = step.definition
    label = {"number": step.number, "label": d.label}
    if d.completion == Completion.SIGN_OFF or (
        d.completion == Completion.ACTOR and step.agreed_actor == AgreedActor.BOTH
    ):
        return sign_off_todos(step, roles)
    if d.actor == Actor.AGREED and carries_out(step, roles):
        text = _("Carry out step %(number)s: %(label)s") % label
        return [Todo(text, step_url(step), step, step.is_overdue)]
    if d.actor == Actor.PMR and "pmr" in roles:
        text = _("Prepare step %(number)s: %(label)s") % label
        return [Todo(text, step_url(step), step, step.is_overdue)]
    return []


def todos_by_process(user, processes) -> dict[int, list[Todo]]:
    """Everything waiting for ``user`` in ``processes`` (their steps prefetched), by process pk,
    in the order of the steps. One call per provider, whatever the number of processes."""
    found: dict[int, list[Todo]] = {process.pk: [] for process in processes}
    if not found:
        return found
    by_step: dict[int, list] = {}
    for process in processes:
        roles = school_roles(user, process.school_id)
        for step in process.steps.all():
            if step.state != ProcessStep.State.OPEN:
                continue
            step.process = process
            label = {"number": step.number, "label": step.definition.label}
            if step.definition.actor == Actor.AGREED and step.proposed_side:
                # A proposal waits for the other side (never for the proposer themself).
                waiting = "pmr" if step.proposed_side == "director" else "director"
                if waiting in roles and step.proposed_by_id != user.pk:
                    text = _("Agree to or reject who carries out step %(number)s: %(label)s")
                    found[process.pk].append(
                        Todo(text % label, step_url(step), step, step.is_overdue)
                    )
                if not step.agreed_actor:
                    continue
            if step.definition.actor == Actor.AGREED and not step.agreed_actor:
                # Nothing can happen before the director and the PMR say who does it.
                if {"director", "pmr"} & roles:
                    text = _("Record who carries out step %(number)s: %(label)s") % label
                    found[process.pk].append(Todo(text, step_url(step), step, step.is_overdue))
            elif registry.step_todo_providers(step.number):
                by_step.setdefault(step.number, []).append(step)
            else:
                found[process.pk].extend(_engine_todos(step, roles))
    providers = [
        (provider, steps)
        for number, steps in sorted(by_step.items())
        for provider in registry.step_todo_providers(number)
    ]
    providers += [(provider, processes) for provider in registry.todo_providers()]
    for provider, argument in providers:
        for process_pk, todos in provider(user, argument).items():
            if process_pk in found:
                found[process_pk].extend(todos)
    for todos in found.values():
        # The steps' order; to-dos of no step (a vote, the survey, the spending) after them.
        todos.sort(key=lambda todo: todo.step.number if todo.step is not None else 12)
    return found


def todos_for(user, process) -> list[Todo]:
    """What ``user`` needs to do now in ``process`` (the timeline page)."""
    return todos_by_process(user, [process])[process.pk]


def recent_processes(processes, school_year: SchoolYear) -> list:
    """The processes of a school whose to-dos its card shows: the latest, and any of this or
    last school year (last year's plan is still being spent and evaluated; next year's
    procedure may start before this year's is ratified)."""
    return [
        process
        for index, process in enumerate(processes)
        if index == 0 or process.school_year.start_year >= school_year.start_year - 1
    ]


# --- the board's to-dos --------------------------------------------------------------------


def _overdue_todos(rows) -> list[Todo]:
    """Per school of the board: its earliest overdue step, to follow up with the school."""
    todos = []
    for row in rows:
        if not row["overdue"]:
            continue
        step = min(row["overdue"], key=lambda s: (s.planned_date, s.number))
        text = _(
            "Follow up with %(school)s: step %(number)s (%(label)s) was planned for %(date)s"
        ) % {
            "school": row["school"].name,
            "number": step.number,
            "label": step.definition.label,
            "date": date_label(step.planned_date),
        }
        url = reverse("processes:process-detail", args=[row["process"].pk])
        todos.append(Todo(text, url, urgent=True))
    return todos


def board_todos(user, entries) -> dict[int, list[Todo]]:
    """What waits for a board administrator, per board: ``entries`` are
    ``{"board": Board, "rows": [board row]}`` (``selectors.board_overview``'s rows). The
    schools' overdue steps from the rows (no query), then each registered provider's to-dos
    (step 0's distribution, the annual report), one call each."""
    found: dict[int, list[Todo]] = {entry["board"].pk: [] for entry in entries}
    boards = [entry["board"] for entry in entries]
    for provider in registry.board_todo_providers() if boards else []:
        for board_pk, todos in provider(user, boards).items():
            if board_pk in found:
                found[board_pk].extend(todos)
    for entry in entries:
        found[entry["board"].pk].extend(_overdue_todos(entry["rows"]))
    return found
