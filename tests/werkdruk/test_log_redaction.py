"""Issue 14, item 5: no log line holds a personal voting or survey code.

A code in a log lets whoever reads the log vote or answer in that person's name. The
redaction sits on every handler the project configures, so a logger that has no filter of its
own (``django.security.csrf``, a Celery task's) cannot bypass it. These tests read what the
real handler writes, not caplog: caplog's handler is pytest's own and has no filters.
"""

import io
import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from voting.services.common import TOKEN_GROUPS, new_code
from werkdruk.logging import RedactVotingCodes

ROOT = Path(__file__).resolve().parents[2]


def project_handlers():
    """Every handler on every logger, except pytest's own capturing ones."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue
            yield logger.name, handler


@contextmanager
def console_output():
    """What the project's console handler writes while the block runs."""
    handlers = [h for _, h in project_handlers() if type(h) is logging.StreamHandler]
    assert handlers, "the project configures a console handler on the root logger"
    buffer = io.StringIO()
    previous = [handler.setStream(buffer) for handler in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


def test_item5_every_configured_handler_redacts():
    handlers = [
        (name, handler)
        for name, handler in project_handlers()
        if not isinstance(handler, logging.NullHandler)
    ]
    assert handlers
    for name, handler in handlers:
        assert any(isinstance(f, RedactVotingCodes) for f in handler.filters), (name, handler)


@pytest.mark.parametrize("prefix", ["/vote/code/", "/survey/code/"])
def test_item5_a_post_without_csrf_cookie_logs_no_code(db, prefix):
    code = new_code(TOKEN_GROUPS)
    path = f"{prefix}{code}/"
    assert path in (
        reverse("voting:ballot-token", args=[code]),
        reverse("surveys:answer-token", args=[code]),
    )

    with console_output() as output:
        response = Client(enforce_csrf_checks=True).post(path, {"stage": "cast"})

    assert response.status_code == 403
    logged = output.getvalue()
    assert "Forbidden (CSRF cookie not set.)" in logged  # django.security.csrf
    assert f"{prefix}…" in logged
    assert code not in logged


def test_item5_codes_in_query_strings_referers_arguments_and_tracebacks_are_redacted():
    code = new_code(TOKEN_GROUPS)
    logger = logging.getLogger("werkdruk.tests.redaction")
    with console_output() as output:
        logger.warning('"GET /vote/?code=%s&next=/ HTTP/1.1" 200', code)
        logger.warning("Referer: https://werkdruk.example.nl/survey/code/%s/", code.lower())
        logger.warning("Token %s refused", code)
        try:
            raise ValueError(f"no voter for {code}")
        except ValueError:
            logger.exception("Casting failed")
        logger.warning("Stack", stack_info=True)

    logged = output.getvalue()
    assert code not in logged
    assert code.lower() not in logged
    assert "/vote/?code=…&next=/" in logged
    assert "/survey/code/…/" in logged
    assert "ValueError: no voter for …" in logged
    assert "Casting failed" in logged


def test_item5_the_worker_uses_the_projects_redacting_logging():
    # What `celery -A werkdruk worker` (and beat) does at start: set up its logging. By
    # default Celery replaces the root logger's handlers with its own, unfiltered ones.
    code = new_code(TOKEN_GROUPS)
    script = (
        "import logging\n"
        "from werkdruk.celery import app\n"
        "app.log.setup(loglevel='INFO', redirect_stdouts=True)\n"
        f"logging.getLogger('celery.app.trace').error('Task failed: /vote/code/{code}/')\n"
        f"logging.getLogger('voting.tasks').warning('token {code}')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "werkdruk.settings.test"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    logged = result.stdout + result.stderr
    assert "Task failed: /vote/code/…/" in logged
    assert "token …" in logged
    assert code not in logged


def test_item5_redis_adds_no_unfiltered_handler_of_its_own():
    """redis-py gives its "push_response" logger a plain console handler unless the logger
    already exists; the project configures it, so its records go through the redacting one."""
    from redis import utils

    utils._set_info_logger()
    assert logging.getLogger("push_response").handlers == []
    test_item5_every_configured_handler_redacts()
