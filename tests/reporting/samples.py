"""Hand-built annual reports with distinctive figures, for the renderers' tests.

Every amount is different from every other one, so a test that finds it in a document knows
which cell it came from.
"""

import datetime
from dataclasses import replace
from decimal import Decimal

from reporting.sections import (
    AmountSection,
    BoardReport,
    BoardSchoolRow,
    BudgetLineRow,
    CategoryRow,
    DimensionRow,
    EffectShare,
    EvaluationSection,
    GoalsSection,
    KickoffFigures,
    MeasureRow,
    ProcessSection,
    SchoolReport,
    SplitSection,
    StepSummary,
    SurveyRoundRow,
    TimelineEntry,
    UnitParticipation,
    UnitShareRow,
    VoteFigures,
)
from surveys.charts import Bar, Chart

UTC = datetime.UTC
TITLE_WITH_MARKUP = "Fewer <b>meetings</b> & more time"


def at(month, day, year=2025):
    return datetime.datetime(year, month, day, 10, 30, tzinfo=UTC)


def amount_section():
    return AmountSection(
        board_total=Decimal("1234567.89"),
        board_office=Decimal("23456.78"),
        school_share=Decimal("345678.91"),
        pupil_count=1234,
        budget_lines=[
            BudgetLineRow(
                "allocation", "this year's allocation", "Share of the board", Decimal("312345.67")
            ),
            BudgetLineRow(
                "carry_over", "carry-over from earlier years", "Unspent 2024", Decimal("33333.24")
            ),
        ],
        school_budget=Decimal("345678.91"),
        split=SplitSection(
            method_label="by fte",
            reserve_percentage=Decimal("5.00"),
            reserve=Decimal("17283.95"),
            units_total=Decimal("328394.96"),
            school_total=Decimal("345678.91"),
            units=[
                UnitShareRow("Languages", Decimal("60.00"), Decimal("197036.98")),
                UnitShareRow("Support staff", Decimal("40.00"), Decimal("131357.98")),
            ],
        ),
    )


def process_section():
    return ProcessSection(
        staff_count=87,
        timeline=[
            TimelineEntry(
                at(9, 2),
                0,
                "Distribution by the board",
                "The board divided the funds.",
                "Bea Bestuur",
                "board",
            ),
            TimelineEntry(
                at(9, 20),
                1,
                "Organisational units",
                "Three units agreed.",
                "Dirk Directeur",
                "director",
            ),
            TimelineEntry(
                at(10, 14), 4, "Staff vote", "The agreement was adopted.", "Pim PMR", "PMR"
            ),
        ],
        votes=[
            VoteFigures(1, at(10, 13), 87, 61, 50, 8, 3, Decimal("70.1"), True, "adopted"),
        ],
        units=[
            UnitParticipation("Languages", 23, 9, "submitted", at(11, 30), 4),
            UnitParticipation("Support staff", 17, 6, "being written", None, 2),
        ],
        kickoff=[
            KickoffFigures("Kick-off afternoon", datetime.date(2025, 10, 28), 64, 59),
            KickoffFigures("Catch-up session", datetime.date(2025, 11, 4), None, None),
        ],
        steps=[
            StepSummary(0, "Distribution by the board", at(9, 2), ["Bea Bestuur (board)"], 1),
            StepSummary(1, "Organisational units", at(9, 20), ["Dirk Directeur (director)"], 1),
            StepSummary(4, "Staff vote", None, ["Pim PMR (PMR)"], 1),
        ],
    )


def goals_section():
    return GoalsSection(
        year_label="2025-2026",
        measures=[
            MeasureRow(
                number=1,
                title=TITLE_WITH_MARKUP,
                unit="Languages",
                category_label="Fewer tasks",
                planned=Decimal("45678.12"),
                actual=Decimal("41234.56"),
                status_label="done",
                fte_hired=None,
                effect=[
                    EffectShare("yes, clearly", 12, Decimal("48.0")),
                    EffectShare("a little", 9, Decimal("36.0")),
                    EffectShare("no", 4, Decimal("16.0")),
                ],
                effect_n=25,
            ),
            MeasureRow(
                number=2,
                title="Extra teaching assistant",
                unit="Support staff",
                category_label="Extra staff",
                planned=Decimal("56789.01"),
                actual=Decimal("52345.43"),
                status_label="started",
                fte_hired=Decimal("0.8"),
                effect=[],
                effect_n=0,
            ),
        ],
        categories=[
            CategoryRow("tasks", "Fewer tasks", 1, Decimal("45678.12"), Decimal("41234.56")),
            CategoryRow("staff", "Extra staff", 1, Decimal("56789.01"), Decimal("52345.43")),
        ],
        planned=Decimal("102467.13"),
        actual=Decimal("93579.99"),
        unspent=Decimal("8887.14"),
        effect_school=[
            EffectShare("yes", 31, Decimal("62.0")),
            EffectShare("no", 19, Decimal("38.0")),
        ],
    )


