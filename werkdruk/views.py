"""Pages of the site itself: the user guide, the health checks."""

from functools import lru_cache

import markdown
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from . import health

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


@login_not_required
@never_cache
def health_live(request):
    """Liveness: the process answers. Touches nothing (no database, no broker)."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@never_cache
def health_ready(request):
    """Readiness: database, broker, storage and beat (``werkdruk.health``); 503 when any fails."""
    results = health.run_checks()
    healthy = all(result.ok for result in results)
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": {
                result.name: {
                    "ok": result.ok,
                    "detail": result.detail,
                    "seconds": result.seconds,
                }
                for result in results
            },
        },
        status=200 if healthy else 503,
    )
