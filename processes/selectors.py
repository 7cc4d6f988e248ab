"""Reads used by the pages. Each loads related data up front, so the number of queries
does not grow with the number of staff, steps or schools."""

import functools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from . import registry
from .models import Board, BoardProcess, Decision, Process, ProcessStep, School, SchoolYear, SignOff
from .predicates import user_roles


def _steps_prefetch(*, sign_offs=True):
    """The steps in order, by default with their sign-offs and who signed (the to-dos and the
    step pages read them; the board's progress table does not, and saves a query)."""
    steps = ProcessStep.objects.order_by("number")
    if sign_offs:
        steps = steps.prefetch_related(
            Prefetch("sign_offs", queryset=SignOff.objects.select_related("user"))
        )
    return Prefetch("steps", queryset=steps)


def _columns(model, alias):
    """The model's concrete fields with their converters (as the ORM's compiler finds them)."""
    fields = model._meta.concrete_fields
    converters = []
    for index, model_field in enumerate(fields):
        column = model_field.get_col(alias)
        found = connection.ops.get_db_converters(column) + model_field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    quote = connection.ops.quote_name
    sql = ", ".join(f"{quote(alias)}.{quote(f.column)}" for f in fields)
    return [f.attname for f in fields], sql, converters


@functools.cache
def _steps_sql(vendor):
    """The written-out queries for a process's steps and their sign-offs with who signed.

    Built once per database vendor: compiling the two prefetch querysets with the ORM cost
    about 1 ms of CPU on every process page, the queries themselves a small part of that.
    """
    quote = connection.ops.quote_name
    user_model = get_user_model()
    steps = _columns(ProcessStep, "s")
    sign_offs = _columns(SignOff, "o")
    users = _columns(user_model, "u")
    step_table = quote(ProcessStep._meta.db_table)
    # Table and column names of ours; the process id is a parameter.
    steps_sql = (
        f"SELECT {steps[1]} FROM {step_table} {quote('s')}"  # noqa: S608
        f" WHERE {quote('s')}.{quote('process_id')} = %s ORDER BY {quote('s')}.{quote('number')}"
    )
    sign_offs_sql = (
        f"SELECT {sign_offs[1]}, {users[1]}"  # noqa: S608
        f" FROM {quote(SignOff._meta.db_table)} {quote('o')}"
        f" INNER JOIN {step_table} {quote('s')}"
        f" ON {quote('s')}.{quote('id')} = {quote('o')}.{quote('step_id')}"
        f" INNER JOIN {quote(user_model._meta.db_table)} {quote('u')}"
        f" ON {quote('u')}.{quote('id')} = {quote('o')}.{quote('user_id')}"
        f" WHERE {quote('s')}.{quote('process_id')} = %s"
        f" ORDER BY {quote('o')}.{quote('step_id')}, {quote('o')}.{quote('revision')},"
        f" {quote('o')}.{quote('signed_at')}, {quote('o')}.{quote('id')}"
    )
    return steps, steps_sql, sign_offs, users, sign_offs_sql


def _instances(model, columns, rows):
    names, _sql, converters = columns
    db = connection.alias
    for row in rows:
        if converters:
            row = list(row)
            for index, found, column in converters:
                for converter in found:
                    row[index] = converter(row[index], column, connection)
        yield model.from_db(db, names, row)


def _prefetched(manager, queryset, objects):
    """``queryset`` as the related manager's, filled with ``objects`` as prefetch_related
    fills it."""
    queryset = manager._apply_rel_filters(queryset)
    queryset._result_cache = objects
    queryset._prefetch_done = True
    return queryset


