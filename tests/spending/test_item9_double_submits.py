"""Issue 14, item 9: the spending forms, sent twice (a double click), do their work once; the
second goes to the same page with "This was already saved." (tests/submissions.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from processes.models import Decision
from spending.models import MeasureSpending
from spending.services.spending import IMPORTED
from tests.submissions import send_twice

from .conftest import YEAR


def test_item9_spending_entered_twice_is_saved_once_without_a_conflict(client, ratified, director):
    """Before: the second post came with the version the first had just moved on (409)."""
    client.force_login(director)
    entry = reverse("spending:measure", args=[ratified.pk, YEAR, 2])
    data = {"actual": "100", "status": "started", "fte_hired": "", "note": "", "version": "0"}
    send_twice(client, page=entry, action=entry, data=data)
    row = MeasureSpending.objects.get()
    assert row.version == 1


def test_item9_a_spending_file_imported_twice_is_imported_once(client, ratified, director):
    client.force_login(director)
    page = reverse("spending:import", args=[ratified.pk])
    send_twice(
        client,
        page=page,
        action=page,
        data={},
        files=lambda: {"file": SimpleUploadedFile("export.csv", b"maatregel;bedrag\n1;100,50\n")},
    )
    assert Decision.objects.filter(action=IMPORTED).count() == 1
