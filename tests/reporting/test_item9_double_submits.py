"""Issue 14, item 9: a board report started twice (a double click) is one job; the second goes
to the same page with "This was already saved." (tests/submissions.py)."""

import pytest
from django.urls import reverse

from reporting.models import ReportJob
from tests.submissions import send_twice

from .test_jobs import admin, board, media, queued, year  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_item9_a_report_started_twice_is_one_job(client, board, admin, year, queued):  # noqa: F811
    client.force_login(admin)
    send_twice(
        client,
        page=reverse("reporting:board-report", args=[board.pk, year.start_year]),
        action=reverse("reporting:board-report-start", args=[board.pk, year.start_year]),
        data={"format": "pdf"},
    )
    assert ReportJob.objects.count() == 1