def dimensions(offset=Decimal("0")):
    return [
        DimensionRow(
            "Work pace and workload", Decimal("2.7") - offset, 4, Decimal("41.5") - offset
        ),
        DimensionRow("Job control", Decimal("2.1") + offset, 3, Decimal("22.5") + offset),
    ]


def comparison_chart():
    bars = [
        Bar(0, Decimal("149.4"), "Work pace and workload", "41,5% · 2,7/4", "#0d6efd", 14),
        Bar(26, Decimal("81.0"), "Job control", "22,5% · 2,1/3", "#6f42c1", 40),
    ]
    return Chart(710, 52, 230, bars, [("2024-2025 baseline", "#0d6efd")], "Workload compared")


def evaluation_section():
    return EvaluationSection(
        agreement={
            "what": "The workload of all staff, with <i>the survey</i>.",
            "indicators": "Share of staff answering often or always",
            "when": "October and June",
            "responsible": "The steering group",
            "sharing": "In the staff meeting of July",
            "follow_up": "Repeat the survey next year",
        },
        rounds=[
            SurveyRoundRow("baseline 2025-2026", 87, 58, True, dimensions()),
            SurveyRoundRow("follow-up 2025-2026", 87, 4, False, []),
        ],
        comparison=comparison_chart(),
        comparison_rows=[
            ("baseline 2024-2025", dimensions(Decimal("0.3"))),
            ("baseline 2025-2026", dimensions()),
        ],
    )


def school_report(**changes):
    report = SchoolReport(
        school_name="Het Baken Lyceum",
        brin="12AB",
        school_year="2025-2026",
        process_id=7,
        ratified_at=at(3, 12, 2026),
        version_number=2,
        amounts=amount_section(),
        process=process_section(),
        goals=goals_section(),
        evaluation=evaluation_section(),
    )
    return replace(report, **changes)


def empty_school_report(**changes):
    """A school without a process in the app: nothing but the board's share."""
    amounts = AmountSection(None, None, None, None, [], Decimal("0.00"))
    evaluation = EvaluationSection(None, [], None, [])
    report = SchoolReport(
        school_name="Erasmus College",
        brin="34CD",
        school_year="2025-2026",
        process_id=None,
        ratified_at=None,
        version_number=None,
        amounts=amounts,
        process=None,
        goals=None,
        evaluation=evaluation,
    )
    return replace(report, **changes)


BOARD_ROWS = [
    BoardSchoolRow(
        "Het Baken Lyceum",
        "12AB",
        1234,
        Decimal("345678.91"),
        Decimal("345678.91"),
        Decimal("102467.13"),
        Decimal("93579.99"),
        True,
    ),
    BoardSchoolRow(
        "Erasmus College",
        "34CD",
        2345,
        Decimal("654321.09"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        False,
    ),
    BoardSchoolRow(
        "Groene Hart College",
        "56EF",
        987,
        Decimal("211111.11"),
        Decimal("222222.22"),
        Decimal("76543.21"),
        Decimal("65432.10"),
        True,
    ),
]


def board_report(**changes):
    second = school_report(school_name="Groene Hart College", brin="56EF")
    report = BoardReport(
        board_name="Stichting Voortgezet Onderwijs Rijnstreek",
        school_year="2025-2026",
        board_total=Decimal("1234567.89"),
        board_office=Decimal("23456.78"),
        rows=BOARD_ROWS,
        schools=[school_report(), empty_school_report(), second],
        categories=[
            CategoryRow("tasks", "Fewer tasks", 2, Decimal("91356.24"), Decimal("82469.12")),
            CategoryRow("staff", "Extra staff", 2, Decimal("87654.10"), Decimal("76543.98")),
        ],
        share_total=Decimal("1211111.11"),
        budget_total=Decimal("567901.13"),
        planned_total=Decimal("179010.34"),
        actual_total=Decimal("159012.09"),
        generated_at=at(7, 1, 2026),
        notes=["Erasmus College has not ratified a school plan yet."],
    )
    return replace(report, **changes)
