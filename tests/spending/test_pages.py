"""The spending pages: permission-checked on the server, figures to the cent, the import page
listing rows and reasons, and query counts that do not grow with the number of measures."""

import codecs
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from processes import services as process_services
from processes.models import SchoolRole
from spending.models import MeasureSpending
from spending.services.spending import SpendingData, spending_record
from tests.factories import SchoolFactory, SchoolRoleFactory, SchoolYearFactory
from werkdruk.money import format_euro

from .conftest import YEAR, ratify

D = Decimal


def euro(value) -> str:
    return escape(format_euro(D(value)))


def overview_url(process, **query):
    url = reverse("spending:overview", args=[process.pk])
    return url + (f"?year={query['year']}" if "year" in query else "")


def measure_url(process, number, year=YEAR):
    return reverse("spending:measure", args=[process.pk, year, number])


def import_url(process):
    return reverse("spending:import", args=[process.pk])


def test_overview_shows_figures_to_the_cent(client, ratified, director):
    spending_record(
        process=ratified, number=4, actor=director, data=SpendingData(D("9000.01"), "done")
    )
    client.force_login(director)
    response = client.get(overview_url(ratified))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Correctie-uren" in html
    assert euro("36850.75") in html  # planned, whole school
    assert euro("9000.01") in html  # actual
    assert euro("-250.01") in html  # overspent measure
    assert euro("27850.74") in html  # unspent
    assert "Task relief" in html  # categories
    assert reverse("spending:import", args=[ratified.pk]) in html


def test_overview_of_the_next_school_year(client, ratified, director):
    client.force_login(director)
    response = client.get(overview_url(ratified, year=YEAR + 1))
    assert response.status_code == 200
    assert "Spending in 2026-2027" in response.content.decode()
    assert client.get(overview_url(ratified, year=YEAR + 5)).status_code == 404


@pytest.mark.parametrize("year", ["%C2%B2", "abc", "99999999999999999999"])
def test_a_strange_year_shows_this_years_spending(client, ratified, director, year):
    client.force_login(director)
    response = client.get(reverse("spending:overview", args=[ratified.pk]) + f"?year={year}")
    assert response.status_code == 200
    assert "Spending in 2025-2026" in response.content.decode()


@pytest.mark.parametrize("who", ["pmr", "board_admin"])
def test_pmr_and_board_read_but_do_not_record(client, ratified, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(overview_url(ratified))
    assert response.status_code == 200
    assert reverse("spending:import", args=[ratified.pk]) not in response.content.decode()
    assert client.get(measure_url(ratified, 1)).status_code == 403
    assert (
        client.post(measure_url(ratified, 1), {"actual": "1", "status": "done"}).status_code == 403
    )
    assert client.get(import_url(ratified)).status_code == 403
    assert client.get(reverse("spending:import-example", args=[ratified.pk])).status_code == 403
    assert not MeasureSpending.objects.exists()


def test_staff_read_spending_but_do_not_record_it(client, ratified, staff_user):
    """Issue 18 item 4 (transparency): every staff member reads the spending against the plan;
    recording and importing stay the director's."""
    client.force_login(staff_user)
    assert client.get(overview_url(ratified)).status_code == 200
    assert client.get(measure_url(ratified, 1)).status_code == 403
    assert client.get(import_url(ratified)).status_code == 403


def test_another_school_gets_404(client, ratified):
    other = SchoolFactory()
    director = SchoolRoleFactory(school=other, role=SchoolRole.Role.DIRECTOR).user
    client.force_login(director)
    assert client.get(overview_url(ratified)).status_code == 404
    assert client.get(measure_url(ratified, 1)).status_code == 404
    assert client.post(import_url(ratified)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, ratified):
    response = client.get(overview_url(ratified))
    assert response.status_code == 302


def test_no_spending_page_before_ratification(client, process, director):
    client.force_login(director)
    assert client.get(overview_url(process)).status_code == 404


def test_measure_form_accepts_dutch_numbers(client, ratified, director, settings):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(director)
    response = client.post(
        measure_url(ratified, 2),
        {"actual": "10.000,01", "status": "started", "fte_hired": "0,6", "note": "Vacature"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 302
    row = MeasureSpending.objects.get()
    assert (row.actual, row.fte_hired, row.status) == (D("10000.01"), D("0.60"), "started")


def test_measure_form_errors_keep_the_db(client, ratified, director):
    client.force_login(director)
    response = client.post(measure_url(ratified, 1), {"actual": "-5", "status": "done"})
    assert response.status_code == 400
    assert client.get(measure_url(ratified, 9)).status_code == 404
    assert client.get(measure_url(ratified, 1, year=YEAR + 1)).status_code == 404  # not running
    assert not MeasureSpending.objects.exists()


def test_import_page_lists_rows_and_reasons(client, ratified, director):
    client.force_login(director)
    text = "maatregel;bedrag\n1;100\n7;5\n2;veel\n"
    upload = SimpleUploadedFile("export.csv", codecs.BOM_UTF8 + text.encode())
    response = client.post(import_url(ratified), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported: 2 rows have errors." in html
    assert escape("The ratified plan has no measure “7”") in html
    assert escape("“veel” is not a number.") in html
    assert not MeasureSpending.objects.exists()


def test_import_page_imports(client, ratified, director):
    client.force_login(director)
    upload = SimpleUploadedFile("export.csv", b"maatregel;bedrag\n1;100,50\n")
    response = client.post(import_url(ratified), {"file": upload}, follow=True)
    assert "The spending has been imported: 1 measures" in response.content.decode()
    assert MeasureSpending.objects.get().actual == D("100.50")


def test_import_page_refuses_other_files(client, ratified, director):
    client.force_login(director)
    upload = SimpleUploadedFile("export.pdf", b"%PDF")
    assert client.post(import_url(ratified), {"file": upload}).status_code == 400


def test_example_file_imports_as_it_is(client, ratified, director):
    spending_record(
        process=ratified,
        number=2,
        actor=director,
        data=SpendingData(D("1234.56"), "started", D("0.8"), "Vacature; deels"),
    )
    client.force_login(director)
    response = client.get(reverse("spending:import-example", args=[ratified.pk]))
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(codecs.BOM_UTF8)
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "maatregel;titel;schooljaar;bedrag;status;fte;toelichting"
    assert "2;Onderwijsassistent;2025-2026;1234,56;gestart;0,80;" in text
    before = {
        (r.measure_id, r.actual, r.status, r.fte_hired, r.note)
        for r in MeasureSpending.objects.all()
    }
    upload = SimpleUploadedFile("example.csv", content)
    assert client.post(import_url(ratified), {"file": upload}).status_code == 302
    rows = {
        (r.measure_id, r.actual, r.status, r.fte_hired, r.note)
        for r in MeasureSpending.objects.all()
    }
    assert before <= rows
    assert len(rows) == 4  # every measure of the year now has a row, with 0.00 spent


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_measures(client, school, director):
    few = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2030), actor=director
    )
    many = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2031), actor=director
    )
    ratify(few, [(f"M{i}", "other", {"2030": "10.00"}) for i in range(2)])
    ratify(many, [(f"M{i}", "task_relief", {"2031": "10.00"}) for i in range(30)])
    for process, count in ((few, 2), (many, 30)):
        for number in range(1, count + 1):
            spending_record(
                process=process, number=number, actor=director, data=SpendingData(D("1"), "done")
            )
    client.force_login(director)
    _queries(client, overview_url(few))  # warm up caches (session, roles)
    assert _queries(client, overview_url(few)) == _queries(client, overview_url(many))
