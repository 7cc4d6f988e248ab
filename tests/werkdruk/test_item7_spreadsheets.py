"""Issue 14, item 7: werkdruk.spreadsheets, the one helper every CSV/XLSX writer uses."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from werkdruk.spreadsheets import dutch_csv, neutralise_formula, restore_formula_text


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://evil.example","Klik")',
        "+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_item7_text_that_starts_a_formula_gets_an_apostrophe(text):
    assert neutralise_formula(text) == "'" + text
    assert restore_formula_text(neutralise_formula(text)) == text


@pytest.mark.parametrize(
    "value",
    ["Ans de Vries", "", "'=al tekst", "1 + 1 = 2", Decimal("-12.50"), -3, 0.5, None, True],
)
def test_item7_other_values_stay_as_they_are(value):
    assert neutralise_formula(value) == value


def test_item7_restoring_leaves_ordinary_apostrophes_alone():
    assert restore_formula_text("'t Hooghe Landt") == "'t Hooghe Landt"


def test_item7_dutch_csv_neutralises_text_and_keeps_negative_amounts_numbers():
    content = dutch_csv(
        [
            ("titel", "bedrag", "datum", "leeg"),
            ("-2+3", Decimal("-12.50"), datetime.date(2025, 8, 1), None),
        ]
    )

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["titel", "bedrag", "datum", "leeg"], ["'-2+3", "-12,50", "2025-08-01", ""]]
