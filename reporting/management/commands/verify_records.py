"""``manage.py verify_records``: recompute every frozen hash and the money sums; exit 1 when
anything differs (reporting/verification.py). Part of the backup and restore drill
(docs/deployment.md)."""

from django.core.management.base import BaseCommand, CommandError

from reporting.verification import CHECKED, verify_records


class Command(BaseCommand):
    help = (
        "Recompute the frozen hashes (agreements, school plan versions, ratification records, "
        "task-policy decisions) and the money sums (board allocations, budget splits); list "
        "each difference and exit with status 1 when there is any."
    )

    def handle(self, *args, **options):
        result = verify_records()
        for difference in result.differences:
            self.stdout.write(str(difference))
        checked = ", ".join(f"{result.checked[name]} {name}" for name in CHECKED)
        self.stdout.write(f"Checked {checked}.")
        if result.differences:
            count = len(result.differences)
            raise CommandError(
                f"{count} difference{'s' if count != 1 else ''} found.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS("No differences."))