def _load_steps(process):
    """Fill ``process.steps.all()`` and each step's ``sign_offs.all()`` (with ``user``), as
    ``prefetch_related(_steps_prefetch())`` does, in the same two queries."""
    steps_cols, steps_sql, sign_offs_cols, users_cols, sign_offs_sql = _steps_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(steps_sql, [process.pk])
        steps = list(_instances(ProcessStep, steps_cols, cursor.fetchall()))
        cursor.execute(sign_offs_sql, [process.pk])
        rows = cursor.fetchall()
    width = len(sign_offs_cols[0])
    sign_offs = _instances(SignOff, sign_offs_cols, [row[:width] for row in rows])
    signers = _instances(get_user_model(), users_cols, [row[width:] for row in rows])
    by_pk = {step.pk: step for step in steps}
    by_step: dict[int, list] = {step.pk: [] for step in steps}
    user_field, step_field = SignOff._meta.get_field("user"), SignOff._meta.get_field("step")
    for sign_off, signer in zip(sign_offs, signers, strict=True):
        user_field.set_cached_value(sign_off, signer)
        step_field.set_cached_value(sign_off, by_pk[sign_off.step_id])
        by_step[sign_off.step_id].append(sign_off)
    process_field = ProcessStep._meta.get_field("process")
    sign_off_queryset = SignOff.objects.select_related("user")
    for step in steps:
        process_field.set_cached_value(step, process)
        step._prefetched_objects_cache = {
            "sign_offs": _prefetched(step.sign_offs, sign_off_queryset, by_step[step.pk])
        }
    if not hasattr(process, "_prefetched_objects_cache"):
        process._prefetched_objects_cache = {}
    process._prefetched_objects_cache["steps"] = _prefetched(
        process.steps, ProcessStep.objects.order_by("number"), steps
    )


@functools.cache
def _process_sql(vendor):
    """The written-out query for ``Process.objects.select_related("school__board",
    "school_year", "created_from__school_year").filter(pk=pk)`` (see ``_steps_sql``)."""
    quote = connection.ops.quote_name
    parts = [
        (Process, "p", ""),
        (School, "sc", "INNER JOIN {t} {a} ON {a}.id = p.school_id"),
        (Board, "b", "INNER JOIN {t} {a} ON {a}.id = sc.board_id"),
        (SchoolYear, "sy", "INNER JOIN {t} {a} ON {a}.id = p.school_year_id"),
        (Process, "cf", "LEFT OUTER JOIN {t} {a} ON {a}.id = p.created_from_id"),
        (SchoolYear, "cy", "LEFT OUTER JOIN {t} {a} ON {a}.id = cf.school_year_id"),
    ]
    columns = [_columns(model, alias) for model, alias, _join in parts]
    joins = " ".join(
        join.format(t=quote(model._meta.db_table), a=alias) for model, alias, join in parts[1:]
    )
    # Table names of ours; the process id is a parameter.
    sql = (
        f"SELECT {', '.join(c[1] for c in columns)}"  # noqa: S608
        f" FROM {quote(Process._meta.db_table)} p {joins} WHERE p.id = %s"
    )
    return [model for model, _alias, _join in parts], columns, sql


def _load_process(pk) -> Process | None:
    """The process with its school and board, school year, and the process it was copied
    from with that one's school year (``None`` for none), in one query."""
    models, columns, sql = _process_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for model, cols in zip(models, columns, strict=True):
        width = len(cols[0])
        part = row[start : start + width]
        start += width
        objects.append(None if part[0] is None else next(_instances(model, cols, [part])))
    process, school, board, school_year, created_from, created_year = objects
    Process._meta.get_field("school").set_cached_value(process, school)
    School._meta.get_field("board").set_cached_value(school, board)
    Process._meta.get_field("school_year").set_cached_value(process, school_year)
    Process._meta.get_field("created_from").set_cached_value(process, created_from)
    if created_from is not None:
        Process._meta.get_field("school_year").set_cached_value(created_from, created_year)
    return process


def process_get_for_user(*, user, pk, perm=None) -> Process:
    """The process with its school, year and steps; 404 if missing or not visible to ``user``.

    With ``perm`` (e.g. "processes.manage_process"): 403 when the user may see the process but
    not do this.
    """
    process = _load_process(pk)
    if process is not None:
        _load_steps(process)
    if process is None or not user.has_perm("processes.view_process", process):
        raise Http404
    if perm is not None and not user.has_perm(perm, process):
        raise PermissionDenied
    return process


