"""Logging filters."""

import logging
import re

# Paths that carry a personal code: a ballot (/vote/code/) or a survey link (/survey/code/).
VOTING_CODE_PATH = re.compile(r"/(vote|survey)/code/[^/\s\"']+")


class RedactVotingCodes(logging.Filter):
    """Hide personal codes in logged paths (``/vote/code/<code>/`` -> ``/vote/code/…``, and
    the same for survey links).

    A code in a log would let whoever reads the log vote in that person's name while the vote
    is open. Django logs the path of every 4xx/5xx response (``django.request``) and the
    development server logs every request (``django.server``).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if VOTING_CODE_PATH.search(message):
            record.msg = VOTING_CODE_PATH.sub(r"/\1/code/…", message)
            record.args = ()
        return True
