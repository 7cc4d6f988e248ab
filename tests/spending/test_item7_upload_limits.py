"""Issue 14, item 7: the spending import refuses an XLSX "zip bomb" before parsing it."""

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spending.models import MeasureSpending
from tests.fixtures.spreadsheets import xlsx_bomb

pytestmark = pytest.mark.django_db


def test_item7_spending_import_page_refuses_a_zip_bomb_without_parsing_it(
    client, ratified, director, monkeypatch
):
    calls = []

    def load_workbook(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the workbook must not be parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)
    client.force_login(director)

    response = client.post(
        reverse("spending:import", args=[ratified.pk]),
        {"file": SimpleUploadedFile("export.xlsx", xlsx_bomb(header=("maatregel", "bedrag")))},
    )

    assert response.status_code == 400
    assert calls == []
    html = response.content.decode().replace("\xa0", " ")
    assert "This Excel workbook unpacks to 100.0 MB, more than the 50.0 MB" in html
    assert not MeasureSpending.objects.exists()
