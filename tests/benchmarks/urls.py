"""The site's URLs plus two floors: ``bench/floor/``, the least a Django request that writes can
cost, and ``bench/floor/page/``, the least a signed-in page can cost (``base.html``).

The floor goes through the same middleware, gunicorn and PostgreSQL as the ballot, reads one
form field and inserts one row in one transaction. It is exempt from CSRF (the ballot is not)
and renders no template.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from werkdruk.urls import urlpatterns as site_urlpatterns

FLOOR_CREATE = (
    "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, choice varchar(10) NOT NULL, "
    "created_at timestamptz NOT NULL DEFAULT now())"
)
FLOOR_INSERT = "INSERT INTO bench_floor (choice) VALUES (%s)"
FLOOR_COUNT = "SELECT count(*) FROM bench_floor"


@csrf_exempt
@login_not_required
@require_POST
def floor(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FLOOR_INSERT, [request.POST.get("choice", "")])
    return HttpResponse("ok", content_type="text/plain")


def floor_page(request):
    """The pages' floor (``pages_bench.py``): ``base.html`` with nothing in it, for the signed-in
    user, through the same middleware and context processors as every page."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/floor/page/", floor_page, name="bench-floor-page"),
    *site_urlpatterns,
]
