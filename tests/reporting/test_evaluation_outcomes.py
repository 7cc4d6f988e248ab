"""Issue 18 item 3: the evaluation's outcome per measure feeds what comes after: section d of
the annual report (page, PDF, DOCX, spreadsheet, staff version only once shared) and next
year's factsheet; and the demo's Het Baken has last year's evaluation recorded and shared."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from plans.demo_plans import demo_plans
from reporting.selectors.factsheet import last_year
from reporting.selectors.figures import school_report
from schoolplans.demo import demo_evaluation
from schoolplans.models import EvaluationMoment, EvaluationOutcome
from tests.factories import StaffMemberFactory, UserFactory

DOMAIN = "demo.werkdruk.nl"
TEAMDAG = "De teamdag werd gewaardeerd"


def demo_user(local):
    return get_user_model().objects.get(email=f"{local}@{DOMAIN}")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def evaluated(ratified_demo):
    demo_evaluation(ratified_demo)
    return ratified_demo


def test_the_demo_records_and_shares_last_years_evaluation(evaluated):
    moment = EvaluationMoment.objects.get(agreement__process=evaluated)
    assert moment.recorded_at is not None and moment.shared_at is not None
    verdicts = set(
        EvaluationOutcome.objects.filter(moment=moment).values_list("verdict", flat=True)
    )
    assert verdicts == {"continue", "adjust", "stop"}
    assert demo_evaluation(evaluated).pk == moment.pk  # idempotent
    assert EvaluationMoment.objects.count() == 1


def test_section_d_has_the_outcomes_of_the_last_recorded_moment(evaluated):
    report = school_report(school=evaluated.school, school_year=evaluated.school_year)
    outcomes = report.evaluation.outcomes
    assert {o.verdict for o in outcomes} == {"continue", "adjust", "stop"}
    assert report.evaluation.outcomes_shared
    assert "Evaluatie in de PMR-vergadering van juni" in report.evaluation.outcomes_moment


def test_without_a_recorded_moment_section_d_says_so(ratified_demo, client):
    report = school_report(school=ratified_demo.school, school_year=ratified_demo.school_year)
    assert report.evaluation.outcomes == []
    client.force_login(demo_user("directeur.baken"))
    page = client.get(reverse("reporting:school-report", args=[ratified_demo.pk])).content
    assert b"No evaluation moment with an outcome for every measure" in page


def test_the_report_page_pdf_docx_and_spreadsheet_show_the_outcomes(client, evaluated):
    client.force_login(demo_user("directeur.baken"))
    page = client.get(reverse("reporting:school-report", args=[evaluated.pk])).content.decode()
    assert 'data-testid="section-d-outcomes"' in page and TEAMDAG in page
    pdf = client.get(reverse("reporting:school-report-pdf", args=[evaluated.pk])).content
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert TEAMDAG in text
    docx = client.get(reverse("reporting:school-report-docx", args=[evaluated.pk])).content
    document = Document(io.BytesIO(docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(TEAMDAG in cell for cell in cells)
    client.force_login(demo_user("bestuur"))
    board = evaluated.school.board
    response = client.get(
        reverse("reporting:board-figures-xlsx", args=[board.pk, evaluated.school_year.start_year])
    )
    workbook = load_workbook(io.BytesIO(response.content))
    values = [c for row in workbook["Evaluation"].iter_rows(values_only=True) for c in row]
    assert any(TEAMDAG in str(value) for value in values)


def _teacher(school):
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


def test_the_staff_version_shows_the_outcomes_only_once_shared(client, evaluated):
    client.force_login(_teacher(evaluated.school))
    url = reverse("reporting:school-report-staff", args=[evaluated.pk])
    assert TEAMDAG in client.get(url).content.decode()
    EvaluationMoment.objects.update(shared_at=None)
    assert TEAMDAG not in client.get(url).content.decode()


def test_next_years_factsheet_shows_last_years_outcomes(client, demo, evaluated):
    now = demo_plans(demo)
    block = last_year(now)
    assert {o.verdict for o in block.outcomes} == {"continue", "adjust", "stop"}
    client.force_login(_teacher(now.school))
    page = client.get(reverse("reporting:factsheet", args=[now.pk])).content.decode()
    assert 'data-testid="factsheet-outcomes"' in page and TEAMDAG in page
