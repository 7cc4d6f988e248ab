"""The procedure's steps as code, and the hooks through which feature apps plug in.

`processes` knows no feature app. Each app registers, from its ``AppConfig.ready()``,
what its steps need: blockers that keep a step from being signed off or completed,
and what to copy when a new process starts from last year's.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class Actor:
    """Who acts in a step, following the CAO."""

    BOARD = "board"  # step 0
    JOINT = "joint"  # PMR+D: a director and a PMR member both sign off
    PMR = "pmr"
    AGREED = "agreed"  # "?": director and PMR record who does it
    UNITS = "units"  # staff, per unit

    LABELS = {
        BOARD: _("board"),
        JOINT: _("PMR and director jointly"),
        PMR: _("PMR"),
        AGREED: _("as agreed by director and PMR"),
        UNITS: _("staff per unit"),
    }


class Completion:
    """How a step becomes done."""

    SIGN_OFF = "sign_off"  # both sides sign off
    ACTOR = "actor"  # whoever acts records that it is done
    FEATURE = "feature"  # a feature app's service completes it (vote result, all plans in)


@dataclass(frozen=True)
class StepDefinition:
    number: int
    key: str
    label: str
    output: str
    actor: str
    completion: str
    prerequisites: tuple[int, ...]
    skippable_when_light: bool = False


STEPS: dict[int, StepDefinition] = {
    s.number: s
    for s in (
        StepDefinition(
            1,
            "units",
            _("Designate organisational units"),
            _("units and conversation groups, staff assigned"),
            Actor.JOINT,
            Completion.SIGN_OFF,
            (),
        ),
        StepDefinition(
            2,
            "split",
            _("Split the budget over the units"),
            _("amount per unit"),
            Actor.JOINT,
            Completion.SIGN_OFF,
            (1,),
        ),
        StepDefinition(
            3,
            "frameworks",
            _("Set financial and organisational frameworks"),
            _("framework rules"),
            Actor.JOINT,
            Completion.SIGN_OFF,
            (2,),
        ),
        StepDefinition(
            4,
            "vote",
            _("Confirm majority support of the staff"),
            _("vote result"),
            Actor.PMR,
            Completion.FEATURE,
            (3,),
        ),
        StepDefinition(
            5,
            "kickoff",
            _("Organise the collective kick-off"),
            _("kick-off held and recorded"),
            Actor.AGREED,
            Completion.ACTOR,
            (4,),
            skippable_when_light=True,
        ),
        StepDefinition(
            6,
            "announcement",
            _("Announce amount and frameworks to each unit"),
            _("announcement per unit"),
            Actor.AGREED,
            Completion.ACTOR,
            (4,),
            skippable_when_light=True,
        ),
        StepDefinition(
            7,
            "working_method",
            _("Record each unit's working method"),
            _("working method per unit"),
            Actor.UNITS,
            Completion.FEATURE,
            (5, 6),
            skippable_when_light=True,
        ),
        StepDefinition(
            8,
            "unit_plans",
            _("Make a plan per unit"),
            _("a submitted plan per unit"),
            Actor.UNITS,
            Completion.FEATURE,
            (7,),
        ),
        StepDefinition(
            9,
            "merge",
            _("Merge the plans into one school plan"),
            _("final school plan"),
            Actor.AGREED,
            Completion.ACTOR,
            (8,),
        ),
        StepDefinition(
            10,
            "publication",
            _("Make the plan known to the whole school"),
            _("published plan"),
            Actor.AGREED,
            Completion.ACTOR,
            (9,),
        ),
        StepDefinition(
            11,
            "ratification",
            _("Ratify the plan with an evaluation agreement"),
            _("ratification record"),
            Actor.JOINT,
            Completion.SIGN_OFF,
            (10,),
        ),
    )
}

BOARD_STEP = StepDefinition(
    0,
    "board_allocation",
    _("Distribute the board's funds over its schools"),
    _("amount per school"),
    Actor.BOARD,
    Completion.FEATURE,
    (),
)


def dependents(number: int) -> list[int]:
    """All steps that depend, directly or through others, on step ``number``."""
    found: list[int] = []
    frontier = [number]
    while frontier:
        current = frontier.pop()
        for step in STEPS.values():
            if current in step.prerequisites and step.number not in found:
                found.append(step.number)
                frontier.append(step.number)
    return sorted(found)


# --- hooks registered by feature apps -------------------------------------------------

Blocker = Callable[["object"], list[str]]  # (ProcessStep) -> reasons the step cannot finish
CopyHook = Callable[["object", "object"], None]  # (old Process, new Process)
# (user, [Process]) -> {process pk: [todos.Todo]}: a feature's to-dos on the dashboard
TodoProvider = Callable[["object", list], dict]
# (user, [open ProcessStep of one number]) -> {process pk: [todos.Todo]}: what the step asks
StepTodoProvider = Callable[["object", list], dict]
# (user, [Board]) -> {board pk: [todos.Todo]}: what waits for a board's administrator
BoardTodoProvider = Callable[["object", list], dict]

_blockers: dict[int, list[Blocker]] = {}
_copy_hooks: list[CopyHook] = []
_step_pages: dict[int, list["StepPage"]] = {}
_todo_providers: list[TodoProvider] = []
_step_todo_providers: dict[int, list[StepTodoProvider]] = {}
_board_todo_providers: list[BoardTodoProvider] = []
# (ProcessStep) -> None, in the completing transaction: a feature's reaction to a finished step
CompletionHook = Callable[["object"], None]
_completion_hooks: dict[int, list[CompletionHook]] = {}


def register_blocker(number: int, blocker: Blocker) -> None:
    """Add a check that must pass before step ``number`` can be signed off or completed."""
    if blocker not in _blockers.setdefault(number, []):
        _blockers[number].append(blocker)


def register_completion_hook(number: int, hook: CompletionHook) -> None:
    """Add a function called when step ``number`` is done, however it was finished (signed
    off, completed by hand or by a feature), inside the transaction that finishes it."""
    if hook not in _completion_hooks.setdefault(number, []):
        _completion_hooks[number].append(hook)


def completion_hooks(number: int) -> list[CompletionHook]:
    return list(_completion_hooks.get(number, []))


def register_copy_hook(hook: CopyHook) -> None:
    """Add a function that copies an app's set-up when a process starts from last year's."""
    if hook not in _copy_hooks:
        _copy_hooks.append(hook)


# The permission of a step page that everyone who sees the process may open.
VIEW_PROCESS = "processes.view_process"
# (Process) -> why the page has nothing to show yet (e.g. "once the plan is ratified"), or None
PageReadiness = Callable[["object"], "str | None"]


@dataclass(frozen=True)
class StepPage:
    """A feature's working page (its URL takes the process pk), linked from a step's page.

    The step page offers it as a button only to whoever holds ``perm`` on the process and only
    when ``ready`` finds nothing missing; everyone else is told who may open it (``who``) or
    why it is not there yet, instead of being sent to a 403 or 404.
    """

    label: str
    url_name: str
    perm: str
    who: str = ""
    ready: PageReadiness | None = None


def register_step_page(
    number: int,
    label: str,
    url_name: str,
    *,
    perm: str,
    who: str = "",
    ready: PageReadiness | None = None,
) -> None:
    """Link a feature's working page from step ``number``'s page for whoever holds ``perm``
    on the process ("processes.view_process": everyone who sees the process). ``who`` names,
    for the others, the roles that may open it; ``ready(process)`` says why the page has
    nothing to show yet, or None."""
    pages = _step_pages.setdefault(number, [])
    if all(page.url_name != url_name for page in pages):
        pages.append(StepPage(label, url_name, perm, who, ready))


def register_todo_provider(provider: TodoProvider) -> None:
    """Add a feature's to-dos to the dashboard (e.g. "vote on the agreement").

    ``provider(user, processes)`` is called once per dashboard with every process shown and
    returns extra to-dos by process pk, so its queries do not grow with the processes.
    """
    if provider not in _todo_providers:
        _todo_providers.append(provider)


def todo_providers() -> list[TodoProvider]:
    return list(_todo_providers)


def register_step_todos(number: int, provider: StepTodoProvider) -> None:
    """Say what the open step ``number`` asks of whom (e.g. "publish the school plan"),
    instead of the engine's "carry out step N".

    ``provider(user, steps)`` is called once per page with every open step ``number`` of the
    processes shown (each knowing its process, whose steps are prefetched) and returns to-dos
    by process pk; it answers for the step's sign-offs too (``todos.sign_off_todos``). For an
    agreed step the engine first asks who carries it out; the provider is called once that
    is recorded.
    """
    if provider not in _step_todo_providers.setdefault(number, []):
        _step_todo_providers[number].append(provider)


def step_todo_providers(number: int) -> list[StepTodoProvider]:
    return list(_step_todo_providers.get(number, []))


def register_board_todo_provider(provider: BoardTodoProvider) -> None:
    """Add what waits for a board's administrators (e.g. "distribute the funds").

    ``provider(user, boards)`` is called once per page with every board shown and returns
    to-dos by board pk.
    """
    if provider not in _board_todo_providers:
        _board_todo_providers.append(provider)


def board_todo_providers() -> list[BoardTodoProvider]:
    return list(_board_todo_providers)


def step_pages(number: int) -> list[StepPage]:
    """The working pages of step ``number``, in the order they were registered."""
    return list(_step_pages.get(number, []))


def step_blockers(step) -> list[str]:
    return [reason for check in _blockers.get(step.number, []) for reason in check(step)]


def copy_hooks() -> list[CopyHook]:
    return list(_copy_hooks)


# (Process) -> why the agreement (steps 1-4) cannot change now, or None
AgreementLock = Callable[["object"], "str | None"]
_agreement_locks: list[AgreementLock] = []


def register_agreement_lock(lock: AgreementLock) -> None:
    """Add a check that keeps steps 1-4 from reopening (e.g. while staff vote on them)."""
    if lock not in _agreement_locks:
        _agreement_locks.append(lock)


def agreement_lock_reason(process) -> str | None:
    """Why steps 1-4 of ``process`` cannot be reopened or changed now; None if they can."""
    for lock in _agreement_locks:
        reason = lock(process)
        if reason:
            return reason
    return None
