"""Issue 14, item 8: no silent lost updates on the spending of a measure (two directors, or a
director's form and an import in between)."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from processes.models import SchoolRole
from spending.models import MeasureSpending
from spending.services.imports import spending_import
from tests.factories import SchoolRoleFactory
from tests.fixtures.edit_conflicts import browser, conflict_rows, page_version

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def form(version, **changes):
    return {
        "actual": "1000",
        "status": "started",
        "fte_hired": "",
        "note": "",
        "version": version,
        **changes,
    }


def test_item8_second_director_saving_the_same_measure_gets_the_conflict_page(
    ratified, school, director
):
    other = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    first, second = browser(director), browser(other)
    page = reverse("spending:measure", args=[ratified.pk, YEAR, 1])
    loaded_first = page_version(first.get(page))
    loaded_second = page_version(second.get(page))
    assert loaded_first == loaded_second == "0"  # nothing recorded yet

    assert first.post(page, form(loaded_first, note="Invoice 12")).status_code == 302
    response = second.post(page, form(loaded_second, actual="1500"))

    assert response.status_code == 409
    rows = conflict_rows(response)
    assert rows["Note changed by someone else"] == ("–", "Invoice 12", "–")
    row = MeasureSpending.objects.get()
    assert (row.actual, row.note, row.version) == (D("1000.00"), "Invoice 12", 1)

    again = second.post(page, form(page_version(response), actual="1500", note="Invoice 12"))
    assert again.status_code == 302
    row.refresh_from_db()
    assert (row.actual, row.note, row.version) == (D("1500.00"), "Invoice 12", 2)


def test_item8_an_import_between_loading_and_saving_is_not_overwritten(ratified, director):
    client = browser(director)
    page = reverse("spending:measure", args=[ratified.pk, YEAR, 1])
    loaded = page_version(client.get(page))
    spending_import(
        process=ratified,
        file=SimpleUploadedFile("export.csv", b"maatregel;bedrag\r\n1;750,00\r\n"),
        actor=director,
    )

    response = client.post(page, form(loaded))

    assert response.status_code == 409
    assert MeasureSpending.objects.get().actual == D("750.00")
