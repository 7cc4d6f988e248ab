"""The board's figures as an XLSX download: the same amounts as the annual report, survey
results only of rounds the report shows."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from reporting.selectors.figures import board_report
from surveys.models import SurveyResponse, SurveyRound
from tests.factories import BoardAdministratorFactory

pytestmark = pytest.mark.django_db


def download(client, process):
    board = process.school.board
    client.force_login(BoardAdministratorFactory(board=board).user)
    url = reverse("reporting:board-figures-xlsx", args=[board.pk, process.school_year.start_year])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]] if rows else []


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_board_downloads_its_figures_with_the_amounts_of_the_report(client, ratified_demo):
    process = ratified_demo
    report = board_report(board=process.school.board, school_year=process.school_year)
    assert len(report.rows) >= 2  # the demo board's schools

    workbook = download(client, process)

    assert workbook.sheetnames == ["Dashboard", "Spending", "Survey", "Evaluation", "Years"]
    dashboard = records(workbook["Dashboard"])
    assert [row["School"] for row in dashboard] == [r.school_name for r in report.rows] + ["Total"]
    for row, school in zip(dashboard, report.rows, strict=False):
        assert money(row["Budget"]) == school.school_budget
        assert money(row["Planned"]) == school.planned
        assert money(row["Actual"]) == school.actual
    assert money(dashboard[-1]["Planned"]) == report.planned_total
    assert money(dashboard[-1]["Actual"]) == report.actual_total

    spending = records(workbook["Spending"])
    ratified = next(s for s in report.schools if s.school_name == process.school.name)
    measures = [row for row in spending if row["School"] == process.school.name]
    assert [row["Measure"] for row in measures] == [m.number for m in ratified.goals.measures]
    assert sum(money(row["Planned"]) for row in measures) == ratified.goals.planned
    assert sum(money(row["Actual"]) for row in measures) == ratified.goals.actual
    assert sum(money(row["Unspent"]) for row in measures) >= ratified.goals.unspent

    survey = records(workbook["Survey"])
    shown = [r for r in ratified.evaluation.rounds if r.shown]
    assert {row["Survey round"] for row in survey} == {r.label for r in shown}
    assert len(survey) == sum(len(r.dimensions) for r in shown)

    years = records(workbook["Years"])
    assert {row["School"] for row in years} >= {process.school.name}
    assert str(process.school_year) in workbook["Years"][1][3].value


def test_a_survey_round_under_five_responses_is_left_out(client, ratified_demo):
    process = ratified_demo
    follow_up = SurveyRound.objects.get(
        questionnaire__process=process, kind=SurveyRound.Kind.FOLLOW_UP
    )
    keep = list(SurveyResponse.objects.filter(round=follow_up).values_list("pk", flat=True)[:4])
    SurveyResponse.objects.filter(round=follow_up).exclude(pk__in=keep).delete()

    survey = records(download(client, process)["Survey"])

    assert survey
    assert {row["Survey round"] for row in survey} == {f"baseline {process.school_year}"}


def test_text_that_looks_like_a_formula_is_written_as_text(client, ratified_demo):
    school = ratified_demo.school
    school.name = "=HYPERLINK(1)"
    school.save()

    dashboard = records(download(client, ratified_demo)["Dashboard"])

    assert "'=HYPERLINK(1)" in [row["School"] for row in dashboard]
