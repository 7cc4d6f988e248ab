"""The parts of the annual report's Word document: formatting, tables and the bodies of
sections a-d, mirroring templates/reporting/includes/_section_*.html (same msgids)."""

import datetime
import io

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from reporting import charts
from werkdruk.chart_png import render_png
from werkdruk.money import format_euro
from werkdruk.numbers import format_number

DASH = "–"
POINTS_PER_UNIT = 9 / 13  # a chart's 13-unit text at 9 pt, as in the PDF
NO_DISTRIBUTION = gettext_noop(
    "The board's distribution of the funds for this school year is not recorded in Werkdruk."
)


def title(name, year):
    return _("Annual report on the workload funds %(year)s – %(school)s") % {
        "year": year,
        "school": name,
    }


def date(value) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, "j F Y")


def euro(amount) -> str:
    return DASH if amount is None else format_euro(amount)


def percent(share) -> str:
    return f"{format_number(share)}%"


def turnout(value) -> str:
    """One decimal, as on the vote's result page: ``84,4%``, ``100,0%``."""
    return f"{number_format(value, decimal_pos=1)}%"


def heading(document, text, level):
    """A heading; the default template's style ids are set directly, as python-docx looks a
    style up by name among all styles on every call (most of the time of a board report)."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = f"Heading{level}"
    return paragraph


def table(document, headers, rows, *, right=(), footers=(), header_row=True):
    """A grid table; columns in ``right`` (indexes) are right-aligned, ``footers`` are bold."""
    body = [headers, *rows] if header_row else list(rows)
    body += footers
    grid = document.add_table(rows=len(body), cols=len(body[0]))
    grid._tbl.tblStyle_val = "TableGrid"  # "Table Grid", set directly as in heading()
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # row.cells once per row: grid.cell(r, c) walks the whole table on every call
    for row_index, (row, values) in enumerate(zip(grid.rows, body, strict=True)):
        bold = (header_row and row_index == 0) or row_index >= len(body) - len(footers)
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(str(value)).bold = bool(bold)
            if column in right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()
    return grid


def chart(document, drawing):
    """A chart of the PDF as a picture (PNG, at its print size), its title above it and as the
    picture's alternative text; the table after it has the figures. Nothing for None."""
    if drawing is None:
        return
    document.add_paragraph().add_run(drawing.title).bold = True
    width = Pt(drawing.width * POINTS_PER_UNIT)
    shape = document.add_picture(io.BytesIO(render_png(drawing)), width=width)
    shape._inline.docPr.set("descr", drawing.title)


def none(document, text):
    document.add_paragraph().add_run(text).italic = True


def categories(document, rows, footers=()):
    headers = [_("Category"), _("Measures"), _("Planned"), _("Actual")]
    body = [(c.label, c.count, euro(c.planned), euro(c.actual)) for c in rows]
    table(document, headers, body, right=(1, 2, 3), footers=footers)


# --- a. the amount -----------------------------------------------------------------------------


def _gmr_decision(amounts) -> str:
    if not amounts.gmr_decision:
        return _("not recorded")
    if amounts.gmr_meeting_date is None:
        return amounts.gmr_decision_label
    date = date_format(amounts.gmr_meeting_date, "j F Y")
    return f"{amounts.gmr_decision_label}, " + _("meeting of %(date)s") % {"date": date}


