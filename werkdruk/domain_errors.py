"""The one way a view shows a refused action: a service raises DomainError, the view runs it
inside ``shows_domain_error`` and the refusal becomes the form's error or a message.

    with shows_domain_error(form=form) as attempt:
        services.budget_line_add(process=process, actor=request.user, **form.cleaned_data)
    if attempt.succeeded:
        return redirect(...)
    return render(..., status=400)

Any other exception passes through untouched."""

from django.contrib import messages

from .exceptions import DomainError


def error_lines(error: DomainError) -> list[str]:
    """The refusal and its details, one line each."""
    return [error.message, *error.details]


class shows_domain_error:  # noqa: N801 - used as a context manager, named like one
    """Catches a DomainError raised in its block and shows it: as non-field errors on ``form``,
    or as an error message on ``request`` (details joined to the message), or only keeps it
    (``attempt.error``) when given neither, for a page that lists the lines itself."""

    def __init__(self, *, form=None, request=None):
        self.form = form
        self.request = request
        self.error: DomainError | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def lines(self) -> list[str]:
        return error_lines(self.error) if self.error is not None else []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is None or not issubclass(exc_type, DomainError):
            return False
        self.error = exc
        if self.form is not None:
            for line in error_lines(exc):
                self.form.add_error(None, line)
        elif self.request is not None:
            messages.error(self.request, " ".join(error_lines(exc)))
        return True
