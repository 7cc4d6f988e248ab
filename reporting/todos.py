"""The board administrator's to-do of the annual report: last school year's, once a school of
the board had a procedure in it, until a report of it has been written (registered with
``processes.registry.register_board_todo_provider`` in ``ReportingConfig.ready()``)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from processes.models import Board, Process
from processes.predicates import user_roles
from processes.todos import Todo, current_start_year

from .models import ReportJob


def annual_report_todos(user, boards) -> dict[int, list[Todo]]:
    """ "Write the annual report on <last school year>" per board the user administers. One
    query for a board's administrator, none for anyone else."""
    administered = [board.pk for board in boards if board.pk in user_roles(user)["boards"]]
    if not administered:
        return {}
    year = current_start_year() - 1
    rows = Board.objects.filter(pk__in=administered).annotate(
        had_processes=Exists(
            Process.objects.filter(school__board=OuterRef("pk"), school_year__start_year=year)
        ),
        written=Exists(
            ReportJob.objects.filter(
                board=OuterRef("pk"), school_year__start_year=year, state=ReportJob.State.DONE
            )
        ),
    )
    text = _("Write the annual report on %(year)s") % {"year": f"{year}-{year + 1}"}
    return {
        board.pk: [Todo(text, reverse("reporting:board-report", args=[board.pk, year]))]
        for board in rows
        if board.had_processes and not board.written
    }
