"""Who an e-mail to a board's people comes from, and where replies go.

Every e-mail to the staff of a school or board is sent in the board's name: "Sender name
<DEFAULT_FROM_EMAIL>" (the address stays the site's own, so the mail passes SPF and DKIM), and
replies go to the board's reply-to address when it set one.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage


def mail_from_and_reply_to(board) -> tuple[str, list[str]]:
    """(from_email, reply_to list) for an e-mail on behalf of ``board`` (None: the site's own)."""
    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if board is None:
        return settings.DEFAULT_FROM_EMAIL, []
    name = (board.sender_name or "").strip() or default_name
    from_email = formataddr((name, address)) if name else address
    return from_email, [board.reply_to] if board.reply_to else []


def board_email(board, subject, body, to, *, connection=None) -> EmailMessage:
    """An EmailMessage from ``board`` (sender name and reply-to), not yet sent."""
    from_email, reply_to = mail_from_and_reply_to(board)
    return EmailMessage(
        subject, body, from_email, list(to), reply_to=reply_to, connection=connection
    )


def board_send_mail(board, subject, body, to, *, connection=None) -> int:
    """``send_mail`` in the name of ``board``: what the e-mail sites call."""
    return board_email(board, subject, body, to, connection=connection).send()
