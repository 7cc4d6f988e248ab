"""The PMR's paper-ballot pages (two tellers) and the printed token sheets.

Paper ballots: the first teller enters who handed in a ballot and the counts; the second
teller, another PMR member, sees the names (to check against the sign-in list) but not the
counts, and types the counts again. The services in ``voting.services.paper`` decide.

Token sheets: a printed personal code for staff without a usable e-mail address (those with
the "address unusable" mark are listed first and ticked). Codes are issued only by POST, go
straight into the PDF and are never shown on a page or logged; the owner of each sheet is told
by e-mail that it was printed.
"""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from werkdruk.domain_errors import shows_domain_error
from werkdruk.exceptions import DomainError
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf
from werkdruk.submissions import idempotent_post

from ..forms.paper import CountsForm, PaperEntryForm, TokenSheetForm, not_voted
from ..models import PaperBatch, Vote, VoterToken
from ..services.casting import voter_sheets_issue
from ..services.common import ensure_accepting
from ..services.messages import ballot_url
from ..services.paper import paper_batch_confirm, paper_batch_discard, paper_batch_enter
from .common import vote_get_for_user

MANAGE = "voting.manage_vote"

FILE_VOTING_SHEETS = pgettext_lazy("file name", "voting codes round")


def _batch_get(vote, batch_pk) -> PaperBatch:
    batch = get_object_or_404(
        PaperBatch.objects.select_related("entered_by", "confirmed_by"), pk=batch_pk, vote=vote
    )
    batch.vote = vote
    return batch


def _not_accepting(vote) -> str:
    """Why the vote takes no ballots now, or "" when it does."""
    try:
        ensure_accepting(vote)
    except DomainError as error:
        return error.message
    return ""


def _pending_voter_ids(vote) -> set[int]:
    """Voters on an entry that waits for the second teller (to warn against entering twice)."""
    through = PaperBatch.voters.through
    return set(
        through.objects.filter(
            paperbatch__vote=vote, paperbatch__state=PaperBatch.State.PENDING
        ).values_list("voter_id", flat=True)
    )


# --- paper ballots ---------------------------------------------------------------------


def _render_list(request, vote, form, status=200):
    batches = list(
        PaperBatch.objects.filter(vote=vote)
        .select_related("entered_by", "confirmed_by")
        .order_by("pk")
    )
    context = {
        "process": vote.process,
        "vote": vote,
        "form": form,
        "pending": [b for b in batches if b.state == PaperBatch.State.PENDING],
        "counted": [b for b in batches if b.state == PaperBatch.State.CONFIRMED],
        "voters": list(not_voted(vote)),
        "selected": form.selected(),
        "on_pending": _pending_voter_ids(vote),
        "not_accepting": _not_accepting(vote),
    }
    return render(request, "voting/paper/paper_list.html", context, status=status)


