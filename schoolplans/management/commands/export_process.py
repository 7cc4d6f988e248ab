"""``manage.py export_process --school BRIN --year 2025-2026 --out FILE.json``: the archive of
one process (schoolplans.selectors.archive; the format is described in docs/archive-format.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from schoolplans.selectors.archive import archive_json, archive_process_find
from werkdruk.exceptions import DomainError


class Command(BaseCommand):
    help = "Write the whole record of one school's process for one school year as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="BRIN code of the school, e.g. 12AB")
        parser.add_argument("--year", required=True, help="school year, e.g. 2025-2026")
        parser.add_argument("--out", default="-", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            process = archive_process_find(brin=options["school"], year=options["year"])
        except DomainError as error:
            raise CommandError(error.message) from None
        text = archive_json(process)
        out = options["out"]
        if out == "-":
            self.stdout.write(text, ending="")
            return
        try:
            with open(out, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": out, "error": error.strerror}
            ) from None
        self.stderr.write(
            _("Archive of %(process)s written to %(path)s.") % {"process": process, "path": out}
        )
