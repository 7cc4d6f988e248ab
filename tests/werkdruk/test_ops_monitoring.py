"""Issue 19, item 3: errors reach someone, without codes or personal data.

Sentry (when SENTRY_DSN is set) gets events scrubbed with the log filter's rules plus e-mail
addresses, and no request body, cookies, user or local variables; production logs one JSON
object a line through the same redacting handler; a failed Celery task is logged with its
name, id and (redacted) arguments.
"""

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

from celery import shared_task

from tests.werkdruk.test_deploy_checks import run_production
from tests.werkdruk.test_log_redaction import console_output
from voting.services.common import TOKEN_GROUPS, new_code
from werkdruk.logging import JsonFormatter, RedactVotingCodes
from werkdruk.monitoring import before_breadcrumb, before_send

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "jan.jansen@school.example.nl"


# --- Sentry -----------------------------------------------------------------------------------


def test_before_send_scrubs_codes_addresses_and_drops_bodies():
    code = new_code(TOKEN_GROUPS)
    event = {
        "message": f"ballot {code} of {ADDRESS}",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"no ballot for {code}",
                    "stacktrace": {"frames": [{"function": "cast", "vars": {"code": code}}]},
                }
            ]
        },
        "request": {
            "url": f"https://werkdruk.example.nl/vote/code/{code}/",
            "query_string": f"token=abc123&code={code}&lang=nl",
            "method": "POST",
            "data": {"password": "hunter2"},
            "cookies": {"sessionid": "secret"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {"Host": "werkdruk.example.nl", "Authorization": "Bearer x", "Cookie": "s"},
        },
        "user": {"id": 7, "email": ADDRESS, "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"message": f"GET /survey/code/{code}/"}]},
        "extra": {"celery-job": {"args": [code], "kwargs": {"to": ADDRESS}}},
    }

    scrubbed = before_send(event, {})

    text = json.dumps(scrubbed)
    for secret in (code, ADDRESS, "abc123", "hunter2", "secret", "203.0.113.9", "Bearer"):
        assert secret not in text
    assert scrubbed["message"] == "ballot … of …@…"
    assert scrubbed["exception"]["values"][0]["value"] == "no ballot for …"
    assert "vars" not in scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert scrubbed["request"]["url"] == "https://werkdruk.example.nl/vote/code/…/"
    assert scrubbed["request"]["query_string"] == "token=…&code=…&lang=nl"
    assert scrubbed["request"]["method"] == "POST"
    assert scrubbed["request"]["headers"] == {"Host": "werkdruk.example.nl"}
    assert "user" not in scrubbed
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "GET /survey/code/…/"
    assert scrubbed["extra"]["celery-job"] == {"args": ["…"], "kwargs": {"to": "…@…"}}


def test_before_breadcrumb_scrubs():
    code = new_code(TOKEN_GROUPS)
    crumb = before_breadcrumb({"message": f"/invitation/{code}/ for {ADDRESS}"}, {})
    assert crumb == {"message": "/invitation/…/ for …@…"}


def test_a_real_sentry_event_of_a_failing_request_is_scrubbed():
    """Sentry switched on with the project's own options in a process of its own; its events
    caught instead of sent (tests/werkdruk/sentry_probe.py)."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.werkdruk.sentry_probe"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    probe = json.loads(result.stdout)
    assert probe["status"] == 500
    assert probe["options"]["send_default_pii"] is False
    assert probe["options"]["max_request_body_size"] == "never"
    assert probe["options"]["include_local_variables"] is False
    assert {"django", "celery"} <= set(probe["options"]["integrations"])

    error, logged = probe["events"]
    assert error["exception"]["values"][-1]["value"] == "no ballot for … of …@…"
    assert error["request"]["url"] == "http://testserver/probe/vote/code/…/"
    assert error["request"]["query_string"] == "token=…&code=…&lang=nl"
    assert "data" not in error["request"] and "cookies" not in error["request"]
    assert "user" not in error
    crumbs = [crumb.get("message") for crumb in error["breadcrumbs"]["values"]]
    assert "looking up … for …@…" in crumbs
    assert logged["logentry"]["formatted"] == "mail to …@… failed"
    text = result.stdout
    for secret in ("ABCD-EFGH", "jan.jansen", "SECRETTOKEN", "hunter2", "secretsession"):
        assert secret not in text
    assert "secretbearer" not in text and "203.0.113" not in text


# --- production settings ----------------------------------------------------------------------

SHOW_SETTINGS = (
    "import json, sentry_sdk; from django.conf import settings; "
    "client = sentry_sdk.get_client(); "
    "print(json.dumps({'format': settings.LOGGING['handlers']['console']['formatter'], "
    "'exempt': settings.SECURE_REDIRECT_EXEMPT, 'sentry': client.is_active(), "
    "'pii': client.options.get('send_default_pii'), "
    "'environment': client.options.get('environment')}))"
)


def production_settings(tmp_path, **env):
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o700, parents=True)
    result = run_production("shell", "-c", SHOW_SETTINGS, VOTE_KEY_DIR=str(folder), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_logs_json_and_reports_to_sentry_only_with_a_dsn(tmp_path):
    shown = production_settings(tmp_path, SENTRY_DSN=None, LOG_FORMAT=None)
    assert shown["format"] == "json"
    assert shown["exempt"] == ["^health/"]
    assert shown["sentry"] is False

    shown = production_settings(
        tmp_path / "dsn",
        SENTRY_DSN="https://public@sentry.example.invalid/1",
        SENTRY_ENVIRONMENT="acceptance",
        LOG_FORMAT="plain",
    )
    assert shown["format"] == "plain"
    assert shown["sentry"] is True
    assert shown["pii"] is False
    assert shown["environment"] == "acceptance"


def test_an_unknown_log_format_refuses_to_start(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o700)
    result = run_production("check", VOTE_KEY_DIR=str(folder), LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be one of plain, json" in result.stderr


# --- JSON logs --------------------------------------------------------------------------------


def json_logger():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactVotingCodes())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.ops.json")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.INFO
    return logger, stream


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_formatter_writes_one_valid_object_a_line_with_the_code_redacted():
    code = new_code(TOKEN_GROUPS)
    logger, stream = json_logger()

    logger.info('vote at /vote/code/%s/ by "%s"\nsecond line', code, "x")
    try:
        raise ValueError(f"bad code {code}")
    except ValueError:
        logger.exception("failed for ?token=%s", code)
    logger.warning("task", extra={"task_id": "abc", "task_args": f"({code!r},)", "count": 3})

    first, second, third = lines(stream)
    assert code not in stream.getvalue()
    assert first["message"] == 'vote at /vote/code/…/ by "x"\nsecond line'
    assert first["level"] == "INFO" and first["logger"] == "tests.ops.json"
    assert first["time"].endswith("+00:00")
    assert second["message"] == "failed for ?token=…"
    assert "ValueError: bad code …" in second["exception"]
    assert third["task_id"] == "abc" and third["count"] == 3
    assert third["task_args"] == "('…',)"


def test_the_project_handler_uses_the_json_formatter_when_configured(settings):
    from django.utils.log import configure_logging

    config = json.loads(json.dumps(settings.LOGGING))
    config["handlers"]["console"]["formatter"] = "json"
    code = new_code(TOKEN_GROUPS)
    try:
        configure_logging(settings.LOGGING_CONFIG, config)
        with console_output() as output:
            logging.getLogger("django.request").warning("Not Found: /survey/code/%s/", code)
        (entry,) = [json.loads(line) for line in output.getvalue().splitlines()]
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert entry["message"] == "Not Found: /survey/code/…/"
    assert entry["logger"] == "django.request"


# --- Celery task failures ---------------------------------------------------------------------


@shared_task(name="tests.ops.failing_task")
def failing_task(code, *, school):
    raise RuntimeError(f"cannot send to {code}")


def test_a_failed_task_is_logged_with_name_id_and_redacted_arguments():
    code = new_code(TOKEN_GROUPS)
    with console_output() as output:
        result = failing_task.apply(args=[code], kwargs={"school": 12}, task_id="task-id-42")
    assert result.failed()
    logged = output.getvalue()
    assert code not in logged
    assert "Task tests.ops.failing_task [task-id-42] failed: RuntimeError: cannot send to …" in (
        logged
    )
    assert "args=('…',) kwargs={'school': 12}" in logged
    assert "Traceback" in logged


def test_the_failure_record_carries_the_task_for_json_logs(caplog):
    with caplog.at_level("ERROR", logger="werkdruk.tasks"):
        failing_task.apply(args=["x"], kwargs={"school": 1}, task_id="task-id-43")
    (record,) = [r for r in caplog.records if r.name == "werkdruk.tasks"]
    assert record.task_name == "tests.ops.failing_task"
    assert record.task_id == "task-id-43"
