"""The import of a finance export: Dutch and English files, every row validated first, nothing
imported when any row is wrong."""

import codecs
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from processes.models import Decision
from spending.models import MeasureSpending
from spending.services.imports import SpendingImportError, spending_import
from spending.services.spending import IMPORTED, SpendingData, spending_record
from tests.fixtures.spreadsheets import ods

D = Decimal


def csv_file(text, name="export.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, codecs.BOM_UTF8 + text.encode(encoding))


def xlsx_file(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("export.xlsx", buffer.getvalue())


def actuals(process):
    return {
        (row.measure.order, row.start_year): (row.actual, row.status, row.fte_hired)
        for row in MeasureSpending.objects.filter(process=process).select_related("measure")
    }


def test_dutch_csv_with_semicolons_and_decimal_commas(ratified, director):
    text = (
        "Maatregel;Schooljaar;Bedrag;Status;FTE aangenomen;Toelichting\r\n"
        "1;2025-2026;5.199,99;afgerond;;Correctie\r\n"
        "M2;2025/26;€ 10.000,01;gestart;0,6;\r\n"
        "4;;8.750;Klaar;;\r\n"
    )
    result = spending_import(process=ratified, file=csv_file(text), actor=director)
    assert (result.measures, result.total) == (3, D("23950.00"))
    assert actuals(ratified) == {
        (1, 2025): (D("5199.99"), "done", None),
        (2, 2025): (D("10000.01"), "started", D("0.60")),
        (4, 2025): (D("8750.00"), "done", None),
    }
    assert MeasureSpending.objects.get(measure__order=1).note == "Correctie"
    assert Decision.objects.filter(process=ratified, action=IMPORTED).count() == 1


def test_english_csv_with_commas_and_booking_lines_added_up(ratified, director):
    text = (
        "measure number,school year,actual,status\n"
        '2,2025,"1,500.25",started\n'
        "2,2025,499.75,\n"
        "2,2026,100,\n"
    )
    spending_import(process=ratified, file=csv_file(text), actor=director)
    assert actuals(ratified) == {
        (2, 2025): (D("2000.00"), "started", None),
        (2, 2026): (D("100.00"), "started", None),
    }


def test_importing_the_same_file_twice_changes_nothing(ratified, director):
    text = "maatregel;bedrag\n1;100,00\n1;50,00\n"
    spending_import(process=ratified, file=csv_file(text), actor=director)
    spending_import(process=ratified, file=csv_file(text), actor=director)
    assert actuals(ratified) == {(1, 2025): (D("150.00"), "started", None)}


def test_kept_values_and_measures_not_in_the_file(ratified, director):
    spending_record(
        process=ratified,
        number=2,
        actor=director,
        data=SpendingData(actual=D("1.00"), status="done", fte_hired=D("1.0"), note="Aangenomen"),
    )
    spending_record(
        process=ratified, number=3, actor=director, data=SpendingData(D("7.00"), "started")
    )
    spending_import(process=ratified, file=csv_file("nr;bedrag\n2;200\n"), actor=director)
    row = MeasureSpending.objects.get(measure__order=2)
    assert (row.actual, row.status, row.fte_hired, row.note) == (
        D("200.00"),
        "done",
        D("1.00"),
        "Aangenomen",
    )
    assert MeasureSpending.objects.get(measure__order=3).actual == D("7.00")


def test_xlsx_with_numbers_as_numbers(ratified, director):
    file = xlsx_file([["Maatregel", "Bedrag", "FTE"], [1, 5200, None], [2.0, 1234.5, 0.8]])
    spending_import(process=ratified, file=file, actor=director)
    assert actuals(ratified) == {
        (1, 2025): (D("5200.00"), "started", None),
        (2, 2025): (D("1234.50"), "started", D("0.80")),
    }


def test_ods_from_libreoffice(ratified, director):
    content = ods(["Maatregel", "Bedrag", "FTE"], [1, 5200, ""], ["M2", "1.234,50", 0.8])
    spending_import(
        process=ratified, file=SimpleUploadedFile("export.ods", content), actor=director
    )
    assert actuals(ratified) == {
        (1, 2025): (D("5200.00"), "started", None),
        (2, 2025): (D("1234.50"), "started", D("0.80")),
    }


def test_ods_row_errors_are_those_of_the_csv_and_nothing_is_imported(ratified, director):
    rows = [["maatregel", "bedrag"], ["1", "100,00"], ["", ""], ["9", "100,00"], ["2", "veel"]]

    def errors(file):
        with pytest.raises(SpendingImportError) as caught:
            spending_import(process=ratified, file=file, actor=director)
        return [str(error) for error in caught.value.errors]

    from_ods = errors(SimpleUploadedFile("export.ods", ods(*rows)))

    assert from_ods == errors(csv_file("\n".join(";".join(row) for row in rows)))
    assert [error.split(":")[0] for error in from_ods] == ["Row 4", "Row 5"]
    assert not MeasureSpending.objects.exists()


def test_any_wrong_row_imports_nothing_and_lists_rows_and_reasons(ratified, director):
    spending_record(
        process=ratified, number=1, actor=director, data=SpendingData(D("5.00"), "started")
    )
    before = actuals(ratified)
    text = (
        "maatregel;schooljaar;bedrag;status;fte\n"
        "1;2025-2026;100,00;gestart;\n"  # fine
        "9;;100,00;;\n"  # no such measure
        "\n"  # blank rows are skipped
        "2;2025-2026;veel;;\n"  # not a number
        "3;2025-2026;-5,00;onbekend;\n"  # negative and unknown status
        "1;2026-2027;1,00;;\n"  # measure 1 runs in 2025-2026 only
        "2;2025-2026;1,00;;abc\n"  # fte not a number
        ";;1,00;;\n"  # no measure
        "4;2025;1,0015;;\n"  # fractions of cents
    )
    with pytest.raises(SpendingImportError) as caught:
        spending_import(process=ratified, file=csv_file(text), actor=director)
    errors = {error.row_number: error.reason for error in caught.value.errors}
    assert sorted(errors) == [3, 5, 6, 7, 8, 9, 10]
    assert "no measure “9”" in errors[3]
    assert "“veel” is not a number" in errors[5]
    assert "Unknown status “onbekend”" in errors[6]
    assert "does not run in 2026-2027" in errors[7]
    assert "“abc” is not a number" in errors[8]
    assert "measure number is missing" in errors[9]
    assert "two decimals" in errors[10]
    assert caught.value.message == "Nothing was imported: 7 rows have errors."
    assert str(caught.value.errors[0]).startswith("Row 3: ")
    assert actuals(ratified) == before
    assert not Decision.objects.filter(action=IMPORTED).exists()


def test_conflicting_status_for_the_same_measure(ratified, director):
    text = "maatregel;bedrag;status\n1;1;gestart\n1;2;afgerond\n"
    with pytest.raises(SpendingImportError) as caught:
        spending_import(process=ratified, file=csv_file(text), actor=director)
    assert [e.row_number for e in caught.value.errors] == [3]
    assert not MeasureSpending.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"maatregel;status\n1;gestart\n", "Column missing: actual"),
        (b"maatregel;bedrag;amount\n1;1;1\n", "all mean actual"),
        (b"maatregel;bedrag\n\n\n", "contains no spending"),
        (b"PK\x03\x04 not a workbook", "Excel workbook"),
    ],
)
def test_file_errors(ratified, director, content, message):
    with pytest.raises(SpendingImportError) as caught:
        spending_import(process=ratified, file=SimpleUploadedFile("f.csv", content), actor=director)
    assert caught.value.errors[0].row_number is None
    assert message in caught.value.errors[0].reason
    assert caught.value.message == "Nothing was imported: the file cannot be used."
    assert not MeasureSpending.objects.exists()


