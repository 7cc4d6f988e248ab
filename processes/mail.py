"""Who an e-mail to a board's people comes from, and where replies go.

Every e-mail to the staff of a school or board is sent in the board's name: "Sender name
<DEFAULT_FROM_EMAIL>" (the address stays the site's own, so the mail passes SPF and DKIM), and
replies go to the board's reply-to address when it set one. Every e-mail goes through the
outbox (``werkdruk.outbox``): nothing is sent here.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings

from werkdruk import outbox


def mail_from_and_reply_to(board) -> tuple[str, list[str]]:
    """(from_email, reply_to list) for an e-mail on behalf of ``board`` (None: the site's own)."""
    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if board is None:
        return settings.DEFAULT_FROM_EMAIL, []
    name = (board.sender_name or "").strip() or default_name
    from_email = formataddr((name, address)) if name else address
    return from_email, [board.reply_to] if board.reply_to else []


def board_message(board, subject, body, to: str, *, cause, cause_id="", attachments=()):
    """An unsaved outbox row from ``board`` to the one address ``to`` (``outbox.enqueue_many``)."""
    from_email, reply_to = mail_from_and_reply_to(board)
    return outbox.build(
        to=to,
        subject=subject,
        body=body,
        from_email=from_email,
        reply_to=reply_to,
        cause=cause,
        cause_id=cause_id,
        attachments=attachments,
    )


def board_mail(board, subject, body, to, *, cause, cause_id="", attachments=()) -> int:
    """E-mail in the name of ``board`` to the addresses ``to``: one outbox row per address,
    written in the current transaction and sent after its commit. Returns how many."""
    return len(
        outbox.enqueue_many(
            board_message(
                board,
                subject,
                body,
                address,
                cause=cause,
                cause_id=cause_id,
                attachments=attachments,
            )
            for address in to
        )
    )
