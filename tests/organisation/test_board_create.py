"""manage.py board_create: the operator's start of a board (issue 17, item 1)."""

import contextlib
import io
import logging

import pytest
from django.core import mail
from django.core.management import CommandError, ManagementUtility, call_command

from organisation.models import Invitation, token_digest
from processes.models import Board

from .conftest import token_in

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("board_create", *args, stdout=out)
    return out.getvalue()


def test_board_create_makes_the_board_and_emails_and_prints_the_invitation_when_run(
    settings, caplog
):
    settings.SITE_URL = "https://werkdruk.example.nl"
    with caplog.at_level(logging.DEBUG):
        output = run(
            "--name",
            "Stichting Noord",
            "--admin-email",
            "Anna@Noord.example.nl",
            "--admin-name",
            "Anna de Vries",
        )
    board = Board.objects.get(name="Stichting Noord")
    invitation = Invitation.objects.get(board=board)
    assert invitation.role == Invitation.Role.BOARD_ADMIN
    assert invitation.email == "anna@noord.example.nl"
    assert invitation.name == "Anna de Vries"
    assert invitation.invited_by is None and invitation.is_open
    token = token_in(output)
    assert "https://werkdruk.example.nl/invitation/" in output
    assert len(token) >= 43  # 32 random bytes
    assert invitation.token_digest == token_digest(token)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@noord.example.nl"]
    assert token_in(message.body) == token
    assert token not in caplog.text


def test_board_create_refuses_a_duplicate_name_when_the_board_exists():
    Board.objects.create(name="Stichting Zuid")
    with pytest.raises(CommandError, match="exists already"):
        run("--name", "stichting zuid", "--admin-email", "a@zuid.example.nl")
    assert Board.objects.count() == 1
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_board_create_exits_non_zero_with_the_error_on_stderr_when_run_as_a_command():
    """The command line sees a clear message on stderr and a failing exit code."""
    Board.objects.create(name="Stichting Oost")
    err = io.StringIO()
    utility = ManagementUtility(
        ["manage.py", "board_create", "--name", "Stichting Oost", "--admin-email", "x@y.nl"]
    )
    with pytest.raises(SystemExit) as exit_info, contextlib.redirect_stderr(err):
        utility.execute()
    assert exit_info.value.code != 0
    assert "exists already" in err.getvalue()


def test_board_create_refuses_an_invalid_address_when_given():
    with pytest.raises(CommandError, match="valid e-mail"):
        run("--name", "Stichting West", "--admin-email", "not-an-address")
    assert not Board.objects.exists()
