"""Start a board: ``manage.py board_create --name NAME --admin-email EMAIL [--admin-name N]``.

Creates the board and e-mails its first administrator an invitation; prints the acceptance
link as well (the only place the link appears besides the e-mail: it is not logged).
"""

from django.core.management.base import BaseCommand, CommandError

from werkdruk.exceptions import DomainError

from ...services.board import board_create
from ...services.invitations import acceptance_url


class Command(BaseCommand):
    help = "Create a board and invite its first board administrator by e-mail."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The board's name (unique).")
        parser.add_argument(
            "--admin-email", required=True, help="E-mail address of its first administrator."
        )
        parser.add_argument("--admin-name", default="", help="That person's name (optional).")

    def handle(self, *args, name, admin_email, admin_name, **options):
        try:
            board, invitation, token = board_create(
                name=name, admin_email=admin_email, admin_name=admin_name
            )
        except DomainError as error:
            raise CommandError(" ".join([error.message, *error.details])) from None
        self.stdout.write(
            f"Board {board.name} created (id {board.pk}). Invitation e-mailed to "
            f"{invitation.email}; it expires at {invitation.expires_at:%Y-%m-%d %H:%M %Z}."
        )
        self.stdout.write("Acceptance link:")
        self.stdout.write(acceptance_url(token))
