"""Pages of the site itself: the user guide."""

from functools import lru_cache

import markdown
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.safestring import mark_safe

GUIDE = settings.BASE_DIR / "docs" / "gebruikershandleiding.md"


@lru_cache(maxsize=1)
def _guide_html(mtime: float) -> str:
    """The user guide (our own Markdown file in docs/) as HTML, with anchors on its headings.

    Cached per version of the file (its modification time is the key)."""
    return markdown.markdown(
        GUIDE.read_text(encoding="utf-8"), extensions=["toc", "tables", "sane_lists"]
    )


@login_not_required
def user_guide(request):
    """The user guide (Dutch), from the first page on: also for who has not signed in yet."""
    html = _guide_html(GUIDE.stat().st_mtime)
    return render(request, "user_guide.html", {"guide": mark_safe(html)})  # noqa: S308 (our file)
