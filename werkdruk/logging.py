"""Logging: keep personal codes out of every log line; one JSON object a line in production."""

import json
import logging
import re
from datetime import UTC, datetime

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


# An e-mail address (error reports, werkdruk.monitoring; the log lines keep them, see
# redact_personal).
EMAIL_ADDRESS = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)


def redact_codes(text: str) -> str:
    """``text`` with every personal code replaced by an ellipsis."""
    text = VOTING_CODE_PATH.sub(r"/\1/code/…", text)
    text = INVITATION_PATH.sub("/invitation/…", text)
    text = CODE_PARAMETER.sub(r"\1…", text)
    return PERSONAL_CODE.sub("…", text)


def redact_personal(text: str) -> str:
    """``text`` without personal codes (the log rules, ``redact_codes``) and e-mail addresses.

    For what leaves the machine (error reports to Sentry): a log line may name an address for
    the administrator who reads it, an error report sent to a third party may not.
    """
    return EMAIL_ADDRESS.sub("…@…", redact_codes(text))


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


# The attributes every LogRecord has; anything else on a record came with ``extra=``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line (``LOG_FORMAT=json``, the default in production), for a log
    collector: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``process``, and
    ``exception``/``stack`` when the record has them, plus the fields given with ``extra=``.

    It formats what the handler's ``RedactVotingCodes`` filter left: the message, traceback and
    stack are already redacted there. The ``extra=`` fields are not seen by the filter, so they
    are redacted here.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_codes(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        for name, value in vars(record).items():
            if name not in _RECORD_ATTRIBUTES and name not in entry and not name.startswith("_"):
                entry[name] = _json_value(value)
        return json.dumps(entry, ensure_ascii=False)


def _json_value(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact_codes(str(value))
