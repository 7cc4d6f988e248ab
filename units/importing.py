"""Reading a school's staff list (CSV or XLSX, as schools export them) into a tablib Dataset.

Schools export from Excel or their HR system: Dutch Excel writes CSV with ``;`` separators,
decimal commas and a byte-order mark, older exports are cp1252, and the headers are Dutch or
English in many spellings. ``read_rows`` reads such a file (the spending import uses it too);
``read_staff_file`` turns its rows into rows with canonical headers (``name``, ``email``,
``category``, ``function``, ``department``, ``fte``); validating the values is the resource's
job (``units.resources``).

Rows keep their position: data row ``i`` of the Dataset (1-based) is row ``i + 1`` in Excel, so
error messages can name the row the user sees. Blank rows inside the file stay in the Dataset
(the resource skips them); only trailing blank rows are dropped.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from werkdruk.exceptions import DomainError

from .models import StaffMember

MAX_ROWS = 5000
MAX_COLUMNS = 50
XLSX_MAGIC = b"PK\x03\x04"

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


class ImportFileError(ValueError):
    """An uploaded file as a whole cannot be imported (unreadable, empty, a required column
    missing); ``messages`` are user-facing."""

    def __init__(self, messages):
        self.messages = [str(message) for message in messages]
        super().__init__(" ".join(self.messages))


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


def normalise_header(value) -> str:
    """``" E-mailadres (werk) "`` -> ``"emailadres"``: case, spaces, punctuation, notes gone."""
    text = str(value if value is not None else "").replace("\ufeff", "").lower()
    text = re.sub(r"\(.*?\)", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


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
    header row or data, misses a required column, or has more than MAX_ROWS rows. Columns
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


# Reading the file


def is_blank(values) -> bool:
    """True when every cell of a row is empty (None or only whitespace)."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def read_upload(file) -> tuple[bytes, str]:
    """The content and name of an uploaded file (anything with ``read()`` and ``name``), read
    no further than one byte past UPLOAD_MAX_BYTES: enough for read_rows to refuse it."""
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(settings.UPLOAD_MAX_BYTES + 1)
    return content, getattr(file, "name", "") or ""


def read_rows(content: bytes, filename: str = "") -> list[list]:
    """The rows of an uploaded CSV file or XLSX workbook (its first sheet), the header row
    first, each a list of at most MAX_COLUMNS cell values: strings from a CSV file; strings,
    numbers, dates or None from a workbook, whose rows are padded to MAX_COLUMNS with None.

    A workbook is recognised by its content or an ``.xlsx`` name; anything else is read as CSV
    (see decode_text and sniff_delimiter). Raises ImportFileError when the file is empty,
    larger than UPLOAD_MAX_BYTES, unreadable, a workbook that would unpack too far (checked
    before it is parsed, see check_workbook_archive), or has more than MAX_ROWS rows below the
    header (blank rows after those do not count).
    """
    if not content or not content.strip():
        raise ImportFileError([_("The file is empty.")])
    if len(content) > settings.UPLOAD_MAX_BYTES:
        raise ImportFileError(
            [
                _("The file is %(size)s; the maximum is %(max)s.")
                % {
                    "size": filesizeformat(len(content)),
                    "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
                }
            ]
        )
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        check_workbook_archive(content)
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    result = []
    with closing(rows):  # closes the workbook also when there are too many rows
        for values in rows:
            if len(result) > MAX_ROWS:  # the header and MAX_ROWS rows below it
                # Trailing blank rows (Excel often saves many) do not count towards the limit.
                if is_blank(values):
                    continue
                raise ImportFileError(
                    [_("The file has more than %(max)s rows: split it up.") % {"max": MAX_ROWS}]
                )
            result.append(list(values))
    return result


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is read as cp1252."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV (gescheiden door lijstscheidingsteken)" in cp1252.
        return content.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The separator of the header line: ``;`` (Dutch Excel), ``,`` or a tab."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(content: bytes):
    text = decode_text(content).lstrip("\ufeff")  # a second BOM after decoding
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error as error:
        raise ImportFileError(
            [_("The file could not be read as a CSV file: save it again as CSV or XLSX.")]
        ) from error


def _xlsx_unreadable() -> ImportFileError:
    return ImportFileError(
        [_("The file could not be read as an Excel workbook (.xlsx): save it again.")]
    )


def check_workbook_archive(content: bytes) -> None:
    """Refuse a workbook whose zip members would unpack to more than
    UPLOAD_XLSX_MAX_UNPACKED_BYTES, or to more than UPLOAD_XLSX_MAX_RATIO times their packed
    size: a "zip bomb" of a few hundred kB expands to hundreds of MB in the parser.

    The sizes come from the archive's directory. They cannot understate what is parsed: the
    parser reads members through Python's zipfile, which stops at the size the directory gives
    (and then fails its CRC check).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _xlsx_unreadable() from error
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    limit = settings.UPLOAD_XLSX_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise ImportFileError(
            [
                _(
                    "This Excel workbook unpacks to %(size)s, more than the %(max)s that can "
                    "be read: keep only the sheet with the list, or save it as CSV (.csv)."
                )
                % {"size": filesizeformat(unpacked), "max": filesizeformat(limit)}
            ]
        )
    if unpacked > max(packed, 1) * settings.UPLOAD_XLSX_MAX_RATIO:
        raise ImportFileError(
            [
                _(
                    "This Excel workbook is packed unusually tightly and is not read, to keep "
                    "the site safe: open it in Excel and save it again, or save it as CSV "
                    "(.csv)."
                )
            ]
        )


def _xlsx_rows(content: bytes):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # zip, XML and openpyxl errors alike: the file is not usable
        raise _xlsx_unreadable() from error
    return _sheet_rows(workbook)


def _sheet_rows(workbook):
    try:
        sheet = workbook.worksheets[0]
        # Some exporters write a wrong sheet size; read what is really there.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except Exception as error:
        raise _xlsx_unreadable() from error
    finally:
        workbook.close()
