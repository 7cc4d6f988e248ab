"""The one reader of uploaded spreadsheets (CSV, XLSX, ODS), on pandas: every import reads its
file here (the staff list, the finance export).

Schools export from Excel, LibreOffice or their HR system: Dutch Excel writes CSV with ``;``
separators, decimal commas and a byte-order mark, older exports are cp1252, and the headers are
Dutch or English in many spellings (``normalise_header`` makes them comparable). A CSV file is
read as text, every cell a string: numbers such as ``1.234,56`` and ``0,8`` are parsed later by
``werkdruk.numbers.parse_number``, which knows both conventions. A workbook's number cells stay
numbers, as the parser also takes them.

Rows keep their position: row ``i`` of the result (0-based) is row ``i + 1`` in Excel, so error
messages can name the row the user sees. Blank rows inside the file stay; only trailing blank
rows are dropped.

Safety: the file is refused before it is parsed when it is larger than UPLOAD_MAX_BYTES, or when
it is a workbook that would unpack too far (``check_workbook_archive``: a zip bomb). An ODS file
is XML read by odfpy through defusedxml (no DTDs or entities), and its row and column repeats
are counted before pandas expands them (``check_ods_repeats``).
"""

import codecs
import csv
import io
import re
import warnings
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ROWS = 5000
MAX_COLUMNS = 50
# Columns an ODS row may be expanded to before it is read (LibreOffice's old maximum).
ODS_MAX_WIDTH = 1024
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class ImportFileError(ValueError):
    """An uploaded file as a whole cannot be imported (unreadable, empty, a required column
    missing); ``messages`` are user-facing."""

    def __init__(self, messages):
        self.messages = [str(message) for message in messages]
        super().__init__(" ".join(self.messages))


