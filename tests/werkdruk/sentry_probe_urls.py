"""The site's URLs and one view that fails, for tests/werkdruk/sentry_probe.py."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tests.werkdruk.sentry_probe import ADDRESS


@csrf_exempt
@login_not_required
def boom(request, code):
    logging.getLogger("werkdruk.probe").warning("looking up %s for %s", code, ADDRESS)  # a crumb
    raise ValueError(f"no ballot for {code} of {ADDRESS}")


def _urlpatterns():
    from werkdruk.urls import urlpatterns

    return [path("probe/vote/code/<str:code>/", boom), *urlpatterns]


urlpatterns = _urlpatterns()
