"""Pages of step 10: the published school plan (page and PDF) with its comments. Each resolves
the process for the user (404 for another school), checks permission, validates a form, calls
one service and redirects with a message."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from processes.selectors import process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf
from werkdruk.submissions import idempotent_post

from ..forms.publication import CommentForm, PublishForm
from ..selectors import publication as selectors
from ..selectors.content import plan_display
from ..selectors.task_policy import plan_body_html, task_policy_annotate
from ..services import publication as services

FILE_SCHOOL_PLAN = pgettext_lazy("file name", "school plan")


def _publication_render(request, process, *, publish_form=None, comment_form=None, status=200):
    page = selectors.publication_page(user=request.user, process=process)
    context = {
        "process": process,
        "page": page,
        "step": page.step,
        "version": page.version,
        # The version's body, rendered once (its content never changes) and then cached.
        "plan_html": plan_body_html(page.version) if page.version else None,
        "publish_form": publish_form or (PublishForm() if page.can_publish else None),
        "comment_form": comment_form or (CommentForm() if page.can_comment else None),
    }
    return render(request, "schoolplans/publication/detail.html", context, status=status)


def publication_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    return _publication_render(request, process)


@require_POST
@idempotent_post
def publication_publish(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    if not selectors.may_publish(request.user, process_step(process, selectors.STEP)):
        raise PermissionDenied
    version = selectors.latest_version(process)
    if version is None:
        raise Http404
    form = PublishForm(request.POST)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            services.plan_publish(
                version=version,
                actor=request.user,
                comments_until=form.cleaned_data["comments_until"],
            )
        if attempt.succeeded:
            messages.success(
                request,
                _(
                    "Version %(number)s of the school plan is published; the staff are told "
                    "by e-mail."
                )
                % {"number": version.number},
            )
            return redirect("schoolplans:publication", pk=process.pk)
    return _publication_render(request, process, publish_form=form, status=400)


@require_POST
@idempotent_post
def publication_comment(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    if not selectors.may_comment(request.user, process):
        raise PermissionDenied
    page = selectors.publication_page(user=request.user, process=process)
    if page.version is None or page.version.publication_row is None:
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            services.publication_comment_add(
                publication=page.version.publication_row,
                actor=request.user,
                text=form.cleaned_data["text"],
            )
        if attempt.succeeded:
            messages.success(request, _("Your comment has been added."))
            return redirect("schoolplans:publication", pk=process.pk)
    return _publication_render(request, process, comment_form=form, status=400)


def school_plan_pdf(request, pk, number):
    process = process_get_for_user(user=request.user, pk=pk)
    version = selectors.version_get_for_user(user=request.user, process=process, number=number)
    # The document reads the same for everyone: in the school's language.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "process": process,
            "version": version,
            "content": version.content,
            "plan": task_policy_annotate(plan_display(version.content), version),
        }
        pdf = render_pdf("schoolplans/pdf/school_plan.html", context)
    name = download_name(
        FILE_SCHOOL_PLAN, process.school.brin, process.school_year, f"v{number}", ext="pdf"
    )
    return pdf_response(pdf, name)