def normalise_header(value) -> str:
    """``" E-mailadres (werk) "`` -> ``"emailadres"``: case, spaces, punctuation, notes gone."""
    text = str(value if value is not None else "").replace("\ufeff", "").lower()
    text = re.sub(r"\(.*?\)", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


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
    """The rows of an uploaded CSV file, XLSX workbook or ODS spreadsheet (its first sheet), the
    header row first, each a list of at most MAX_COLUMNS cell values: strings from a CSV file;
    strings, numbers, dates or None from a workbook, whose rows are padded to MAX_COLUMNS with
    None.

    A workbook is recognised by its content or its name (``.xlsx``, ``.ods``); anything else is
    read as CSV (see decode_text and sniff_delimiter). Raises ImportFileError when the file is
    empty, larger than UPLOAD_MAX_BYTES, unreadable, a workbook that would unpack too far
    (checked before it is parsed), or has more than MAX_ROWS rows below the header (blank rows
    after those do not count).
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
    name = filename.lower()
    if name.endswith(".ods") or (content.startswith(ZIP_MAGIC) and ODS_MIMETYPE in content[:100]):
        rows = _ods_rows(content)
    elif content.startswith(ZIP_MAGIC) or name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    while rows and is_blank(rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS + 1:  # the header and MAX_ROWS rows below it
        raise ImportFileError(
            [_("The file has more than %(max)s rows: split it up.") % {"max": MAX_ROWS}]
        )
    return rows


# --- CSV -------------------------------------------------------------------------------------


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


def _csv_rows(content: bytes) -> list[list]:
    import pandas

    text = decode_text(content).lstrip("\ufeff")  # a second BOM after decoding
    try:
        with warnings.catch_warnings():
            # Cutting columns beyond MAX_COLUMNS is what we want; pandas warns of it.
            warnings.simplefilter("ignore", pandas.errors.ParserWarning)
            frame = pandas.read_csv(
                io.StringIO(text, newline=""),
                sep=sniff_delimiter(text),
                header=None,
                # Every cell as the text it is: "0,8" and "1.234,56" go to parse_number, and
                # "NA" or "" stay text instead of becoming NaN.
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,  # blank rows keep the row numbers the user sees
                names=range(MAX_COLUMNS),
                index_col=False,
                engine="python",
                on_bad_lines=lambda fields: fields[:MAX_COLUMNS],  # columns beyond are left out
            )
    except pandas.errors.EmptyDataError:
        return []
    except (pandas.errors.ParserError, csv.Error, UnicodeError) as error:
        raise ImportFileError(
            [_("The file could not be read as a CSV file: save it again as CSV or XLSX.")]
        ) from error
    # A short row is padded with NaN (a float) by pandas; the row ends where its fields end.
    return [[value for value in row if isinstance(value, str)] for row in frame.values.tolist()]


# --- workbooks -------------------------------------------------------------------------------


def _xlsx_unreadable() -> ImportFileError:
    return ImportFileError(
        [_("The file could not be read as an Excel workbook (.xlsx): save it again.")]
    )


def _ods_unreadable() -> ImportFileError:
    return ImportFileError(
        [_("The file could not be read as an OpenDocument spreadsheet (.ods): save it again.")]
    )


def _too_tightly_packed() -> ImportFileError:
    return ImportFileError(
        [
            _(
                "This Excel workbook is packed unusually tightly and is not read, to keep "
                "the site safe: open it in Excel and save it again, or save it as CSV "
                "(.csv)."
            )
        ]
    )


def check_workbook_archive(content: bytes, unreadable=_xlsx_unreadable) -> zipfile.ZipFile:
    """Refuse a workbook whose zip members would unpack to more than
    UPLOAD_XLSX_MAX_UNPACKED_BYTES, or to more than UPLOAD_XLSX_MAX_RATIO times their packed
    size: a "zip bomb" of a few hundred kB expands to hundreds of MB in the parser. Returns the
    archive, checked.

    The sizes come from the archive's directory. They cannot understate what is parsed: the
    parsers read members through Python's zipfile, which stops at the size the directory gives
    (and then fails its CRC check).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise unreadable() from error
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
        raise _too_tightly_packed()
    return archive


def _workbook_rows(content: bytes, *, engine: str, unreadable) -> list[list]:
    """The first sheet through ``pandas.read_excel``: number cells stay numbers, empty ones
    become None, each row MAX_COLUMNS long."""
    import pandas

    try:
        frame = pandas.read_excel(
            io.BytesIO(content),
            engine=engine,
            sheet_name=0,
            header=None,
            dtype=object,  # no guessing: numbers, dates and text as the cells hold them
            keep_default_na=False,
            na_values=[],
        )
    except ImportFileError:
        raise
    except Exception as error:  # zip, XML and parser errors alike: the file is not usable
        raise unreadable() from error
    rows = []
    for values in frame.values.tolist():
        row = [None if _empty(value) else value for value in values[:MAX_COLUMNS]]
        rows.append(row + [None] * (MAX_COLUMNS - len(row)))
    return rows


def _empty(value) -> bool:
    if value is None or (isinstance(value, str) and value == ""):
        return True
    return isinstance(value, float) and value != value  # NaN


def _xlsx_rows(content: bytes) -> list[list]:
    check_workbook_archive(content)
    # pandas opens it with openpyxl (read-only, values not formulas) and, as exporters may
    # write a wrong sheet size, reads what is really there.
    return _workbook_rows(content, engine="openpyxl", unreadable=_xlsx_unreadable)


def _ods_rows(content: bytes) -> list[list]:
    archive = check_workbook_archive(content, unreadable=_ods_unreadable)
    try:
        xml = archive.read("content.xml")
    except (KeyError, zipfile.BadZipFile, ValueError, EOFError) as error:
        raise _ods_unreadable() from error
    check_ods_repeats(xml)
    return _workbook_rows(content, engine="odf", unreadable=_ods_unreadable)


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def check_ods_repeats(xml: bytes) -> None:
    """Refuse an ODS sheet whose repeated rows and cells would expand beyond what we read.

    ODS compresses repetition in attributes: one cell with ``number-columns-repeated`` and
    ``number-rows-repeated`` of a million each is a few bytes that pandas would expand into a
    million lists. Count the first sheet as pandas expands it (trailing empty cells and rows
    are not expanded) and refuse more than MAX_ROWS rows or ODS_MAX_WIDTH columns. The XML is
    read with defusedxml, as odfpy reads it: no DTDs, no entities.
    """
    from defusedxml import ElementTree

    rows = pending_empty_rows = 0
    try:
        for _event, element in ElementTree.iterparse(io.BytesIO(xml), forbid_dtd=True):
            if element.tag == f"{_TABLE}table":
                break  # only the first sheet is read
            if element.tag != f"{_TABLE}table-row":
                continue
            width = empty_cells = 0
            for cell in element:
                repeat = _repeat(cell, "number-columns-repeated")
                if _ods_cell_empty(cell):
                    empty_cells += repeat
                else:
                    width += empty_cells + repeat
                    empty_cells = 0
            row_repeat = _repeat(element, "number-rows-repeated")
            element.clear()
            if width == 0:
                pending_empty_rows += row_repeat
                continue
            rows += pending_empty_rows + row_repeat
            pending_empty_rows = 0
            if width > ODS_MAX_WIDTH:
                raise _too_tightly_packed()
            if rows > MAX_ROWS + 1:
                raise ImportFileError(
                    [_("The file has more than %(max)s rows: split it up.") % {"max": MAX_ROWS}]
                )
    except ImportFileError:
        raise
    except Exception as error:  # malformed XML, a DTD or an entity
        raise _ods_unreadable() from error


def _repeat(element, attribute: str) -> int:
    value = element.get(f"{_TABLE}{attribute}", "1")
    return int(value) if value.isdigit() else 1


def _ods_cell_empty(cell) -> bool:
    """As pandas sees it, roughly: no value type and no text (a styled empty cell)."""
    if cell.get(f"{_OFFICE}value-type"):
        return False
    return not "".join(cell.itertext()).strip()
