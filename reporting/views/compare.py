"""The page that puts a school's school years side by side (domain section 7), for the readers
of the school's annual report: its director, its PMR and the board's administrators."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import access, compare


@require_GET
def school_years(request, pk):
    process = access.report_process_get_for_user(user=request.user, pk=pk)
    comparison = compare.years_compared(compare.school_years_figures(process=process))
    return render(
        request,
        "reporting/compare.html",
        {"process": process, "comparison": comparison, "max_years": compare.MAX_YEARS},
    )
