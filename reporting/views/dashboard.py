"""The board dashboard: every school's progress and money per school in one school year."""

import re

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import access, dashboard


@require_GET
def board_dashboard(request, pk):
    board = access.report_board_get_for_user(user=request.user, pk=pk)
    value = request.GET.get("year", "")
    year = int(value) if re.fullmatch(r"[0-9]{4}", value) else None
    context = dashboard.board_dashboard(board=board, year=year)
    return render(request, "reporting/board_dashboard.html", context)
