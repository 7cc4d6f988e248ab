"""Cells of the spreadsheets we write (CSV downloads, the admin's CSV and XLSX exports).

Text a user typed (a name, a note, a measure's title) ends up in a cell that Excel or
LibreOffice opens; a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) is run as a formula there: ``=HYPERLINK(...)`` leaks data, DDE formulas run
programs. As OWASP recommends, such text gets a leading apostrophe, so the spreadsheet shows
it as text. Only text is neutralised: numbers, dates and booleans stay what they are, so a
negative amount (a Decimal) is still written as a number.
"""

import codecs
import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from import_export import widgets

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """``value`` safe as a spreadsheet cell: text that would start a formula gets a leading
    ``'``; anything that is not text is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_formula_text(text: str) -> str:
    """The text ``neutralise_formula`` made into a cell, for reading our own files back in
    (the spending example is meant to be filled in and imported)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _dutch_cell(value) -> str:
    """A cell as Dutch Excel reads it: decimal commas, nothing for None."""
    value = neutralise_formula(value)
    if value is None:
        return ""
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def dutch_csv(rows) -> bytes:
    """``rows`` (the header row first) as Dutch Excel writes CSV: a byte-order mark, ``;``
    separators, CRLF, decimal commas; every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_dutch_cell(value) for value in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def csv_download(filename: str, rows) -> HttpResponse:
    """A CSV download of ``rows`` (see ``dutch_csv``) named ``filename``."""
    response = HttpResponse(dutch_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class FormulaSafeResourceMixin:
    """For django-import-export resources: every exported text cell neutralised, in every
    format (its own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading ``=`` and
    turns every cell into text). Number columns keep their numbers, negative ones too."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget | widgets.BooleanWidget):
            return value
        return neutralise_formula(value)
