"""The factsheet before step 1 (reporting/factsheet.py, selectors/factsheet.py, views/factsheet.py):
prefilled from last year's process, read by the school and written by the director and the PMR,
as a page and a PDF, in the process archive and in section d of the annual report."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from plans.demo_plans import demo_plans
from processes import registry
from processes import services as process_services
from reporting.demo import demo_factsheet
from reporting.factsheet import factsheet_create, factsheet_save
from reporting.selectors.factsheet import last_year
from reporting.selectors.figures import school_report
from schoolplans.models import EvaluationAgreement, Factsheet
from schoolplans.selectors.archive import archive_content
from tests.factories import SchoolYearFactory
from werkdruk.edit_conflicts import EditConflict
from werkdruk.exceptions import DomainError

DOMAIN = "demo.werkdruk.nl"


def demo_user(local):
    return get_user_model().objects.get(email=f"{local}@{DOMAIN}")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def baken_now(demo, ratified_demo):
    """Het Baken's current process (step 8), after last year's ratified, spent and surveyed."""
    return demo_plans(demo)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


FIGURES = {
    "mto_workload_score": Decimal("6.40"),
    "mto_response_rate": Decimal("71.00"),
    "absence_percentage": Decimal("5.80"),
    "absence_frequency": Decimal("1.30"),
    "figures_source": "MTO 2026",
    "figures_date": datetime.date(2026, 6, 30),
}


def _save(factsheet, actor, **changes):
    values = {
        **FIGURES,
        "policy_history": factsheet.policy_history,
        "funds_use": factsheet.funds_use,
        "lessons": factsheet.lessons,
        **changes,
    }
    return factsheet_save(factsheet=factsheet, actor=actor, **values)


# --- prefill ------------------------------------------------------------------------------


def test_the_factsheet_is_prefilled_from_last_years_process(baken_now, ratified_demo):
    director = demo_user("directeur.baken")
    previous = last_year(baken_now)
    assert previous is not None
    assert previous.school_year == str(ratified_demo.school_year)
    assert previous.planned is not None and previous.actual is not None
    assert previous.agreement is not None
    factsheet = factsheet_create(process=baken_now, actor=director)
    assert factsheet.prefilled_from == ratified_demo
    assert str(ratified_demo.school_year) in factsheet.funds_use
    follow_up = EvaluationAgreement.objects.get(process=ratified_demo).follow_up
    if follow_up:
        assert follow_up in factsheet.lessons
    # prefilled once: a later creation returns the same, edited, factsheet
    _save(factsheet, director, lessons="Eigen tekst")
    again = factsheet_create(process=baken_now, actor=director)
    assert again.pk == factsheet.pk and again.lessons == "Eigen tekst"


def test_without_a_previous_process_the_factsheet_starts_empty(process, director):
    factsheet = factsheet_create(process=process, actor=director)
    assert factsheet.prefilled_from is None
    assert (factsheet.policy_history, factsheet.funds_use, factsheet.lessons) == ("", "", "")
    assert last_year(process) is None


def test_a_previous_process_without_plan_still_gives_a_last_year_block(school, director):
    process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    now = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2026), actor=director
    )
    block = last_year(now)
    assert block is not None and block.planned is None and block.agreement is None


def test_the_demo_gives_het_baken_a_prefilled_factsheet(baken_now):
    factsheet = demo_factsheet(baken_now)
    assert factsheet.prefilled_from_id is not None
    assert factsheet.absence_percentage == Decimal("5.80")
    assert demo_factsheet(baken_now).version == factsheet.version  # idempotent


# --- the service's refusals ----------------------------------------------------------------


def test_only_the_director_and_the_pmr_write_it(process, director, pmr, steering, staff_user):
    for user in (steering, staff_user):
        with pytest.raises(PermissionDenied):
            factsheet_create(process=process, actor=user)
    factsheet = factsheet_create(process=process, actor=pmr)
    with pytest.raises(PermissionDenied):
        _save(factsheet, staff_user)
    assert _save(factsheet, director).absence_percentage == Decimal("5.80")


def test_figures_need_a_source_and_a_date(process, director):
    factsheet = factsheet_create(process=process, actor=director)
    with pytest.raises(DomainError):
        _save(factsheet, director, figures_source="")
    with pytest.raises(DomainError):
        _save(factsheet, director, figures_date=None)


def test_a_change_on_an_older_version_is_an_edit_conflict(process, director, pmr):
    factsheet = factsheet_create(process=process, actor=director)
    loaded = factsheet.version
    _save(factsheet, director, version=loaded)
    with pytest.raises(EditConflict):
        _save(factsheet, pmr, version=loaded, lessons="Anders")
    assert Factsheet.objects.get(pk=factsheet.pk).lessons == ""


# --- pages ----------------------------------------------------------------------------------


def _urls(process):
    return [
        reverse("reporting:factsheet", args=[process.pk]),
        reverse("reporting:factsheet-pdf", args=[process.pk]),
    ]


def test_permission_matrix(
    client,
    process,
    director,
    pmr,
    steering,
    staff_user,
    board_admin,
    other_director,
    other_board_admin,
):
    page, pdf = _urls(process)
    client.logout()
    for url in (page, pdf):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    for user in (other_director, other_board_admin):
        client.force_login(user)
        for url in (page, pdf):
            assert client.get(url).status_code == 404
        assert client.post(page, {"lessons": "x"}).status_code == 404
    # readers: no factsheet yet, no form, and a post is refused
    for user in (steering, staff_user, board_admin):
        client.force_login(user)
        response = client.get(page)
        assert response.status_code == 200
        assert b'data-testid="factsheet-missing"' in response.content
        assert b'data-testid="factsheet-form"' not in response.content
        assert client.get(pdf).status_code == 200
        assert client.post(page, {"lessons": "x", "version": 1}).status_code == 403
    assert not Factsheet.objects.filter(process=process).exists()
    # editors: opening the page creates it; both save
    for user, text in ((director, "Les van de directeur"), (pmr, "Les van de PMR")):
        client.force_login(user)
        response = client.get(page)
        assert b'data-testid="factsheet-form"' in response.content
        version = Factsheet.objects.get(process=process).version
        response = client.post(page, {"lessons": text, "version": version})
        assert response.status_code == 302
        assert Factsheet.objects.get(process=process).lessons == text
    client.force_login(staff_user)
    assert "Les van de PMR" in client.get(page).content.decode()


def test_a_stale_form_gets_the_conflict_report(client, process, director, pmr):
    page = _urls(process)[0]
    client.force_login(director)
    client.get(page)
    client.post(page, {"lessons": "Eerste", "version": 1})
    client.force_login(pmr)
    response = client.post(page, {"lessons": "Tweede", "version": 1})
    assert response.status_code == 409
    assert Factsheet.objects.get(process=process).lessons == "Eerste"


def test_the_step_1_page_links_the_factsheet(process):
    assert "reporting:factsheet" in [p.url_name for p in registry.step_pages(1)]


def test_the_pdf_has_the_figures_and_last_year(client, baken_now, ratified_demo):
    demo_factsheet(baken_now)
    client.force_login(demo_user("docent.baken"))
    response = client.get(reverse("reporting:factsheet-pdf", args=[baken_now.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for figure in ("6.40", "5.80", "1.30", "71.00"):  # English in the tests (conftest)
        assert figure in text
    assert "MTO voorjaar 2026" in text
    assert str(ratified_demo.school_year) in text


# --- archive and report --------------------------------------------------------------------


def test_the_archive_and_section_d_contain_the_factsheet(process, director):
    assert archive_content(process)["factsheet"] is None
    factsheet = factsheet_create(process=process, actor=director)
    _save(factsheet, director, lessons="Minder vergaderen")
    archived = archive_content(process)["factsheet"]
    assert archived["absence_percentage"] == "5.80"
    assert archived["figures_date"] == "2026-06-30"
    assert archived["lessons"] == "Minder vergaderen"
    report = school_report(school=process.school, school_year=process.school_year)
    assert report.evaluation.factsheet["lessons"] == "Minder vergaderen"
    assert report.evaluation.factsheet["absence_percentage"] == Decimal("5.80")


def test_the_report_page_pdf_and_docx_show_the_factsheet_in_section_d(client, process, director):
    factsheet = factsheet_create(process=process, actor=director)
    _save(factsheet, director, lessons="Minder vergaderen")
    client.force_login(director)
    page = client.get(reverse("reporting:school-report", args=[process.pk])).content.decode()
    assert 'data-testid="section-d-factsheet"' in page and "Minder vergaderen" in page
    pdf = client.get(reverse("reporting:school-report-pdf", args=[process.pk])).content
    assert "Minder vergaderen" in pdf_text(pdf) and "5.80" in pdf_text(pdf)
    docx = client.get(reverse("reporting:school-report-docx", args=[process.pk])).content
    document = Document(io.BytesIO(docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Minder vergaderen" in cells and "5.80" in cells


def test_the_step_1_page_shows_the_factsheet_button(client, process, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("processes:step-detail", args=[process.pk, 1])).content.decode()
    assert reverse("reporting:factsheet", args=[process.pk]) in page
