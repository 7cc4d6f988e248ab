"""Reading a school's staff list (CSV, XLSX or ODS, as schools export them) into a tablib Dataset.

The file is read by ``werkdruk.tabular.read_rows`` (the spending import reads through it too);
``read_staff_file`` turns its rows into rows with canonical headers (``name``, ``email``,
``category``, ``function``, ``department``, ``fte``); validating the values is the resource's
job (``units.resources``).

Rows keep their position: data row ``i`` of the Dataset (1-based) is row ``i + 1`` in Excel, so
error messages can name the row the user sees. Blank rows inside the file stay in the Dataset
(the resource skips them); only trailing blank rows are dropped.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from werkdruk.exceptions import DomainError
from werkdruk.tabular import ImportFileError, is_blank, normalise_header, read_rows

from .models import StaffMember

# Canonical column -> accepted headers, compared after normalise_header().
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("naam", "name", "volledige naam", "naam medewerker", "full name"),
    "email": (
        "e-mail",
        "email",
        "e-mailadres",
        "e-mail adres",
        "mailadres",
        "mail",
        "e-mail address",
        "email address",
    ),
    "category": ("categorie", "category", "personeelscategorie", "staff category"),
    "function": ("functie", "function", "functienaam", "job title"),
    "department": ("afdeling", "sectie", "vaksectie", "team", "department", "section"),
    "fte": ("wtf", "fte", "werktijdfactor", "part-time factor"),
}
REQUIRED_COLUMNS = ("name", "email", "category", "fte")
COLUMNS = tuple(HEADER_ALIASES)
# HR exports often split the name; when there is no name column these parts make it up.
NAME_PART_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("voornaam", "roepnaam", "first name", "given name"),
    "infix": ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "infix"),
    "last_name": ("achternaam", "geslachtsnaam", "last name", "surname", "family name"),
}
# Headers of the downloadable template: the first alias of each column, in this order.
TEMPLATE_HEADERS = ("naam", "e-mail", "categorie", "functie", "afdeling", "wtf")

COLUMN_LABELS = {
    "name": StaffMember._meta.get_field("name").verbose_name,
    "email": StaffMember._meta.get_field("email").verbose_name,
    "category": StaffMember._meta.get_field("category").verbose_name,
    "function": StaffMember._meta.get_field("function").verbose_name,
    "department": StaffMember._meta.get_field("department").verbose_name,
    "fte": gettext_lazy("fte (part-time factor)"),
}


@dataclass(frozen=True)
class ImportRowError:
    """What is wrong with one row of the file, or with the file itself (``row_number`` None).

    ``row_number`` is the row as the user sees it in Excel: the header row is row 1.
    """

    row_number: int | None
    messages: tuple[str, ...]

    @property
    def reason(self) -> str:
        return " ".join(self.messages)

    def __str__(self):
        if self.row_number is None:
            return self.reason
        return _("Row %(row)s: %(reason)s") % {"row": self.row_number, "reason": self.reason}


class ImportRejected(DomainError):
    """Nothing was imported; ``errors`` (ImportRowError) says what is wrong, row by row."""

    def __init__(self, errors: list[ImportRowError]):
        rows = [error for error in errors if error.row_number is not None]
        if rows:
            message = ngettext(
                "Nothing was imported: %(count)s row has an error.",
                "Nothing was imported: %(count)s rows have errors.",
                len(rows),
            ) % {"count": len(rows)}
        else:
            message = _("Nothing was imported: the file cannot be used.")
        super().__init__(message, details=errors)
        self.errors = list(errors)


class StaffFileError(ImportFileError):
    """The staff list as a whole cannot be imported."""


_ALIAS_TO_COLUMN = {
    normalise_header(alias): column
    for column, aliases in HEADER_ALIASES.items()
    for alias in aliases
}


def canonical_column(header) -> str | None:
    """The canonical column a header means, or None for a column the import does not use."""
    return _ALIAS_TO_COLUMN.get(normalise_header(header))


_NAME_PART_BY_HEADER = {
    normalise_header(alias): part
    for part, aliases in NAME_PART_ALIASES.items()
    for alias in aliases
}


def read_staff_file(content: bytes, filename: str = "") -> tablib.Dataset:
    """Read an uploaded staff list into a Dataset with canonical headers.

    Raises StaffFileError (with user-facing messages) when the file cannot be read, has no
    header row or data, misses a required column, or has more than
    ``werkdruk.tabular.MAX_ROWS`` rows. Columns
    the import does not use are left out.
    """
    try:
        rows = read_rows(content, filename)
    except ImportFileError as error:
        raise StaffFileError(error.messages) from error
    return _dataset_from_rows(rows)


def _dataset_from_rows(rows: list[list]) -> tablib.Dataset:
    header = rows[0] if rows else None
    if header is None or is_blank(header):
        raise StaffFileError(
            [_("The first row must contain the column headers, such as naam;e-mail;categorie.")]
        )
    positions, name_parts = _column_positions(header)

    data = []
    for values in rows[1:]:
        row = [_cell(values, position) for position in positions.values()]
        if name_parts:
            parts = (_cell(values, position) for position in name_parts)
            row.insert(0, " ".join(str(part) for part in parts if part))
        data.append(row)
    while data and is_blank(data[-1]):
        data.pop()
    if not data:
        raise StaffFileError(
            [_("The file contains no staff: add one row per person below the headers.")]
        )

    dataset = tablib.Dataset(headers=(["name"] if name_parts else []) + list(positions))
    for values in data:
        dataset.append(values)
    return dataset


def _column_positions(header) -> tuple[dict[str, int], list[int]]:
    """Canonical column -> index in the file's rows, and the indexes of the name parts when
    the name is split (first name, infix, last name); file-level errors for missing/double
    columns."""
    found: dict[str, list[int]] = {}
    parts: dict[str, int] = {}
    for index, title in enumerate(header):
        column = canonical_column(title)
        if column is not None:
            found.setdefault(column, []).append(index)
        elif normalise_header(title) in _NAME_PART_BY_HEADER:
            parts.setdefault(_NAME_PART_BY_HEADER[normalise_header(title)], index)
    name_parts = []
    if "name" not in found and {"first_name", "last_name"} <= set(parts):
        name_parts = [parts[p] for p in NAME_PART_ALIASES if p in parts]

    errors = []
    for column in REQUIRED_COLUMNS:
        if column not in found and not (column == "name" and name_parts):
            errors.append(
                _("Column missing: %(column)s. Use one of these headers: %(headers)s.")
                % {"column": COLUMN_LABELS[column], "headers": ", ".join(HEADER_ALIASES[column])}
            )
    for column, indexes in found.items():
        if len(indexes) > 1:
            titles = ", ".join(f"“{str(header[index]).strip()}”" for index in indexes)
            errors.append(
                _("The columns %(columns)s all mean %(column)s: keep only one of them.")
                % {"columns": titles, "column": COLUMN_LABELS[column]}
            )
    if errors:
        raise StaffFileError(errors)
    return {column: found[column][0] for column in COLUMNS if column in found}, name_parts


def _cell(values: list, position: int):
    value = values[position] if position < len(values) else None
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return value  # numbers from a workbook stay numbers (fte)
    return str(value).strip()
