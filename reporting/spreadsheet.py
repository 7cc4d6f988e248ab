"""The board's figures of one school year as an XLSX workbook, beside the PDF and DOCX report.

One sheet each: the dashboard's money per school, spending against plan per school and measure,
the survey results per dimension and round, the evaluation's outcome per measure (the last
recorded moment of each school), and each school's years side by side. The figures
come from the report's own selectors (``figures``, ``compare``, ``selectors``), so the workbook
says what the report says. Surveys give only what the report gives: closed rounds with at least
five responses, as averages and shares; no free text.
"""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from werkdruk.files import download_name
from werkdruk.spreadsheets import neutralise_formula

from .sections import ZERO
from .selectors import compare, dashboard, figures
from .selectors.compare import Kind

FILE_FIGURES = pgettext_lazy("file name", "board figures")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard(summary) -> list[dict]:
    rows = [
        {
            _("School"): row["money"].school.name,
            _("BRIN"): row["money"].school.brin,
            _("Share of the board's allocation"): row["share"].amount if row["share"] else None,
            _("Budget"): row["money"].budget,
            _("Planned"): row["money"].planned,
            _("Actual"): row["money"].actual,
            _("Unspent"): row["money"].unspent,
        }
        for row in summary["rows"]
    ]
    money = summary["money"]
    rows.append(
        {
            _("School"): _("Total"),
            _("BRIN"): "",
            _("Share of the board's allocation"): summary["share_total"],
            _("Budget"): money.budget,
            _("Planned"): money.planned,
            _("Actual"): money.actual,
            _("Unspent"): money.unspent,
        }
    )
    return rows


def _spending(report) -> list[dict]:
    return [
        {
            _("School"): school.school_name,
            _("Measure"): measure.number,
            _("Title"): measure.title,
            _("Unit"): measure.unit,
            _("Category"): measure.category_label,
            _("Planned"): measure.planned,
            _("Actual"): measure.actual,
            _("Unspent"): max(measure.planned - measure.actual, ZERO),
        }
        for school in report.schools
        if school.goals is not None
        for measure in school.goals.measures
    ]


def _survey(report) -> list[dict]:
    return [
        {
            _("School"): school.school_name,
            _("Survey round"): survey_round.label,
            _("Responses"): survey_round.answered,
            _("Dimension"): dimension.label,
            _("Average"): dimension.mean,
            _("Scale"): dimension.scale_max,
            _("Often or always (%)"): dimension.high_share,
        }
        for school in report.schools
        for survey_round in school.evaluation.rounds
        if survey_round.shown  # closed, with at least five responses
        for dimension in survey_round.dimensions
    ]


def _outcomes(report) -> list[dict]:
    return [
        {
            _("School"): school.school_name,
            _("Evaluation moment"): school.evaluation.outcomes_moment,
            _("Measure"): outcome.title,
            _("Outcome"): outcome.verdict_label,
            _("Reasons"): outcome.reasons,
            _("Indicators and results against the goal"): outcome.results,
        }
        for school in report.schools
        for outcome in school.evaluation.outcomes
    ]


def _cell_values(label, kind, cell) -> list[tuple[str, object]]:
    """One comparison cell as (figure, value) pairs: a pair of amounts is two figures."""
    if kind == Kind.PAIR:
        planned, actual = cell if cell is not None else (None, None)
        return [(f"{label}: {_('Planned')}", planned), (f"{label}: {_('Actual')}", actual)]
    if kind == Kind.FRACTION:
        return [(label, f"{cell[0]}/{cell[1]}" if cell is not None else None)]
    if kind == Kind.RATIFIED:
        return [(label, cell.date() if cell else (_("No") if cell is False else None))]
    return [(label, cell)]


def _years(summary) -> list[dict]:
    """The comparison page of each school with a process this year (its years up to five,
    oldest first) as rows of a figure and its value in every year."""
    rows = []
    processes = [row.process for row in summary["money"].rows if row.process is not None]
    for process in processes:
        comparison = compare.years_compared(compare.school_years_figures(process=process))
        labels = [year.label for year in comparison.years]
        for group in comparison.groups:
            for row in group.rows:
                per_year = [_cell_values(row.label, row.kind, cell) for cell in row.cells]
                for index, (figure, _value) in enumerate(per_year[0] if per_year else []):
                    rows.append(
                        {
                            _("School"): comparison.school_name,
                            _("Topic"): group.title,
                            _("Figure"): figure,
                            **{
                                label: values[index][1]
                                for label, values in zip(labels, per_year, strict=True)
                            },
                        }
                    )
    return rows


def _safe(value):
    """Text neutralised against formulas; amounts as numbers Excel sums."""
    if isinstance(value, Decimal):
        return float(value)
    return neutralise_formula(value)


def board_workbook(*, board, school_year) -> tuple[bytes, str]:
    """The XLSX bytes and file name of ``board``'s figures in ``school_year``."""
    import pandas

    summary = dashboard.board_report_summary(board=board, school_year=school_year)
    report = figures.board_report(board=board, school_year=school_year)
    sheets = {
        _("Dashboard"): _dashboard(summary),
        _("Spending"): _spending(report),
        _("Survey"): _survey(report),
        _("Evaluation"): _outcomes(report),
        _("Years"): _years(summary),
    }
    buffer = io.BytesIO()
    with pandas.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, rows in sheets.items():
            frame = pandas.DataFrame([{key: _safe(v) for key, v in row.items()} for row in rows])
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    filename = download_name(FILE_FIGURES, board.name, str(school_year), ext="xlsx")
    return buffer.getvalue(), filename
