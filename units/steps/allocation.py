"""Step 0 in the procedure: the board administrator's to-do of distributing the board's funds
over its schools, for the current school year and, once a school has started its procedure
for it, for the next."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from processes.models import Board, Process
from processes.predicates import user_roles
from processes.todos import Todo, current_start_year

from ..models import BoardAllocation


def allocation_todos(user, boards) -> dict[int, list[Todo]]:
    """ "Distribute the board's funds for <year>" per board the user administers whose
    distribution of that year is neither fixed nor waiting for the GMR (a refusal of the GMR
    makes it due again): the current year always, the next one once a school
    waits for it. For a member of the board's GMR: record the GMR's decision on a
    distribution submitted to it. One query for each of those roles, none for anyone else."""
    roles = user_roles(user)
    todos = _gmr_todos([board.pk for board in boards if board.pk in roles["gmr"]])
    administered = [board.pk for board in boards if board.pk in roles["boards"]]
    if not administered:
        return todos
    years = (current_start_year(), current_start_year() + 1)

    def fixed(year):  # final, or submitted to the GMR (then the GMR is to act, not the board)
        return Exists(
            BoardAllocation.objects.filter(
                Q(fixed_at__isnull=False) | Q(submitted_at__isnull=False),
                board=OuterRef("pk"),
                school_year__start_year=year,
            )
        )

    def waiting(year):
        return Exists(
            Process.objects.filter(school__board=OuterRef("pk"), school_year__start_year=year)
        )

    rows = Board.objects.filter(pk__in=administered).annotate(
        fixed_now=fixed(years[0]), fixed_next=fixed(years[1]), waiting_next=waiting(years[1])
    )
    for board in rows:
        due = [years[0]] if not board.fixed_now else []
        if board.waiting_next and not board.fixed_next:
            due.append(years[1])
        for year in due:
            text = _("Distribute the board's funds for %(year)s over its schools") % {
                "year": f"{year}-{year + 1}"
            }
            url = reverse("units:allocation", args=[board.pk, year])
            todos.setdefault(board.pk, []).append(Todo(text, url))
    return todos


def register() -> None:
    from processes import registry

    registry.register_board_todo_provider(allocation_todos)


def _gmr_todos(board_ids) -> dict[int, list[Todo]]:
    """The distributions submitted to the GMR of ``board_ids`` whose decision is not recorded
    yet (one query, none without boards)."""
    todos: dict[int, list[Todo]] = {}
    if not board_ids:
        return todos
    waiting = BoardAllocation.objects.filter(
        board_id__in=board_ids, submitted_at__isnull=False, fixed_at__isnull=True
    ).select_related("school_year")
    for allocation in waiting.order_by("school_year__start_year"):
        text = _("Record the GMR's decision on the board's distribution for %(year)s") % {
            "year": allocation.school_year
        }
        url = reverse(
            "units:allocation", args=[allocation.board_id, allocation.school_year.start_year]
        )
        todos.setdefault(allocation.board_id, []).append(Todo(text, url))
    return todos