def section_a(document, report):
    amounts = report.amounts
    if amounts.board_total is None:
        none(document, _(NO_DISTRIBUTION))
    else:
        rows = [
            (_("Total for the board"), euro(amounts.board_total)),
            (_("Reserved for the board office"), euro(amounts.board_office)),
            (
                _("Share of %(school)s") % {"school": report.school_name},
                euro(amounts.school_share),
            ),
            (_("Decision of the GMR on the distribution"), _gmr_decision(amounts)),
        ]
        if amounts.pupil_count is not None:
            rows.append((_("Pupil count the share is based on"), amounts.pupil_count))
        table(document, None, rows, right=(1,), header_row=False)
    heading(document, _("The school's budget"), level=3)
    if not amounts.budget_lines:
        none(document, _("No budget lines are recorded for this school year."))
    else:
        table(
            document,
            [_("Kind"), _("Description"), _("Amount")],
            [
                (line.kind_label, line.description, euro(line.amount))
                for line in amounts.budget_lines
            ],
            right=(2,),
            footers=[(_("School budget"), "", euro(amounts.school_budget))],
        )
    if report.process_id:
        _split(document, amounts.split)


def _split(document, split):
    heading(document, _("Split over the units"), level=3)
    if split is None:
        none(document, _("The budget has not been split over the units yet."))
        return
    if split.reserve_percentage is None and not split.reserve:
        reserve = _("none")
    elif split.reserve_percentage is not None:
        reserve = f"{format_number(split.reserve_percentage)} % = {euro(split.reserve)}"
    else:
        reserve = euro(split.reserve)
    chart(document, charts.split_section_chart(split))
    document.add_paragraph(
        f"{_('Method')}: {split.method_label}. {_('Central reserve')}: {reserve}."
    )
    rows = [
        (
            unit.unit,
            DASH if unit.share is None else f"{number_format(unit.share, decimal_pos=2)} %",
            _("after the school plan") if unit.amount is None else euro(unit.amount),
        )
        for unit in split.units
    ]
    footers = [
        (_("The units together"), "", euro(split.units_total)),
        (_("Central reserve"), "", euro(split.reserve)),
        (_("School budget"), "", euro(split.school_total)),
    ]
    table(document, [_("Unit"), _("Share"), _("Amount")], rows, right=(1, 2), footers=footers)


# --- b. how and with whom ----------------------------------------------------------------------


def section_b(document, report):
    process = report.process
    if process is None:
        none(
            document,
            _(
                "There is no process in Werkdruk for this school year, so there is nothing to "
                "report on how the spending came about."
            ),
        )
        return
    document.add_paragraph(
        ngettext(
            "%(counter)s staff member took part in the units of this process.",
            "%(counter)s staff members took part in the units of this process.",
            process.staff_count,
        )
        % {"counter": process.staff_count}
    )
    _steps(document, process)
    _votes(document, process)
    _units(document, process)
    _kickoff(document, process)


def _steps(document, process):
    heading(document, _("Decisions per step"), level=3)
    if not process.timeline:
        none(document, _("No decisions are recorded."))
        return
    count = len(process.timeline)
    document.add_paragraph(
        ngettext(
            "The appendix lists the decision in full, with its date and who took it.",
            "The appendix lists all %(counter)s decisions in full, with the date and who "
            "took each one.",
            count,
        )
        % {"counter": count}
    )
    if not process.steps:
        return
    rows = [
        (
            f"{step.step}. {step.step_label}",
            date(step.finished_at) if step.finished_at else _("not finished"),
            ", ".join(step.people),
            step.count,
        )
        for step in process.steps
    ]
    headers = [_("Step"), _("Finished"), _("Decided by"), _("Decisions")]
    table(document, headers, rows, right=(3,))


def appendix(document, report, title):
    """The report's appendix: every decision of the process (section b sums them up)."""
    heading(document, title, level=2)
    if not report.process.timeline:
        none(document, _("No decisions are recorded."))
        return
    rows = [
        (
            date(entry.date),
            DASH if entry.step is None else f"{entry.step}. {entry.step_label}",
            entry.summary,
            f"{entry.actor} ({entry.role})" if entry.role else entry.actor,
        )
        for entry in report.process.timeline
    ]
    table(document, [_("Date"), _("Step"), _("Decision"), _("By")], rows)


