"""The import of a finance export: the spending on the ratified measures, validated first.

Every row is checked before anything is kept; when any row (or the file) is wrong, nothing is
written and ``SpendingImportError`` lists each problem with its Excel row number (the headers
are row 1), as the staff import does. Otherwise, for every measure and school year in the file,
the amount spent becomes the sum of its rows (importing the same file twice changes nothing);
status, fte and note are taken from the file where given and kept otherwise (a new row's status
is "started" when money was spent, "planned" when not). Measures not in the file are left as
they are. One decision records the import; each row keeps its history.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import decision_record
from units.importing import ImportRejected, ImportRowError
from werkdruk.money import lazy_euro
from werkdruk.numbers import NumberError, parse_number
from werkdruk.spreadsheets import restore_formula_text
from werkdruk.tabular import read_upload

from ..importing import SpendingFileError, read_spending_file, school_year_start
from ..models import FTE_MAX, MeasureSpending
from ..selectors import ZERO, spending_overview
from .spending import (
    AMOUNT_LIMIT,
    IMPORTED,
    SpendingData,
    check_data,
    locked_overview,
    save_row,
)

DIGITS = re.compile(r"[0-9]{1,6}")  # ASCII digits only: int() refuses "²"

STATUS_ALIASES = {
    MeasureSpending.Status.PLANNED: ("gepland", "planned", "nognietgestart", "notstarted"),
    MeasureSpending.Status.STARTED: ("gestart", "lopend", "bezig", "started", "running"),
    MeasureSpending.Status.DONE: ("afgerond", "klaar", "gereed", "done", "completed", "finished"),
    MeasureSpending.Status.CANCELLED: (
        "geannuleerd",
        "vervallen",
        "gestopt",
        "cancelled",
        "canceled",
    ),
}
_STATUS_BY_TEXT = {alias: status for status, aliases in STATUS_ALIASES.items() for alias in aliases}


SpendingImportRowError = ImportRowError


class SpendingImportError(ImportRejected):
    """Nothing was imported; ``errors`` says what is wrong, row by row."""


@dataclass(frozen=True)
class SpendingImportResult:
    measures: int  # measure-years written
    total: Decimal  # the sum of the amounts in the file
    dry_run: bool = False


@dataclass
class _Entry:
    """The file's rows for one measure and school year, added up."""

    figures: object
    year: int
    actual: Decimal = ZERO
    status: str | None = None
    fte: Decimal | None = None
    notes: tuple = ()


@transaction.atomic
def spending_import(*, process, file, actor, dry_run: bool = False) -> SpendingImportResult:
    """Import the spending of ``process``'s ratified plan from a finance export (CSV/XLSX).

    Raises PermissionDenied unless ``actor`` may record spending, DomainError when the plan is
    not ratified, SpendingImportError when any row or the file is wrong (nothing written).
    """
    overview = locked_overview(process=process, actor=actor, year=None)
    content, filename = read_upload(file)
    try:
        dataset = read_spending_file(content, filename)
    except SpendingFileError as error:
        raise SpendingImportError([SpendingImportRowError(None, tuple(error.messages))]) from error

    by_number = {m.number: m for m in overview.measures if m.measure_id is not None}
    entries: dict[tuple[int, int], _Entry] = {}
    errors = []
    for index, row in enumerate(dataset.dict, start=2):
        if all(value in ("", None) for value in row.values()):
            continue
        problems = _add_row(row, by_number, overview.year, entries)
        if problems:
            errors.append(SpendingImportRowError(index, tuple(problems)))
    if errors:
        raise SpendingImportError(errors)

    total = sum((entry.actual for entry in entries.values()), ZERO)
    if not dry_run:
        overviews = {overview.year: overview}
        for (_number, year), entry in sorted(entries.items()):
            if year not in overviews:
                overviews[year] = spending_overview(overview.process, year=year)
            _write(overview=overviews[year], entry=entry, actor=actor)
        decision_record(
            process=overview.process,
            action=IMPORTED,
            summary=gettext_noop(
                "Spending imported from %(file)s: %(count)s measures, %(total)s in all."
            ),
            params={"file": filename or "-", "count": len(entries), "total": lazy_euro(total)},
            actor=actor,
            content={
                "file": filename,
                "rows": [
                    {"number": n, "year": y, "actual": str(e.actual), "status": e.status}
                    for (n, y), e in sorted(entries.items())
                ],
            },
        )
    return SpendingImportResult(measures=len(entries), total=total, dry_run=dry_run)


