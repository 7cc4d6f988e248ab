"""The annual report's content as plain data: sections a-d of a school, and the board's
summary (CAO VO, domain section 9). ``selectors/figures.py`` fills them from the records;
every renderer (the HTML page, the PDF, the DOCX) reads only these, so the three show the same
figures."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")


# --- a. the amount ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLineRow:
    kind: str  # units.BudgetLine.Kind value
    kind_label: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class UnitShareRow:
    unit: str
    share: Decimal | None  # percent of what the units get together; None while deferred
    amount: Decimal | None  # None: the amounts follow from the school plan (deferred split)


@dataclass(frozen=True)
class SplitSection:
    """The school budget over the units and the central reserve, as stored in step 2."""

    method_label: str
    reserve_percentage: Decimal | None  # set when the reserve is a percentage
    reserve: Decimal  # the central reserve (0: none)
    units_total: Decimal
    school_total: Decimal
    units: list[UnitShareRow]


@dataclass(frozen=True)
class AmountSection:
    board_total: Decimal | None  # the board's allocation for the year (None: step 0 not in the app)
    board_office: Decimal | None  # reserved for the board office
    school_share: Decimal | None  # this school's part of the board allocation
    pupil_count: int | None  # the pupil count the share was based on
    budget_lines: list[BudgetLineRow]
    school_budget: Decimal  # the sum of the budget lines
    split: SplitSection | None = None  # None: no split saved (or no process)
    gmr_decision: str = ""  # the GMR's decision on step 0: consent, advice ("": not recorded)
    gmr_decision_label: str = ""
    gmr_meeting_date: datetime.date | None = None


# --- b. how and with whom --------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.datetime
    step: int | None  # 0 for the board's distribution, None for a decision of no step
    step_label: str
    summary: str  # in the school's language, as recorded
    actor: str
    role: str


@dataclass(frozen=True)
class StepSummary:
    """The decisions of one step, summed up for section b (the appendix lists every one)."""

    step: int
    step_label: str
    finished_at: datetime.datetime | None  # when the step was last finished (None: it is not)
    people: list[str]  # who recorded its decisions, "name (role)", in order of appearance
    count: int  # its decisions


@dataclass(frozen=True)
class VoteFigures:
    """One closed round of the staff vote on the agreement (votes of units are left out)."""

    round: int
    closed_at: datetime.datetime | None
    eligible: int
    cast: int  # ballots cast (for + against + abstain)
    yes: int
    no: int
    abstain: int
    turnout: Decimal  # percent, one decimal
    adopted: bool
    outcome_label: str


@dataclass(frozen=True)
class UnitParticipation:
    unit: str
    members: int  # the unit's members in this process
    contributors: int  # distinct people who wrote or commented on the unit's plan
    plan_state_label: str
    submitted_at: datetime.datetime | None
    meetings: int  # the unit's meetings in its working method (step 7)


@dataclass(frozen=True)
class KickoffFigures:
    title: str
    date: datetime.date
    signed_up: int | None  # None when the session had no sign-up
    attended: int | None  # None when attendance was not recorded


@dataclass(frozen=True)
class ProcessSection:
    staff_count: int  # staff in the process's units (those who left since included)
    timeline: list[TimelineEntry]  # every decision: the report's appendix
    votes: list[VoteFigures]
    units: list[UnitParticipation]
    kickoff: list[KickoffFigures]
    steps: list[StepSummary] = field(default_factory=list)  # the timeline summed up per step


# --- c. goals and effect ---------------------------------------------------------------------


@dataclass(frozen=True)
class EffectShare:
    label: str  # an answer option of the per-measure survey question
    count: int
    share: Decimal  # percent


@dataclass(frozen=True)
class MeasureRow:
    number: int  # the measure's number in the ratified version
    title: str
    unit: str
    category_label: str
    planned: Decimal  # planned cost in the report's school year
    actual: Decimal  # recorded actual spending in that year (0 when nothing recorded)
    status_label: str
    fte_hired: Decimal | None
    effect: list[EffectShare]  # empty when the survey does not show it (closed, >= 5 answers)
    effect_n: int  # responses behind ``effect``


@dataclass(frozen=True)
class CategoryRow:
    code: str
    label: str
    count: int
    planned: Decimal
    actual: Decimal


@dataclass(frozen=True)
class GoalsSection:
    year_label: str  # the school year the figures are for, "2025-2026"
    measures: list[MeasureRow]
    categories: list[CategoryRow]
    planned: Decimal  # totals over all measures
    actual: Decimal
    unspent: Decimal  # max(planned - actual, 0)
    effect_school: list[EffectShare]  # "did the measures lower the workload at school?"


# --- d. evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionRow:
    label: str
    mean: Decimal
    scale_max: int
    high_share: Decimal  # percent "often or always"


@dataclass(frozen=True)
class SurveyRoundRow:
    label: str  # "baseline 2025-2026"
    invited: int
    answered: int
    shown: bool  # closed with at least 5 responses; otherwise no results are given
    dimensions: list[DimensionRow]


@dataclass(frozen=True)
class OutcomeRow:
    """The outcome of one measure at the last recorded evaluation moment."""

    title: str
    verdict: str  # continue, adjust, stop
    verdict_label: str
    reasons: str
    results: str


@dataclass(frozen=True)
class EvaluationSection:
    agreement: dict | None  # what, indicators, when, responsible, sharing, follow_up (texts)
    rounds: list[SurveyRoundRow]  # this process's rounds
    comparison: object | None  # surveys.charts.Chart of the school's years, or None
    comparison_rows: list[tuple[str, list[DimensionRow]]]  # (round label, dimensions), oldest first
    # the factsheet written before step 1 (its figures and texts), or None
    factsheet: dict | None = None
    # the outcome per measure of the last recorded evaluation moment (issue 18)
    outcomes: list[OutcomeRow] = field(default_factory=list)
    outcomes_moment: str | None = None  # "<title> (<date>)" of that moment, or None
    outcomes_shared: bool = False  # that moment's results are shared with the staff


# --- the reports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolReport:
    school_name: str
    brin: str
    school_year: str  # "2025-2026"
    process_id: int | None  # None: no process in the app for that year
    ratified_at: datetime.datetime | None
    version_number: int | None  # the ratified school plan version
    amounts: AmountSection
    process: ProcessSection | None
    goals: GoalsSection | None  # None before ratification
    evaluation: EvaluationSection


@dataclass(frozen=True)
class BoardSchoolRow:
    """Section a of the board report, one line per school."""

    school_name: str
    brin: str
    pupil_count: int | None
    share: Decimal | None
    school_budget: Decimal
    planned: Decimal
    actual: Decimal
    ratified: bool


@dataclass(frozen=True)
class BoardReport:
    board_name: str
    school_year: str
    board_total: Decimal | None
    board_office: Decimal | None
    rows: list[BoardSchoolRow]
    schools: list[SchoolReport]
    categories: list[CategoryRow]  # sections c summed over the schools
    share_total: Decimal = ZERO
    budget_total: Decimal = ZERO
    planned_total: Decimal = ZERO
    actual_total: Decimal = ZERO
    generated_at: datetime.datetime | None = None
    notes: list[str] = field(default_factory=list)