def process_step(process, number) -> ProcessStep:
    """Step ``number`` of ``process`` from its prefetched steps (no query), knowing its process."""
    for step in process.steps.all():
        if step.number == number:
            step.process = process
            return step
    raise Http404


def step_get_for_user(*, user, process_pk, number) -> ProcessStep:
    return process_step(process_get_for_user(user=user, pk=process_pk), number)


@dataclass
class StepPageLink:
    """A working page of a step as ``user`` meets it: a link, or why there is none."""

    label: str
    url: str = ""
    reason: str = ""


def step_page_links(*, user, process, number) -> list[StepPageLink]:
    """The working pages of step ``number``: linked when ``user`` may open them and they have
    something to show; otherwise who may open them or why they are not there yet. A page
    that would answer 403 or 404 is never linked."""
    links = []
    for page in registry.step_pages(number):
        if not user.has_perm(page.perm, process):
            reason = (
                _("only for %(who)s") % {"who": page.who}
                if page.who
                else _("not for your role in this school")
            )
            links.append(StepPageLink(page.label, reason=reason))
            continue
        not_ready = page.ready(process) if page.ready else None
        if not_ready:
            links.append(StepPageLink(page.label, reason=not_ready))
            continue
        links.append(StepPageLink(page.label, url=reverse(page.url_name, args=[process.pk])))
    return links


def school_get_for_user(*, user, pk, perm="processes.view_process") -> School:
    school = get_object_or_404(School.objects.select_related("board"), pk=pk)
    if not user.has_perm(perm, school):
        raise Http404
    return school


def board_get_for_user(*, user, pk, perm="processes.view_board") -> Board:
    """The board; 404 when missing or when ``user`` lacks ``perm`` on it
    (``processes.read_board``: also the board's GMR members, who only read)."""
    board = get_object_or_404(Board, pk=pk)
    if not user.has_perm(perm, board):
        raise Http404
    return board