def _add_row(row, by_number, default_year, entries) -> list[str]:
    """Check one row and add it to its entry; the row's problems (nothing added if any)."""
    problems = []
    text = str(row.get("measure", "")).strip()
    number = text[1:] if text[:1] in ("M", "m") else text
    if isinstance(row.get("measure"), float) and row["measure"].is_integer():
        number = str(int(row["measure"]))
    figures = by_number.get(int(number)) if DIGITS.fullmatch(number) else None
    if not text:
        problems.append(_("The measure number is missing."))
    elif figures is None:
        problems.append(
            _("The ratified plan has no measure “%(value)s” (its measures are 1 to %(last)s).")
            % {"value": text, "last": max(by_number, default=0)}
        )
    year = default_year
    if str(row.get("year", "")).strip():
        year = school_year_start(row["year"])
        if year is None:
            problems.append(
                _("“%(value)s” is not a school year such as 2025-2026.") % {"value": row["year"]}
            )
    if (
        figures is not None
        and year is not None
        and not figures.first_year <= year <= figures.last_year
    ):
        problems.append(
            _("Measure %(number)s does not run in %(year)s-%(next)s.")
            % {"number": figures.number, "year": year, "next": year + 1}
        )
    actual = _value(row, "actual", problems, required=True)
    fte = _value(row, "fte", problems, max_value=FTE_MAX)
    status = None
    if str(row.get("status", "")).strip():
        status = _STATUS_BY_TEXT.get(str(row["status"]).strip().lower().replace(" ", ""))
        if status is None:
            problems.append(
                _("Unknown status “%(value)s”: use gepland, gestart, afgerond or geannuleerd.")
                % {"value": row["status"]}
            )
    if problems:
        return problems
    problems = check_data(SpendingData(actual=actual, status=status or "planned", fte_hired=fte))
    entry = entries.get((figures.number, year)) or _Entry(figures=figures, year=year)
    for name, value in (("status", status), ("fte", fte)):
        if value is not None and getattr(entry, name) not in (None, value):
            problems.append(
                _("Another row gives measure %(number)s a different %(column)s.")
                % {"number": figures.number, "column": name}
            )
    if not problems and entry.actual + actual >= AMOUNT_LIMIT:
        problems.append(
            _("Together the rows of measure %(number)s spend more than can be recorded.")
            % {"number": figures.number}
        )
    if problems:
        return problems
    entry.actual += actual
    entry.status = status or entry.status
    entry.fte = fte if fte is not None else entry.fte
    # The example file neutralised formulas in notes; its own notes come back as typed.
    note = restore_formula_text(str(row.get("note", "")).strip())
    entry.notes += (note,) if note else ()
    entries[(figures.number, year)] = entry
    return []


def _value(row, column, problems, *, required=False, max_value=None) -> Decimal | None:
    value = row.get(column, "")
    if value in ("", None):
        if required:
            problems.append(_("The amount spent is missing."))
        return None
    try:
        return parse_number(value, max_value=max_value)
    except NumberError as error:
        problems.append(error.message)
        return None


def _write(*, overview, entry, actor) -> None:
    row = MeasureSpending.objects.filter(
        measure_id=entry.figures.measure_id, start_year=overview.year
    ).first()
    status = entry.status or (row.status if row else None)
    if status is None:
        status = MeasureSpending.Status.STARTED if entry.actual else MeasureSpending.Status.PLANNED
    data = SpendingData(
        actual=entry.actual,
        status=status,
        fte_hired=entry.fte if entry.fte is not None else (row.fte_hired if row else None),
        note="; ".join(entry.notes) if entry.notes else (row.note if row else ""),
    )
    figures = next(m for m in overview.measures if m.number == entry.figures.number)
    save_row(overview=overview, figures=figures, data=data, actor=actor)