def _votes(document, process):
    heading(document, _("Participation in the staff vote"), level=3)
    if not process.votes:
        none(document, _("No staff vote on the agreement has closed."))
        return
    chart(document, charts.vote_chart(process))
    headers = [_("Round"), _("Closed"), _("Eligible"), _("Votes cast"), _("For"), _("Against")]
    headers += [_("Abstained"), _("Turnout"), _("Outcome")]
    rows = [
        (v.round, date(v.closed_at), v.eligible, v.cast, v.yes, v.no, v.abstain)
        + (turnout(v.turnout), v.outcome_label)
        for v in process.votes
    ]
    table(document, headers, rows, right=(2, 3, 4, 5, 6, 7))


def _units(document, process):
    heading(document, _("Contributors per unit"), level=3)
    if not process.units:
        none(document, _("No organisational units are recorded."))
        return
    headers = [_("Unit"), _("Members"), _("Contributors"), _("Meetings"), _("Plan")]
    headers.append(_("Submitted"))
    rows = [
        (u.unit, u.members, u.contributors, u.meetings, u.plan_state_label, date(u.submitted_at))
        for u in process.units
    ]
    table(document, headers, rows, right=(1, 2, 3))


def _kickoff(document, process):
    heading(document, _("Kick-off attendance"), level=3)
    if not process.kickoff:
        none(document, _("No kick-off session is recorded."))
        return
    rows = [
        (
            session.title,
            date(session.date),
            _("no sign-up") if session.signed_up is None else session.signed_up,
            _("not recorded") if session.attended is None else session.attended,
        )
        for session in process.kickoff
    ]
    headers = [_("Session"), _("Date"), _("Signed up"), _("Attended")]
    table(document, headers, rows, right=(2, 3))


# --- c. goals and effect -----------------------------------------------------------------------


def section_c(document, report):
    goals = report.goals
    if goals is None:
        none(
            document,
            _(
                "The school plan for this school year has not been ratified, so there are no "
                "goals to report on yet."
            ),
        )
        return
    document.add_paragraph(
        _("Planned and actual spending in the school year %(year)s.") % {"year": goals.year_label}
    )
    heading(document, _("Spending by category"), level=3)
    chart(document, charts.categories_chart(goals))
    footers = [
        (_("Total"), "", euro(goals.planned), euro(goals.actual)),
        (_("Unspent"), "", "", euro(goals.unspent)),
    ]
    categories(document, goals.categories, footers=footers)
    heading(document, _("Measures"), level=3)
    if goals.measures:
        headers = ["#", _("Measure"), _("Unit"), _("Category"), _("Planned"), _("Actual")]
        headers += [_("Status"), _("Fte hired")]
        rows = [
            (m.number, m.title, m.unit, m.category_label, euro(m.planned), euro(m.actual))
            + (m.status_label, DASH if m.fte_hired is None else format_number(m.fte_hired))
            for m in goals.measures
        ]
        table(document, headers, rows, right=(4, 5, 7))
    else:
        none(document, _("The ratified school plan has no measures."))
    _effect(document, goals)


def _effect(document, goals):
    heading(document, _("Effect according to the survey"), level=3)
    for measure in goals.measures:
        if not measure.effect:
            continue
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{measure.number}. {measure.title}").bold = True
        responses = ngettext("%(counter)s response", "%(counter)s responses", measure.effect_n) % {
            "counter": measure.effect_n
        }
        shares = "; ".join(f"{s.label} {percent(s.share)} ({s.count})" for s in measure.effect)
        paragraph.add_run(f" ({responses}): {shares}")
    if not goals.effect_school:
        none(
            document,
            _("The survey does not show the effect (no closed round with at least 5 responses)."),
        )
        return
    document.add_paragraph(_("Did the measures lower the workload at school?")).runs[0].bold = True
    rows = [(s.label, s.count, percent(s.share)) for s in goals.effect_school]
    table(document, [_("Answer"), _("Responses"), _("Share")], rows, right=(1, 2))


