"""Logging: keep personal codes out of every log line."""

import logging
import re

# Paths that carry a personal code: a ballot (/vote/code/) or a survey link (/survey/code/).
VOTING_CODE_PATH = re.compile(r"/(vote|survey)/code/[^/?#\s\"'<>]+", re.IGNORECASE)
# The link of an invitation to a role (organisation): /invitation/<token>/.
INVITATION_PATH = re.compile(r"/invitation/[^/?#\s\"'<>]+", re.IGNORECASE)
# A code typed into a form that ended up in a query string (?code=..., ?token=...), and what an
# OpenID Connect provider sends back to the sign-in callback (?code=...&state=..., and the
# tokens of an implicit or fragment response).
CODE_PARAMETER = re.compile(
    r"([?&;#](?:code|token|state|session_state|id_token|access_token|refresh_token)=)"
    r"[^&;#\s\"'<>]+",
    re.IGNORECASE,
)
# A code on its own (voting.services.common.new_code: groups of four, in exception messages
# or arguments): four or more groups, so receipts (four) and personal codes (five) both go.
PERSONAL_CODE = re.compile(
    r"(?<![0-9A-Z])[2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3,}(?![0-9A-Z])", re.IGNORECASE
)


def redact_codes(text: str) -> str:
    """``text`` with every personal code replaced by an ellipsis."""
    text = VOTING_CODE_PATH.sub(r"/\1/code/…", text)
    text = INVITATION_PATH.sub("/invitation/…", text)
    text = CODE_PARAMETER.sub(r"\1…", text)
    return PERSONAL_CODE.sub("…", text)


class RedactVotingCodes(logging.Filter):
    """Hide personal codes in a record before any handler writes it: in the message and its
    arguments, in the exception's traceback text and in the stack.

    A code in a log would let whoever reads the log vote or answer in that person's name
    while the vote or survey is open. Django logs the path of every 4xx/5xx response
    (``django.request``, ``django.security.*``) and the development server every request
    (``django.server``). The filter sits on the handlers, not on loggers: a record reaches a
    handler whichever logger it came from, while a logger's filter does not see records
    propagated from other loggers. The record is changed in place, so every later handler
    gets the redacted version too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call; logging reports it when formatting
            message = None
        if message is not None:
            redacted = redact_codes(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse a record's cached traceback text: fill it in, redacted.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_codes(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_codes(record.stack_info)
        return True
