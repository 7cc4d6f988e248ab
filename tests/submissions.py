"""Issue 14, item 9: send a creating form twice, as a double click does, and check that its work
was done once (``werkdruk.submissions``)."""

import re

from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.translation import gettext

from werkdruk.submissions import TOKEN_FIELD

ALREADY_SAVED = "This was already saved."
_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
_ACTION = re.compile(r'\baction="([^"]*)"')
_TOKEN = re.compile(rf'name="{TOKEN_FIELD}" value="([\w-]+)"')


def form_token(page, action: str) -> str:
    """The one-time token of the page's form that posts to ``action`` (a form without an
    action posts to the page itself)."""
    html = page.content.decode()
    for form in _FORM.findall(html):
        found = _ACTION.search(form[: form.index(">")])
        target = found.group(1) if found else page.wsgi_request.path
        if target == action:
            token = _TOKEN.search(form)
            assert token is not None, f"the form posting to {action} has no submission token"
            return token.group(1)
    raise AssertionError(f"no form posts to {action}")


def already_saved(response) -> bool:
    """Whether the response told the user "This was already saved." (in either language)."""
    expected = set()
    for language in ("en", "nl"):
        with translation.override(language):
            expected.add(gettext(ALREADY_SAVED))
    return any(str(message) in expected for message in get_messages(response.wsgi_request))


def send_twice(client, *, page: str, action: str, data: dict, files=None, headers=None):
    """Open ``page``, send its form (posting to ``action``) twice with its token; both go to
    the same page, the second with "This was already saved.". Returns the first response.

    ``files``: a function that makes the uploads afresh for each send; ``headers``: of the
    request that opens the page (a fragment loaded by htmx)."""
    shown = client.get(page, headers=headers)
    assert shown.status_code == 200, shown.status_code
    data = {**data, TOKEN_FIELD: form_token(shown, action)}
    responses = [client.post(action, {**data, **(files() if files else {})}) for _ in range(2)]
    first, second = responses
    assert first.status_code == 302, (first.status_code, first.content.decode()[-3000:])
    assert not already_saved(first)
    assert second.status_code == 302, (second.status_code, second.content.decode()[-3000:])
    assert second.url == first.url
    assert already_saved(second)
    return first
