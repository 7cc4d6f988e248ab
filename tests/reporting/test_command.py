"""``manage.py annual_report``: the board's (or one school's) report written to a file, and
clear errors for what does not exist."""

import pytest
from django.core.management import CommandError, call_command

from tests.factories import SchoolFactory, SchoolYearFactory


def run(*args):
    call_command("annual_report", *args)


def test_the_command_writes_the_board_pdf_and_a_school_docx(ratified_demo, tmp_path, capsys):
    board = ratified_demo.school.board
    year = str(ratified_demo.school_year)
    pdf = tmp_path / "board.pdf"
    run("--board", str(board.pk), "--year", year, "--format", "pdf", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(pdf) in capsys.readouterr().out
    docx = tmp_path / "school.docx"
    brin = ratified_demo.school.brin.lower()  # the BRIN in any case
    run("--board", str(board.pk), "--year", year, "--format", "docx", "--out", str(docx))
    run(
        *("--board", str(board.pk), "--year", year, "--format", "docx"),
        *("--out", str(docx), "--school", brin),
    )
    assert docx.read_bytes().startswith(b"PK")


@pytest.mark.django_db
def test_the_command_explains_what_is_wrong(tmp_path):
    school = SchoolFactory()
    other = SchoolFactory()
    SchoolYearFactory(start_year=2025)
    out = str(tmp_path / "report.pdf")
    board = str(school.board.pk)
    cases = [
        (("--board", "999999", "--year", "2025-2026"), "There is no board with id 999999."),
        (("--board", board, "--year", "2025"), "Give the school year as 2025-2026"),
        (("--board", board, "--year", "2025-2027"), "Give the school year as 2025-2026"),
        (("--board", board, "--year", "2031-2032"), "The school year 2031-2032 is not in"),
        (
            ("--board", board, "--year", "2025-2026", "--school", other.brin),
            f"has no school with BRIN {other.brin}",
        ),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message):
            run(*args, "--format", "pdf", "--out", out)
    with pytest.raises(CommandError):
        run("--board", board, "--year", "2025-2026", "--format", "odt", "--out", out)
    assert not (tmp_path / "report.pdf").exists()