def test_cp1252_file(ratified, director):
    text = "Maatregel;Bedrag;Toelichting\n1;12,50;Conciërge\n"
    file = SimpleUploadedFile("export.csv", text.encode("cp1252"))
    spending_import(process=ratified, file=file, actor=director)
    assert MeasureSpending.objects.get().note == "Conciërge"


def test_dry_run_writes_nothing(ratified, director):
    result = spending_import(
        process=ratified, file=csv_file("maatregel;bedrag\n1;5\n"), actor=director, dry_run=True
    )
    assert result.dry_run and result.measures == 1
    assert not MeasureSpending.objects.exists()


def test_only_the_director_imports(ratified, pmr):
    with pytest.raises(PermissionDenied):
        spending_import(process=ratified, file=csv_file("maatregel;bedrag\n1;5\n"), actor=pmr)
    assert not MeasureSpending.objects.exists()


def test_rows_that_together_or_alone_exceed_what_can_be_recorded_are_refused(ratified, director):
    huge = "1" + "0" * 30  # "1e30" is no number a person types (issue 15, item 5)
    text = "maatregel;bedrag\n" + "1;9999999999\n" * 2 + f"2;{huge}\nM²;10\n3;Infinity\n"
    with pytest.raises(SpendingImportError) as caught:
        spending_import(process=ratified, file=csv_file(text), actor=director)
    errors = {error.row_number: error.reason for error in caught.value.errors}
    assert "more than can be recorded" in errors[3]
    assert "too large" in errors[4]
    assert "no measure “M²”" in errors[5]
    assert 6 in errors
    assert not MeasureSpending.objects.exists()


# --- issue 15, item 5: the one number parser ---------------------------------------------------


def test_item5_a_comma_before_three_digits_is_refused_not_read_as_thousands(ratified, director):
    # "1,500" was 1500 here but 1,5 in the amount form: now it is refused everywhere.
    text = "maatregel;bedrag;fte\n1;1,500;\n2;1.500;1,000\n"
    with pytest.raises(SpendingImportError) as caught:
        spending_import(process=ratified, file=csv_file(text), actor=director)
    assert [(e.row_number, e.reason) for e in caught.value.errors] == [
        (2, "“1,500” can mean 1500 or 1.5. Type 1500 or 1.5.")
    ]


def test_item5_a_dot_groups_thousands_and_the_fte_range_settles_a_comma(ratified, director):
    text = "maatregel;bedrag;fte\n2;1.500;1,000\n"
    spending_import(process=ratified, file=csv_file(text), actor=director)
    assert actuals(ratified) == {(2, 2025): (D("1500.00"), "started", D("1.00"))}
