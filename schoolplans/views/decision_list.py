"""The decision list (besluitenlijst) of a process: page and PDF."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import pgettext_lazy

from processes.selectors import process_get_for_user
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf

from ..selectors.decision_list import decision_list_page

FILE_DECISION_LIST = pgettext_lazy("file name", "decision list")


def decision_list_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = decision_list_page(process=process)
    return render(
        request,
        "schoolplans/decisions/detail.html",
        {"process": process, "entries": page.entries, "record": page.record},
    )


def decision_list_pdf(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = decision_list_page(process=process)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf(
            "schoolplans/pdf/decision_list.html",
            {"process": process, "entries": page.entries, "record": page.record},
        )
    name = download_name(FILE_DECISION_LIST, process.school.brin, process.school_year, ext="pdf")
    return pdf_response(pdf, name)
