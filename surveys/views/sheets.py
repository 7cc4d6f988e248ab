"""Printed code sheets for staff without a usable e-mail address (director and PMR).

GET: choose the people (those whose e-mail address does not work first, and ticked). POST:
issue a new code for each (``services.sheets.invitee_sheets_issue``, which tells each person by
e-mail that a sheet was printed for them) and return the PDF, one page per person.
The codes go only into the PDF: never on a page, in a message or in the log, and the response
is not cached.
"""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext_lazy

from werkdruk.domain_errors import shows_domain_error
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf

from ..forms.sheets import SheetForm
from ..models import SurveyRound, SurveyToken
from ..selectors.rounds import round_get_for_user
from ..services.rounds import MANAGE, answer_url
from ..services.sheets import invitee_sheets_issue

FILE_SURVEY_SHEETS = pgettext_lazy("file name", "survey codes")


def _qr_svg(url: str) -> str:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(
        encoding="unicode"
    )


def _page(request, survey_round, form, status=200):
    had_sheet = set(
        SurveyToken.objects.filter(
            invitee__round=survey_round, channel=SurveyToken.Channel.SHEET
        ).values_list("invitee_id", flat=True)
    )
    invitees = list(form.fields["invitees"].queryset)
    # Whose e-mail does not work comes first, ticked when the page opens.
    unreachable = [invitee for invitee in invitees if invitee.staff_member.email_unusable]
    selected = form.selected() if form.is_bound else {str(invitee.pk) for invitee in unreachable}
    process = survey_round.questionnaire.process
    context = {
        "process": process,
        "round": survey_round,
        "form": form,
        "invitees": [invitee for invitee in invitees if not invitee.staff_member.email_unusable],
        "unreachable": unreachable,
        "selected": selected,
        "had_sheet": had_sheet,
        "closed": survey_round.state == SurveyRound.State.CLOSED,
        "can_mark": request.user.has_perm("units.mark_email_unusable", process.school),
    }
    return render(request, "surveys/code_sheets.html", context, status=status)


def code_sheets(request, round_pk):
    """GET: choose the people. POST: a new code each, printed in a PDF."""
    survey_round = round_get_for_user(user=request.user, pk=round_pk, perm=MANAGE)
    if request.method != "POST":
        return _page(request, survey_round, SheetForm(survey_round=survey_round))
    form = SheetForm(request.POST, survey_round=survey_round)
    if not form.is_valid():
        return _page(request, survey_round, form, status=400)
    invitees = list(form.cleaned_data["invitees"])
    with shows_domain_error(form=form) as attempt:
        codes = invitee_sheets_issue(
            survey_round=survey_round,
            actor=request.user,
            invitees=invitees,
            mark_unusable=form.cleaned_data["mark_unusable"],
        )
    if attempt.failed:
        return _page(request, survey_round, form, status=400)
    process = survey_round.questionnaire.process
    with translation.override(settings.LANGUAGE_CODE):  # the school's language
        sheets = [
            {
                "name": invitee.staff_member.name,
                "code": code,
                "url": answer_url(code),
                "qr": mark_safe(_qr_svg(answer_url(code))),  # noqa: S308 - our own SVG
            }
            for invitee, code in zip(invitees, codes, strict=True)
        ]
        pdf = render_pdf(
            "surveys/code_sheets_pdf.html",
            {
                "process": process,
                "round": survey_round,
                "sheets": sheets,
            },
        )
    name = download_name(
        FILE_SURVEY_SHEETS,
        process.school.brin,
        process.school_year,
        SurveyRound.Kind(survey_round.kind).label,
        ext="pdf",
    )
    response = pdf_response(pdf, name)
    add_never_cache_headers(response)  # personal codes: not kept in any cache
    return response
