"""Reading a finance export of the spending per measure (CSV, XLSX or ODS) into a tablib Dataset.

Read as the staff import reads its file (``werkdruk.tabular.read_rows``): Dutch Excel CSV
(``;``, decimal commas, a byte-order mark, cp1252) or a workbook (XLSX, ODS); Dutch or English
headers in many spellings; row numbers as in Excel (the headers are row 1). Columns (canonical
name: accepted headers):

- ``measure`` (required): the measure's number on the spending page (``3`` or ``M3``);
- ``year`` (optional): the school year, ``2025-2026`` or ``2025``; the process's by default;
- ``actual`` (required): the amount spent, ``1.234,56``, ``1234,56`` or ``1234.56``;
- ``status`` (optional): gepland/gestart/afgerond/geannuleerd or planned/started/done/cancelled;
- ``fte`` (optional): the fte actually hired, ``0,8``;
- ``note`` (optional): a note.

Several rows for the same measure and year (booking lines) are added up.
"""

import re

import tablib
from django.utils.translation import gettext as _

from werkdruk.tabular import ImportFileError, is_blank, normalise_header, read_rows

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "measure": (
        "maatregel",
        "maatregelnummer",
        "nummer",
        "nr",
        "code",
        "measure",
        "measure number",
        "number",
    ),
    "year": ("schooljaar", "jaar", "school year", "year"),
    "actual": (
        "bedrag",
        "besteed",
        "uitgegeven",
        "werkelijk",
        "werkelijke kosten",
        "realisatie",
        "actual",
        "amount",
        "spent",
        "actual spending",
    ),
    "status": ("status", "stand", "state"),
    "fte": ("fte", "wtf", "fte aangenomen", "fte hired"),
    "note": ("toelichting", "opmerking", "omschrijving", "note", "remark", "description"),
}
REQUIRED_COLUMNS = ("measure", "actual")
COLUMNS = tuple(HEADER_ALIASES)
TEMPLATE_HEADERS = ("maatregel", "schooljaar", "bedrag", "status", "fte", "toelichting")

_ALIAS_TO_COLUMN = {
    normalise_header(alias): column
    for column, aliases in HEADER_ALIASES.items()
    for alias in aliases
}


class SpendingFileError(ImportFileError):
    """The finance export as a whole cannot be imported."""


def read_spending_file(content: bytes, filename: str = "") -> tablib.Dataset:
    """The uploaded file as a Dataset with the canonical headers of the columns it has."""
    try:
        rows = read_rows(content, filename)
    except ImportFileError as error:
        raise SpendingFileError(error.messages) from error
    return _dataset(rows)


def _dataset(rows: list[list]) -> tablib.Dataset:
    header = rows[0] if rows else None
    if header is None or is_blank(header):
        raise SpendingFileError(
            [_("The first row must contain the column headers, such as maatregel;bedrag.")]
        )
    positions = _column_positions(header)
    data = [[_cell(values, position) for position in positions.values()] for values in rows[1:]]
    while data and is_blank(data[-1]):
        data.pop()
    if not data:
        raise SpendingFileError(
            [_("The file contains no spending: add one row per measure below the headers.")]
        )
    dataset = tablib.Dataset(headers=list(positions))
    for values in data:
        dataset.append(values)
    return dataset


def _column_positions(header) -> dict[str, int]:
    found: dict[str, list[int]] = {}
    for index, title in enumerate(header):
        column = _ALIAS_TO_COLUMN.get(normalise_header(title))
        if column is not None:
            found.setdefault(column, []).append(index)
    errors = [
        _("Column missing: %(column)s. Use one of these headers: %(headers)s.")
        % {"column": column, "headers": ", ".join(HEADER_ALIASES[column])}
        for column in REQUIRED_COLUMNS
        if column not in found
    ]
    for column, indexes in found.items():
        if len(indexes) > 1:
            titles = ", ".join(f"“{str(header[index]).strip()}”" for index in indexes)
            errors.append(
                _("The columns %(columns)s all mean %(column)s: keep only one of them.")
                % {"columns": titles, "column": column}
            )
    if errors:
        raise SpendingFileError(errors)
    return {column: found[column][0] for column in COLUMNS if column in found}


def _cell(values: list, position: int):
    value = values[position] if position < len(values) else None
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value  # numbers from a workbook stay numbers


# --- values ---------------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?")


def school_year_start(value) -> int | None:
    """``2025-2026``, ``2025/26`` or ``2025`` -> 2025; None when it is not a school year."""
    text = str(int(value)) if isinstance(value, int | float) else str(value).strip()
    match = _YEAR.fullmatch(text)
    if not match:
        return None
    start = int(match.group(1))
    end = match.group(2)
    if end is not None and int(end) % 100 != (start + 1) % 100:
        return None
    return start
