"""Forms that create something do their work once, however often they are sent.

A double click, a slow connection or a reload sends the same form again. Each creating form
carries a one-time token (``{% submission_token %}``, made fresh whenever the form is shown),
and its view is wrapped in ``idempotent_post``, which records the token (``FormSubmission``,
unique per user) in one transaction with the view:

- the first request runs the view; when it answers with a redirect (and added no error
  message) the row keeps where it sent the user;
- the same form sent again, at the same moment or later, does not run the view again: it goes
  to the first request's page with "This was already saved." On PostgreSQL a second request
  at the same moment waits on the unique insert until the first one commits, then finds its row;
- when the view refuses (form errors, a 4xx page, an error message) the token is released, so
  the corrected form can be sent again;
- other input sent with the same token (a page used again after "back") is no repeat: it is
  handled as a form without a token.

A POST without a (well-formed) token is handled as before, without this guarantee (old pages,
clients that never loaded the form). Rows older than a day are removed when their user sends
the next form.
"""

import datetime
import functools
import hashlib
import re
import secrets

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

TOKEN_FIELD = "submission_token"  # noqa: S105 (a field name)
KEPT_FOR = datetime.timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Not part of what the user sent: the CSRF token is masked anew on every page.
_NOT_INPUT = {TOKEN_FIELD, "csrfmiddlewaretoken"}
_URL_MAX = FormSubmission._meta.get_field("response_url").max_length


def submission_token_new() -> str:
    """A fresh one-time token for a form (random, so a guess cannot match another form's)."""
    return secrets.token_urlsafe(24)


def _token(request) -> str | None:
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    token = request.POST.get(TOKEN_FIELD, "")
    return token if _TOKEN.fullmatch(token) else None


def _fingerprint(request) -> str:
    """The path and the input sent (files by their content), to tell a repeat from new input."""
    digest = hashlib.sha256(request.path.encode())
    for name in sorted(set(request.POST) - _NOT_INPUT):
        for value in request.POST.getlist(name):
            digest.update(b"\0" + name.encode() + b"=" + value.encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(b"\0" + name.encode() + b"@" + upload.name.encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)  # the view reads it from the start
    return digest.hexdigest()


def _error_count(request) -> int:
    """Error messages added in this request and not yet shown (some views refuse that way)."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return sum(1 for message in queued if message.level >= messages.ERROR)


def _succeeded(response, errors_before, request) -> bool:
    """A redirect without an error message, to a URL the row can keep."""
    return (
        300 <= response.status_code < 400
        and response.has_header("Location")
        and len(response["Location"]) <= _URL_MAX
        and _error_count(request) == errors_before
    )


def idempotent_post(view):
    """Run a creating form's view once per submission token (see the module's docstring).

    For function views; a class-based view uses ``method_decorator(idempotent_post,
    name="post")``. The view runs inside the transaction that records the token. The URL it
    redirects to is stored: not for views whose redirect carries a personal code.
    """

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        token = _token(request)
        if token is None:
            return view(request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        # Before the transaction, so the delete holds no locks while the view runs.
        FormSubmission.objects.filter(
            user=request.user, created_at__lt=timezone.now() - KEPT_FOR
        ).delete()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    submission = FormSubmission.objects.create(
                        user=request.user, token=token, fingerprint=fingerprint
                    )
            except IntegrityError:
                # Sent before: its request has committed (PostgreSQL waited for it).
                earlier = FormSubmission.objects.filter(user=request.user, token=token).first()
                if earlier and earlier.response_url and earlier.fingerprint == fingerprint:
                    messages.info(request, _("This was already saved."))
                    return redirect(earlier.response_url)
                submission = None  # other input from a page used again: no repeat
            errors_before = _error_count(request)
            response = view(request, *args, **kwargs)
            if submission is not None:
                if _succeeded(response, errors_before, request):
                    submission.response_url = response["Location"]
                    submission.save(update_fields=["response_url"])
                else:
                    submission.delete()  # refused: the corrected form may be sent again
            return response

    return guarded
