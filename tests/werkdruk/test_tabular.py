"""werkdruk.tabular: the one reader of uploaded spreadsheets, with the files Dutch HR and finance
systems really produce."""

import codecs
import io
import zipfile

import pytest
from django.utils import translation

from tests.fixtures.spreadsheets import ods, xlsx
from werkdruk.numbers import parse_number
from werkdruk.tabular import MAX_ROWS, ImportFileError, normalise_header, read_rows


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def trimmed(rows):
    """Rows without the padding a workbook's rows get."""
    result = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        result.append(row)
    return result


def test_csv_with_bom_semicolons_crlf_and_decimal_commas_is_read_as_text():
    content = codecs.BOM_UTF8 + "Naam;WTF;Bedrag\r\nJosé;0,8;1.234,56\r\n".encode()
    rows = read_rows(content, "personeel.csv")
    assert rows == [["Naam", "WTF", "Bedrag"], ["José", "0,8", "1.234,56"]]
    # Numbers stay text; parse_number reads both conventions.
    assert [parse_number(value) for value in rows[1][1:]] == [
        parse_number("0.8"),
        parse_number("1234.56"),
    ]


def test_csv_with_commas_is_read():
    assert read_rows(b"name,fte\nAnna,1\n", "staff.csv") == [["name", "fte"], ["Anna", "1"]]


def test_csv_keeps_values_pandas_would_turn_into_nan_or_numbers():
    rows = read_rows(b"naam;code;wtf\nNA;007;\n", "export.csv")
    assert rows[1] == ["NA", "007", ""]


def test_csv_keeps_blank_rows_inside_and_drops_them_at_the_end():
    rows = read_rows(b"naam;wtf\n\nAnna;1\n;\n\n", "personeel.csv")
    assert rows[0] == ["naam", "wtf"]
    assert rows[2] == ["Anna", "1"]  # row 3 in Excel: the blank row 2 keeps its place
    assert len(rows) == 3


def test_csv_short_rows_end_where_their_fields_end():
    assert read_rows(b"a;b;c\n1\n", "x.csv") == [["a", "b", "c"], ["1"]]


@pytest.mark.parametrize(
    "header",
    ["E-mailadres", " e-mail adres ", "E-MAILADRES (werk)", "\ufeffE-mailAdres"],
)
def test_mixed_case_and_odd_headers_are_normalised(header):
    assert normalise_header(header) == "emailadres"


def test_xlsx_first_sheet_is_read_with_numbers_as_numbers():
    content = xlsx(("Naam", "Categorie", "WTF"), ("Anna", "op", 0.8), (None, None, None))
    assert trimmed(read_rows(content, "personeel.xlsx")) == [
        ["Naam", "Categorie", "WTF"],
        ["Anna", "op", 0.8],
    ]


def test_ods_is_read_with_blank_rows_kept_inside():
    content = ods(("Naam", "WTF"), ("José", 0.8), ("", ""), ("Els", "0,6"))
    assert trimmed(read_rows(content, "personeel.ods")) == [
        ["Naam", "WTF"],
        ["José", 0.8],
        [],
        ["Els", "0,6"],
    ]


def test_ods_is_recognised_by_its_content_when_the_name_says_csv():
    rows = read_rows(ods(("naam",), ("Anna",)), "personeel.csv")
    assert trimmed(rows) == [["naam"], ["Anna"]]


@pytest.mark.parametrize("name", ["kapot.xlsx", "kapot.ods"])
def test_a_corrupt_workbook_is_refused_with_a_clear_message(name):
    with pytest.raises(ImportFileError) as error:
        read_rows(b"PK\x03\x04 not really a zip file", name)
    assert "save it again" in str(error.value)


def test_an_ods_without_content_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ImportFileError, match="OpenDocument"):
        read_rows(buffer.getvalue(), "leeg.ods")


def test_an_ods_whose_repeated_rows_expand_too_far_is_refused_before_pandas_reads_it(
    monkeypatch,
):
    import pandas

    def read_excel(*args, **kwargs):
        raise AssertionError("the spreadsheet must not be parsed")

    monkeypatch.setattr(pandas, "read_excel", read_excel)
    content = _repeat_rows(ods(("naam",), ("Anna",)), 1_000_000)
    with pytest.raises(ImportFileError, match=str(MAX_ROWS)):
        read_rows(content, "bom.ods")


def test_an_ods_with_an_entity_is_refused():
    content = _replace_content(
        ods(("naam",), ("Anna",)),
        lambda xml: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + xml.split(b"?>", 1)[1],
    )
    with pytest.raises(ImportFileError, match="OpenDocument"):
        read_rows(content, "entity.ods")


def test_an_empty_file_is_refused():
    with pytest.raises(ImportFileError, match="empty"):
        read_rows(b"  \r\n", "leeg.csv")


def _replace_content(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member.filename)
            archive.writestr(member, change(data) if member.filename == "content.xml" else data)
    return out.getvalue()


def _repeat_rows(content: bytes, times: int) -> bytes:
    """The last data row repeated ``times`` times, as ODS writes repetition."""
    return _replace_content(
        content,
        lambda xml: xml.replace(
            b"<table:table-row>",
            f'<table:table-row table:number-rows-repeated="{times}">'.encode(),
        ),
    )
