"""Who reads which annual report: a school's report is read by its director, its PMR and the
board's administrators, the board's report and the dashboard by its administrators only."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from processes.models import Process, SchoolYear
from processes.selectors import board_get_for_user, process_get_for_user

from ..services import VIEW_BOARD

VIEW_SCHOOL = "reporting.view_school_report"
VIEW_SCHOOL_STAFF = "reporting.view_school_report_staff"


def report_process_get_for_user(*, user, pk) -> Process:
    """The process of a school report: 404 for other schools, 403 for its other staff."""
    return process_get_for_user(user=user, pk=pk, perm=VIEW_SCHOOL)


def staff_report_process_get_for_user(*, user, pk) -> Process:
    """The process of a school report's staff version: its active staff and the readers of the
    full report; 404 for other schools and for those who left."""
    return process_get_for_user(user=user, pk=pk, perm=VIEW_SCHOOL_STAFF)


def report_board_get_for_user(*, user, pk):
    """The board, for its administrators only (404 for everyone else)."""
    board = board_get_for_user(user=user, pk=pk)
    if not user.has_perm(VIEW_BOARD, board):
        raise Http404
    return board


def school_year_or_404(start_year: int) -> SchoolYear:
    return get_object_or_404(SchoolYear, start_year=start_year)
