"""``manage.py annual_report --board ID --year 2025-2026 --format pdf|docx --out FILE
[--school BRIN]``: the board's annual report (or one school's), written synchronously."""

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from processes.models import Board, School, SchoolYear
from reporting.models import ReportJob
from reporting.selectors import figures
from reporting.services import render_report


class Command(BaseCommand):
    help = "Write the annual report of a board (or of one of its schools) as PDF or DOCX."

    def add_arguments(self, parser):
        parser.add_argument("--board", required=True, type=int, help="id of the board")
        parser.add_argument("--year", required=True, help="school year, e.g. 2025-2026")
        parser.add_argument("--format", required=True, choices=ReportJob.Format.values)
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--school", help="BRIN code: only this school's report")

    def handle(self, *args, **options):
        board = Board.objects.filter(pk=options["board"]).first()
        if board is None:
            raise CommandError(f"There is no board with id {options['board']}.")
        school_year = self._school_year(options["year"])
        brin = options.get("school")
        with translation.override(settings.LANGUAGE_CODE):  # the report is in the school's
            if brin:
                school = School.objects.filter(board=board, brin__iexact=brin).first()
                if school is None:
                    raise CommandError(f"The board {board} has no school with BRIN {brin}.")
                report = figures.school_report(school=school, school_year=school_year)
            else:
                report = figures.board_report(board=board, school_year=school_year)
            content, _filename = render_report(report, options["format"])
        out = options["out"]
        try:
            with open(out, "wb") as handle:
                handle.write(content)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}") from None
        self.stdout.write(out)

    @staticmethod
    def _school_year(value: str) -> SchoolYear:
        match = re.fullmatch(r"([0-9]{4})-([0-9]{4})", value.strip())
        if not match or int(match[2]) != int(match[1]) + 1:
            raise CommandError(f"Give the school year as 2025-2026, not {value!r}.")
        school_year = SchoolYear.objects.filter(start_year=int(match[1])).first()
        if school_year is None:
            raise CommandError(f"The school year {value} is not in the application.")
        return school_year