def board_decisions(*, board):
    """The board's own decisions (step 0), newest first."""
    return (
        Decision.objects.filter(
            board=board, school__isnull=True, process__isnull=True, step_number=0
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def current_sign_offs(step) -> dict[str, SignOff]:
    """The sign-offs that count for the step's current revision, by side."""
    return {s.side: s for s in step.sign_offs.all() if s.revision == step.revision}


def board_step(process) -> BoardProcess | None:
    return BoardProcess.objects.filter(
        board_id=process.school.board_id, school_year=process.school_year
    ).first()


def decision_list(*, process):
    return (
        Decision.objects.filter(process=process)
        .select_related("actor")
        .order_by("created_at", "id")
    )


@dataclass
class SchoolCard:
    school: School
    roles: list[str]
    process: Process | None
    earlier: list[Process] = field(default_factory=list)
    todos: list = field(default_factory=list)  # processes.todos.Todo
    can_start: bool = False
    transparency: Process | None = None  # the latest process with a ratified school plan

    @property
    def open_steps(self) -> list[ProcessStep]:
        """What is under way (from the prefetched steps), for a card without to-dos."""
        steps = self.process.steps.all() if self.process else []
        return [step for step in steps if step.state == ProcessStep.State.OPEN]


RATIFIED = "schoolplans.plan.ratified"  # the decision of the ratification (schoolplans)


def _set_transparency(cards, processes_of) -> None:
    """Per card the latest process whose school plan was ratified (one query): what every
    staff member reads there (issue 18: transparency), the plan, its spending, the report."""
    candidates = [p.pk for card in cards for p in processes_of[card.school.pk]]
    ratified = set(
        Decision.objects.filter(process_id__in=candidates, action=RATIFIED).values_list(
            "process_id", flat=True
        )
    )
    for card in cards:
        card.transparency = next(
            (p for p in processes_of[card.school.pk] if p.pk in ratified), None
        )


def dashboard_for_user(*, user) -> dict:
    """Per school the user belongs to: the latest process, its steps and the user's to-dos
    (also those of last year's process, still being spent and evaluated); and for board
    administrators, their boards with every school's progress and what waits for them."""
    from .todos import board_todos, recent_processes, todos_by_process

    roles = user_roles(user)
    school_ids = set(roles["schools"]) | set(roles["staff"])
    school_year = SchoolYear.objects.current()
    schools = list(
        School.objects.filter(Q(pk__in=school_ids) | Q(board_id__in=roles["boards"]))
        .select_related("board")
        .prefetch_related(
            Prefetch(
                "processes",
                queryset=Process.objects.select_related("school_year")
                # The sign-offs count for the to-dos on the cards of the user's own schools.
                .prefetch_related(_steps_prefetch(sign_offs=bool(school_ids)))
                .order_by("-school_year__start_year"),
            )
        )
        .order_by("board__name", "name")
    )
    cards = []
    boards: dict[int, dict] = {}
    processes_of = {}
    for school in schools:
        processes = processes_of[school.pk] = list(school.processes.all())
        latest = processes[0] if processes else None
        if school.board_id in roles["boards"]:
            boards.setdefault(school.board_id, {"board": school.board, "rows": []})["rows"].append(
                _board_row(school, latest)
            )
        if school.pk not in school_ids:
            continue
        school_roles = sorted(roles["schools"].get(school.pk, set()))
        manages = bool({"director", "pmr"} & set(school_roles))
        card = SchoolCard(
            school=school,
            roles=school_roles,
            process=latest,
            earlier=processes[1:],
            can_start=manages and all(p.school_year_id != school_year.pk for p in processes),
        )
        cards.append(card)
    shown = {
        card.school.pk: recent_processes(processes_of[card.school.pk], school_year)
        for card in cards
    }
    _set_transparency(cards, processes_of)
    found = todos_by_process(user, [p for processes in shown.values() for p in processes])
    for card in cards:
        for process in shown[card.school.pk]:
            for todo in found[process.pk]:
                if process is not card.process:
                    todo.year = str(process.school_year)
                card.todos.append(todo)
    entries = list(boards.values())
    for board_pk, todos in board_todos(user, entries).items():
        boards[board_pk]["todos"] = todos
    # A GMR member's boards, with what the board's providers ask of the GMR (step 0's decision).
    gmr_boards = [
        {"board": board, "rows": []}
        for board in Board.objects.filter(pk__in=roles["gmr"]).order_by("name")
    ]
    for board_pk, todos in board_todos(user, gmr_boards).items():
        next(entry for entry in gmr_boards if entry["board"].pk == board_pk)["todos"] = todos
    return {
        "cards": cards,
        "boards": entries,
        "gmr_boards": gmr_boards,
        "school_year": school_year,
    }


def _board_row(school, process) -> dict:
    steps = list(process.steps.all()) if process else []
    open_steps = [s for s in steps if s.state == ProcessStep.State.OPEN]
    return {
        "school": school,
        "process": process,
        "open_steps": open_steps,
        "done": sum(1 for s in steps if s.is_finished),
        "overdue": [s for s in open_steps if s.is_overdue],
    }


def board_overview(*, board) -> dict:
    """Every school of ``board`` with its latest process and progress, in constant queries
    and reading only the latest processes' steps (not every earlier year's, nor sign-offs)."""
    latest_year = (
        Process.objects.filter(school_id=OuterRef("school_id"))
        .order_by("-school_year__start_year")
        .values("school_year__start_year")[:1]
    )
    schools = (
        School.objects.filter(board=board)
        .prefetch_related(
            Prefetch(
                "processes",
                queryset=Process.objects.select_related("school_year")
                .filter(school_year__start_year=Subquery(latest_year))
                .prefetch_related(_steps_prefetch(sign_offs=False)),
            )
        )
        .order_by("name")
    )
    rows = []
    for school in schools:
        processes = list(school.processes.all())
        rows.append(_board_row(school, processes[0] if processes else None))
    return {
        "board": board,
        "rows": rows,
        "board_processes": board_processes(board=board),
    }


def board_processes(*, board) -> list[BoardProcess]:
    return list(BoardProcess.objects.filter(board=board).select_related("school_year"))
