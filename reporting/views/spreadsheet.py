"""The board's figures of a school year as an XLSX download, for the board's administrators
(the readers of the board report)."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from ..selectors import access
from ..spreadsheet import CONTENT_TYPE, board_workbook


@require_GET
def board_figures_xlsx(request, pk, year):
    board = access.report_board_get_for_user(user=request.user, pk=pk)
    school_year = access.school_year_or_404(year)
    content, filename = board_workbook(board=board, school_year=school_year)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
