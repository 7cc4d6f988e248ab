"""werkdruk.tabular.read_rows as the staff and spending imports use it (CSV files and XLSX
workbooks); the reader's own suite is tests/werkdruk/test_tabular.py."""

import codecs
import datetime
import io

import openpyxl
import pytest

from spending.importing import SpendingFileError, read_spending_file
from units.importing import StaffFileError, read_staff_file
from werkdruk.tabular import MAX_COLUMNS, MAX_ROWS, ImportFileError, read_rows


def xlsx(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_rows_are_read_when_the_csv_is_dutch_excel_with_bom_and_semicolons():
    content = codecs.BOM_UTF8 + "naam;wtf\r\nJosé;0,8\r\n".encode()

    assert read_rows(content, "personeel.csv") == [["naam", "wtf"], ["José", "0,8"]]


def test_rows_are_read_when_the_csv_is_cp1252_with_commas():
    content = "name,fte\r\nRenée,1\r\n".encode("cp1252")

    assert read_rows(content, "staff.csv") == [["name", "fte"], ["Renée", "1"]]


def test_rows_are_read_when_the_csv_is_utf16_with_tabs():
    content = "naam\twtf\nAnna\t1\n".encode("utf-16")

    assert read_rows(content) == [["naam", "wtf"], ["Anna", "1"]]


def test_workbook_cells_keep_their_types_when_the_file_is_xlsx():
    content = xlsx(("naam", "wtf", "datum"), ("Anna", 0.8, datetime.date(2025, 8, 1)))

    rows = read_rows(content, "personeel.xlsx")

    assert rows[0][:4] == ["naam", "wtf", "datum", None]  # workbook rows are MAX_COLUMNS long
    assert rows[1][:2] == ["Anna", 0.8]
    assert rows[1][2].date() == datetime.date(2025, 8, 1)


def test_a_workbook_is_recognised_by_its_content_when_the_name_says_csv():
    rows = read_rows(xlsx(("naam",), ("Anna",)), "personeel.csv")

    assert [row[0] for row in rows] == ["naam", "Anna"]


def test_columns_beyond_the_maximum_are_left_out():
    header = ";".join(f"c{i}" for i in range(MAX_COLUMNS + 5))

    rows = read_rows(header.encode())

    assert len(rows[0]) == MAX_COLUMNS


@pytest.mark.parametrize("content", [b"", b"  \r\n "])
def test_the_file_is_refused_when_it_is_empty(content):
    with pytest.raises(ImportFileError) as caught:
        read_rows(content, "leeg.csv")

    assert caught.value.messages == ["The file is empty."]


def test_the_file_is_refused_when_the_workbook_is_damaged():
    with pytest.raises(ImportFileError) as caught:
        read_rows(b"PK\x03\x04 not really a zip", "kapot.xlsx")

    assert caught.value.messages == [
        "The file could not be read as an Excel workbook (.xlsx): save it again."
    ]


def test_trailing_blank_rows_do_not_count_when_the_file_has_the_maximum_of_rows():
    lines = ["naam", *(f"p{i}" for i in range(MAX_ROWS)), *([",,"] * 20)]

    rows = read_rows("\n".join(lines).encode())

    assert len(rows) == MAX_ROWS + 1  # the header and MAX_ROWS rows; the blank rows left out
    assert rows[-1] == [f"p{MAX_ROWS - 1}"]


def test_the_file_is_refused_when_it_has_one_row_more_than_the_maximum():
    lines = ["naam", *(f"p{i}" for i in range(MAX_ROWS + 1))]

    with pytest.raises(ImportFileError) as caught:
        read_rows("\n".join(lines).encode())

    assert caught.value.messages == [f"The file has more than {MAX_ROWS} rows: split it up."]


def test_each_import_raises_its_own_error_when_the_reader_refuses_the_file():
    with pytest.raises(StaffFileError, match="The file is empty."):
        read_staff_file(b"")
    with pytest.raises(SpendingFileError, match="The file is empty."):
        read_spending_file(b"")