def paper_list(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    return _render_list(request, vote, PaperEntryForm(vote=vote))


@require_POST
@idempotent_post
def paper_enter(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    form = PaperEntryForm(request.POST, vote=vote)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            batch = paper_batch_enter(
                vote=vote,
                actor=request.user,
                voters=form.cleaned_data["voters"],
                description=form.cleaned_data["description"],
                **form.counts(),
            )
        if attempt.succeeded:
            messages.success(
                request,
                ngettext(
                    "%(count)s paper ballot entered. Another PMR member now confirms it as "
                    "the second teller.",
                    "%(count)s paper ballots entered. Another PMR member now confirms them as "
                    "the second teller.",
                    batch.ballot_count,
                )
                % {"count": batch.ballot_count},
            )
            return redirect("voting:paper-list", vote_pk=vote.pk)
    return _render_list(request, vote, form, status=400)


def _render_confirm(request, vote, batch, form, status=200):
    context = {
        "process": vote.process,
        "vote": vote,
        "batch": batch,
        "names": batch.voters.select_related("staff_member").order_by("staff_member__name", "pk"),
        "form": form,
        "is_first_teller": batch.entered_by_id == request.user.pk,
        "not_accepting": _not_accepting(vote),
    }
    return render(request, "voting/paper/paper_confirm.html", context, status=status)


@idempotent_post
def paper_confirm(request, vote_pk, batch_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    batch = _batch_get(vote, batch_pk)
    if batch.state != PaperBatch.State.PENDING:
        messages.info(request, _("These paper ballots have already been counted."))
        return redirect("voting:paper-list", vote_pk=vote.pk)
    if request.method != "POST":
        return _render_confirm(request, vote, batch, CountsForm())
    form = CountsForm(request.POST)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            paper_batch_confirm(batch=batch, actor=request.user, **form.counts())
        if attempt.succeeded:
            messages.success(
                request,
                ngettext(
                    "The counts match: %(count)s paper ballot has been added to the vote.",
                    "The counts match: %(count)s paper ballots have been added to the vote.",
                    batch.ballot_count,
                )
                % {"count": batch.ballot_count},
            )
            return redirect("voting:paper-list", vote_pk=vote.pk)
    return _render_confirm(request, vote, batch, form, status=400)


@require_POST
def paper_discard(request, vote_pk, batch_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    batch = _batch_get(vote, batch_pk)
    with shows_domain_error(request=request) as attempt:
        paper_batch_discard(batch=batch, actor=request.user)
    if attempt.succeeded:
        messages.success(request, _("The entry has been discarded; nothing was counted."))
    return redirect("voting:paper-list", vote_pk=vote.pk)


# --- token sheets ----------------------------------------------------------------------


def _qr_svg(url: str) -> str:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _render_sheets_page(request, vote, form, status=200):
    had_sheet = set(
        VoterToken.objects.filter(voter__vote=vote, channel=VoterToken.Channel.SHEET).values_list(
            "voter_id", flat=True
        )
    )
    voters = list(not_voted(vote))
    # Whose e-mail does not work comes first, ticked when the page opens.
    unreachable = [voter for voter in voters if voter.staff_member.email_unusable]
    selected = form.selected() if form.is_bound else {str(voter.pk) for voter in unreachable}
    context = {
        "process": vote.process,
        "vote": vote,
        "form": form,
        "voters": [voter for voter in voters if not voter.staff_member.email_unusable],
        "unreachable": unreachable,
        "selected": selected,
        "had_sheet": had_sheet,
        "closed": vote.state == Vote.State.CLOSED,
        "can_mark": request.user.has_perm("units.mark_email_unusable", vote.process.school),
    }
    return render(request, "voting/paper/token_sheets.html", context, status=status)


def token_sheets(request, vote_pk):
    """GET: choose the voters. POST: issue a sheet code for each and return the PDF."""
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=MANAGE)
    if request.method != "POST":
        return _render_sheets_page(request, vote, TokenSheetForm(vote=vote))
    form = TokenSheetForm(request.POST, vote=vote)
    if not form.is_valid():
        return _render_sheets_page(request, vote, form, status=400)
    voters = list(form.cleaned_data["voters"])
    with shows_domain_error(form=form) as attempt:
        codes = voter_sheets_issue(
            vote=vote,
            actor=request.user,
            voters=voters,
            mark_unusable=form.cleaned_data["mark_unusable"],
        )
    if attempt.failed:
        return _render_sheets_page(request, vote, form, status=400)

    process = vote.process
    with translation.override(settings.LANGUAGE_CODE):  # the school's language
        entry_url = settings.SITE_URL.rstrip("/") + reverse("voting:code-entry")
        sheets = [
            {
                "voter": voter,
                "code": code,
                "qr": mark_safe(_qr_svg(ballot_url(code))),  # noqa: S308 - our own SVG
            }
            for voter, code in zip(voters, codes, strict=True)
        ]
        pdf = render_pdf(
            "voting/paper/token_sheets_pdf.html",
            {
                "process": process,
                "vote": vote,
                "sheets": sheets,
                "entry_url": entry_url,
                "closes_at": timezone.localtime(vote.closes_at),
            },
        )
    name = download_name(
        FILE_VOTING_SHEETS, process.school.brin, process.school_year, vote.round, ext="pdf"
    )
    response = pdf_response(pdf, name)
    add_never_cache_headers(response)  # personal codes: not kept in any cache
    return response