# --- d. evaluation -----------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    ("what", "What is measured"),
    ("indicators", "Indicators"),
    ("when", "When"),
    ("responsible", "By whom"),
    ("sharing", "How the results are shared"),
    ("follow_up", "Follow-up next year"),
)


def section_d(document, report):
    evaluation = report.evaluation
    heading(document, _("Evaluation agreement"), level=3)
    if evaluation.agreement is None:
        none(document, _("No evaluation agreement is recorded for this school year."))
    else:
        rows = [
            (_(label), evaluation.agreement.get(key) or DASH) for key, label in AGREEMENT_FIELDS
        ]
        table(document, None, rows, header_row=False)
    heading(document, _("Outcome per measure"), level=3)
    if evaluation.outcomes:
        document.add_paragraph(
            _("As recorded by the director and the PMR at the evaluation moment %(moment)s.")
            % {"moment": evaluation.outcomes_moment}
        )
        rows = [
            (o.title, o.verdict_label, o.reasons, o.results or DASH) for o in evaluation.outcomes
        ]
        headers = [
            _("Measure"),
            _("Outcome"),
            _("Reasons"),
            _("Indicators and results against the goal"),
        ]
        table(document, headers, rows)
    else:
        none(
            document,
            _("No evaluation moment with an outcome for every measure has been recorded."),
        )
    heading(document, _("Outcome of the workload survey"), level=3)
    for survey_round in evaluation.rounds:
        paragraph = document.add_paragraph()
        paragraph.add_run(survey_round.label).bold = True
        paragraph.add_run(
            ": "
            + _("%(answered)s of %(invited)s invited staff answered.")
            % {"answered": survey_round.answered, "invited": survey_round.invited}
        )
        if survey_round.shown:
            _dimensions(document, survey_round.dimensions)
        else:
            none(
                document,
                _(
                    "No results are shown for this round: it is not closed or has fewer than 5 "
                    "responses."
                ),
            )
    if not evaluation.rounds:
        none(document, _("No workload survey was held in this process."))
    _factsheet(document, evaluation.factsheet)
    heading(document, _("The school's years compared"), level=3)
    if not evaluation.comparison_rows:
        none(document, _("There are no survey results from earlier years to compare with."))
        return
    headers = [_("Round"), _("Dimension"), _("Mean"), _("Often or always")]
    rows = [
        (label if index == 0 else "", d.label, f"{format_number(d.mean)} / {d.scale_max}")
        + (percent(d.high_share),)
        for label, dimensions in evaluation.comparison_rows
        for index, d in enumerate(dimensions)
    ]
    table(document, headers, rows, right=(2, 3))


FACTSHEET_TEXTS = (
    ("policy_history", "Recent workload and task policy"),
    ("funds_use", "How earlier workload funds were used and evaluated"),
    ("lessons", "Last year's lessons"),
)


def _factsheet(document, sheet):
    """The factsheet written before step 1: its figures with their source, and its texts."""
    heading(document, _("The factsheet at the start"), level=3)
    if sheet is None:
        none(document, _("No factsheet was written at the start of this process."))
        return
    rows = [(capfirst(str(label)), number_format(value, 2)) for label, value in sheet["figures"]]
    if sheet["figures"]:
        source = sheet["figures_source"] or DASH
        if sheet["figures_date"]:
            source = f"{source} ({date(sheet['figures_date'])})"
        rows.append((_("Source of the figures"), source))
    rows += [(_(label), sheet[key] or DASH) for key, label in FACTSHEET_TEXTS]
    table(document, None, rows, header_row=False)


def _dimensions(document, dimensions):
    headers = [_("Dimension"), _("Mean"), _("Often or always")]
    rows = [
        (d.label, f"{format_number(d.mean)} / {d.scale_max}", percent(d.high_share))
        for d in dimensions
    ]
    table(document, headers, rows, right=(1, 2))
