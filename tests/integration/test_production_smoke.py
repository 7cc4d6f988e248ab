"""Issue 19, item 4: the production configuration, started as a board's IT would start it.

``werkdruk.settings.production`` with nothing but environment variables, as separate processes:
two gunicorn instances on two ports (no proxy in front), two Celery workers (each with a
``MEDIA_ROOT`` of its own, which must stay empty: only the S3 bucket is shared), one Celery beat,
on the PostgreSQL and Redis of bin/run-integration-tests; a real SMTP server (aiosmtpd) and an
S3 endpoint (moto's server mode) on local ports. A browser (Debian's Chromium) then:

1. signs the PMR in on instance A with the code that arrived by SMTP;
2. has the PMR prepare and open the staff vote in the UI, and a teacher vote through the
   personal link that arrived by SMTP, on instance B (the link's ``SITE_URL``);
3. has the board administrator start the board's annual report on instance A; a worker writes
   it into the bucket, and the browser downloads it from instance B.

HTTPS: production keeps ``SECURE_SSL_REDIRECT``, secure cookies and HSTS on. Like the TLS proxy
of a real deployment, the browser sends ``X-Forwarded-Proto: https`` with every request (the
header production trusts, ``SECURE_PROXY_SSL_HEADER``), and ``CSRF_TRUSTED_ORIGINS`` names the
two plain-HTTP origins the browser really uses; Chromium keeps secure cookies for 127.0.0.1.

The stack is module-scoped (``production_stack``); the second test reuses it:

4. the PMR sends the baseline survey to a school of some 400 staff on instance A (the web
   process writes the outbox rows); while both workers send their batches to a slowish mail
   server, worker 1 is SIGKILLed with its pool. Worker 2 and beat's outbox sweep (after the
   dead worker's lease, ``OUTBOX_LEASE_SECONDS`` = 15 s here) send the rest: every staff member
   gets the invitation, none twice but the one message the killed worker had in flight.

Worker 1 stays dead afterwards: that test comes last (the ``stack`` fixture fails any test that
finds a process gone). Every process dies with pytest (PR_SET_PDEATHSIG) and is stopped at the
end; a failing test shows each process's log.

Docs: docs/deployment.md describes what this test runs.
"""

import asyncio
import contextlib
import email
import email.policy
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import factory
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from plans.demo import demo_load
from processes import agreement, services
from reporting.models import ReportJob
from schoolplans.demo import demo_ratified
from surveys.services.rounds import INVITATION_CAUSE
from tests.factories import StaffMemberFactory
from tests.integration.conftest import ROOT, _die_with_parent, _test_database_url
from tests.plugins.xdist_redis import redis_db_after
from tests.seeds import reference_data_seed
from units.models import StaffMember
from voting.models import Participation, Vote
from werkdruk.models import OutboxMessage

# Playwright's sync API keeps an event loop in this thread (see tests/e2e/conftest.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The first test also waits for the test database and five processes to start; on a loaded
# two-core machine that alone can take two minutes.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(360),
]

CHROMIUM = os.environ.get("WERKDRUK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT = 60  # seconds, for each process to answer
MAIL_TIMEOUT = 30
JOB_TIMEOUT = 60
BUCKET = "werkdruk-files"
REGION = "eu-central-1"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "smoke", "AWS_SECRET_ACCESS_KEY": "smoke-secret"}
# The smoke stack's own Redis databases, beyond the 32 that the xdist workers' own Celery
# workers use (tests/plugins/xdist_redis.py): the session's test-settings worker must not take
# its tasks.
REDIS_OFFSET = 32
ARTIFACTS = ROOT / "var" / "e2e"
OUTBOX_LEASE = 15  # seconds
OUTBOX_BATCH = 25  # messages per send task: a few hundred staff make a dozen batches

PMR = "pmr@demo.werkdruk.nl"
TEACHER = "docent@demo.werkdruk.nl"
BOARD_ADMIN = "bestuur@demo.werkdruk.nl"
BALLOT_LINK = re.compile(r"https?://\S+/vote/code/[A-Z0-9-]+/")
# allauth's codes, e.g. "K7PX-3MQA", alone on a line (tests/e2e/test_login_by_code.py).
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", re.MULTILINE)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the SMTP server ----------------------------------------------------------------------------


class Inbox:
    """What aiosmtpd received: one parsed message per recipient."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.delay = 0.0  # seconds per message: a slowish mail server (the kill test)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append((recipient.lower(), message))
        return "250 Message accepted for delivery"

    def for_(self, recipient) -> list:
        with self.lock:
            return [m for to, m in self.messages if to == recipient]

    def wait_for(self, recipient, *, count=1, timeout=MAIL_TIMEOUT, stack=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.for_(recipient)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        logs = stack.logs() if stack else ""
        pytest.fail(f"no {count} e-mail(s) for {recipient} within {timeout} s\n{logs}")


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


# --- the processes ------------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self, limit=4000) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- {self.name} (exit {self.popen.poll()}) ---\n{text[-limit:]}"

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self):
        if self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def kill(self):
        """SIGKILL, as the kernel's OOM killer or a pulled plug would."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()


@dataclass
class Stack:
    env: dict
    tmp: Path
    inbox: Inbox
    s3_endpoint: str
    processes: dict = field(default_factory=dict)
    pages: list = field(default_factory=list)
    web_a: str = ""
    web_b: str = ""

    def start(self, name, command, *, env=None, new_session=False):
        """``new_session``: the process leads a process group of its own (a worker and its
        pool, which the kill test kills together)."""
        log_path = self.tmp / f"{name}.log"
        with open(log_path, "wb") as log:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                start_new_session=new_session,
            )
        process = Process(name, popen, log_path)
        self.processes[name] = process
        return process

    def logs(self) -> str:
        return "\n".join(p.log() for p in self.processes.values())

    def fail(self, message):
        pytest.fail(f"{message}\n{self.logs()}")

    def wait_until(self, process, ready, what):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not process.alive():
                self.fail(f"{process.name} exited while starting")
            if ready():
                return
            time.sleep(0.2)
        self.fail(f"{process.name}: {what} not within {START_TIMEOUT} s")

    def media_files(self) -> list[Path]:
        return [p for p in (self.tmp / "media").rglob("*") if p.is_file()]

    def bucket(self):
        return boto3.client(
            "s3", endpoint_url=self.s3_endpoint, region_name=REGION, **_boto_credentials()
        )


def _boto_credentials() -> dict:
    return {
        "aws_access_key_id": S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


def http_ok(url) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test URL
            return response.status == 200
    except OSError:
        return False


def production_environment(*, tmp, smtp_port, s3_endpoint, site_url, web_origins) -> dict:
    """What a board's IT sets for every process (docs/deployment.md), here on local servers."""
    vote_keys = tmp / "vote-keys"
    vote_keys.mkdir(mode=0o700)
    broker = redis_db_after(os.environ["CELERY_BROKER_URL"], REDIS_OFFSET)
    environment = {
        name: value
        for name, value in os.environ.items()
        # Nothing of the test run's own configuration leaks into production.
        if not name.startswith(("DJANGO_", "CELERY_", "EMAIL_", "DB_", "PYTEST_", "AWS_"))
        and name not in ("DATABASE_URL", "VOTE_KEY_DIR", "SECRET_KEY", "SITE_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="werkdruk.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=",".join(web_origins),
        SITE_URL=site_url,
        DATABASE_URL=_test_database_url(),
        DB_CONN_MAX_AGE="0",  # nothing left open when pytest drops the test database
        CELERY_BROKER_URL=broker,
        CELERY_RESULT_BACKEND=redis_db_after(broker, 1),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DEFAULT_FROM_EMAIL="Werkdruk <werkdruk@smoke.example.nl>",
        VOTE_KEY_DIR=str(vote_keys),
        STATIC_ROOT=str(tmp / "static"),
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_S3_ADDRESSING_STYLE="path",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        # A dead worker's rows are sent again after their lease: short here, so that the kill
        # test waits seconds, not minutes; still well above a batch's sending time.
        OUTBOX_LEASE_SECONDS=str(OUTBOX_LEASE),
        OUTBOX_BATCH_SIZE=str(OUTBOX_BATCH),
        **S3_CREDENTIALS,
    )
    return environment


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def production_stack(django_db_setup, tmp_path_factory):
    """Everything of a production installation but PostgreSQL and Redis (the runner's)."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    moto_server = pytest.importorskip("moto.server")
    tmp = tmp_path_factory.mktemp("production")

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every SMTP command
    inbox = Inbox()
    smtp = controller_module.Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    s3 = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    s3.start()
    host, port = s3.get_host_and_port()
    s3_endpoint = f"http://{host}:{port}"

    ports = {"web-a": free_port(), "web-b": free_port()}
    origins = [f"http://127.0.0.1:{p}" for p in ports.values()]
    stack = Stack(
        env=production_environment(
            tmp=tmp,
            smtp_port=smtp.port,
            s3_endpoint=s3_endpoint,
            site_url=origins[1],  # the links in e-mails lead to instance B
            web_origins=origins,
        ),
        tmp=tmp,
        inbox=inbox,
        s3_endpoint=s3_endpoint,
        web_a=origins[0],
        web_b=origins[1],
    )
    stack.bucket().create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    try:
        celery = [sys.executable, "-m", "celery", "-A", "werkdruk"]
        starting = []
        for name in ("worker-1", "worker-2"):
            media = tmp / "media" / name
            media.mkdir(parents=True)
            worker = stack.start(
                name,
                [
                    *celery,
                    *("worker", "-n", f"{name}@smoke", "--concurrency", "1"),
                    *("--without-gossip", "--without-mingle"),
                ],
                env={"MEDIA_ROOT": str(media)},
                new_session=True,
            )
            starting.append((worker, lambda w=worker: " ready." in w.log_path.read_text()))
        beat = stack.start(
            "beat",
            [
                *celery,
                *("beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"),
                *("--pidfile", str(tmp / "beat.pid")),
            ],
        )
        starting.append((beat, lambda: "beat: Starting" in beat.log_path.read_text()))
        # The release step's part this installation needs (pytest-django ran the migrations),
        # while the workers start: gunicorn's WhiteNoise reads STATIC_ROOT when it boots.
        collect = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        assert collect.returncode == 0, collect.stdout + collect.stderr

        for name, port in ports.items():
            media = tmp / "media" / name
            media.mkdir(parents=True)
            web = stack.start(
                name,
                [
                    *(sys.executable, "-m", "gunicorn", "werkdruk.wsgi"),
                    *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"),
                ],
                env={"MEDIA_ROOT": str(media)},
            )
            starting.append((web, lambda p=port: http_ok(f"http://127.0.0.1:{p}/health/live/")))
        for process, ready in starting:
            stack.wait_until(process, ready, "ready")
        yield stack
    finally:
        for process in stack.processes.values():  # all at once: each finishes its warm shutdown
            if process.alive():
                process.popen.terminate()
        for process in stack.processes.values():
            process.stop()
        s3.stop()
        smtp.stop()


@pytest.fixture
def stack(production_stack, browser, request):
    """The module's stack, checked alive before the test. When the test fails, its report
    shows every process's log, and var/e2e/ keeps a screenshot of each open page."""
    for process in production_stack.processes.values():
        if not process.alive():
            production_stack.fail(f"{process.name} is no longer running")
    yield production_stack
    production_stack.pages.clear()


@contextlib.contextmanager
def logs_on_failure(request, stack):
    """Around a test's body: on failure the processes' logs and screenshots go with it."""
    try:
        yield
    except BaseException:
        request.node.add_report_section("call", "production stack logs", stack.logs())
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(stack.pages):
            with contextlib.suppress(Exception):
                path = ARTIFACTS / f"{request.node.name}-{number}.png"
                page.screenshot(path=str(path), full_page=True)
        raise
    finally:
        for page in stack.pages:
            with contextlib.suppress(Exception):
                page.context.close()


def new_page(stack, browser, base_url):
    """A browser as behind the TLS proxy: every request says it came in over HTTPS."""
    context = browser.new_context(
        base_url=base_url, locale="nl-NL", extra_http_headers={"X-Forwarded-Proto": "https"}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    stack.pages.append(page)
    return page


def sign_in_by_code(stack, page, email_address) -> str:
    """Sign in with the one-time code that arrived by SMTP; the code."""
    already = len(stack.inbox.for_(email_address))
    page.goto("/accounts/login/code/")
    page.locator('input[name="email"]').fill(email_address)
    page.locator('input[name="email"]').press("Enter")
    page.wait_for_url("**/accounts/login/code/confirm/")
    message = stack.inbox.wait_for(email_address, count=already + 1, stack=stack)[-1]
    codes = [c for c in CODE_LINE.findall(body_text(message)) if len(c.replace("-", "")) >= 6]
    assert len(codes) == 1, "one sign-in code in the e-mail"
    page.locator('input[name="code"]').fill(codes[0])
    page.locator('input[name="code"]').press("Enter")
    page.wait_for_url(f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}/")
    return codes[0]


# --- the journey --------------------------------------------------------------------------------


def test_sign_in_vote_and_board_report_across_two_web_instances(stack, browser, request):
    with logs_on_failure(request, stack):
        journey(stack, browser)


def health(base_url) -> dict:
    """/health/'s checks, asked in plain HTTP as a load balancer asks (exempt from the redirect)."""
    try:
        response = urllib.request.urlopen(f"{base_url}/health/", timeout=10)  # noqa: S310
    except urllib.error.HTTPError as error:  # 503: a check failed; the body says which
        response = error
    with response:
        return json.loads(response.read())["checks"]


def journey(stack, browser):
    # Both instances reach the database, the broker and the bucket (beat's check needs a
    # minute of beat and a worker: tests/integration/test_health.py covers it).
    for base_url in (stack.web_a, stack.web_b):
        checks = health(base_url)
        for name in ("database", "broker", "storage"):
            assert checks[name]["ok"], (base_url, name, checks[name])

    reference_data_seed()
    demo = demo_load()
    process = demo["process"]
    pmr = get_user_model().objects.get(email=PMR)
    services.step_sign_off(step=process.steps.get(number=3), actor=pmr)
    agreement.agreement_freeze(process=process, actor=pmr)
    ratified = demo_ratified(demo)
    board, year = ratified.school.board, ratified.school_year.start_year

    # 1. The PMR signs in on instance A with the code that arrived by SMTP.
    page = new_page(stack, browser, stack.web_a)
    code = sign_in_by_code(stack, page, PMR)

    # 2. ... prepares the vote with the form's defaults and opens it.
    page.goto(reverse("voting:vote-create", args=[process.pk]))
    page.locator('form[data-testid="vote-form"] button[type=submit]').click()
    page.wait_for_url(f"**{reverse('voting:vote-manage', args=[process.pk])}")
    vote = Vote.objects.get(process=process)
    page.locator(f'form[action="{reverse("voting:vote-open", args=[vote.pk])}"] button').click()
    page.wait_for_url(f"**{reverse('voting:vote-manage', args=[process.pk])}")
    vote.refresh_from_db()
    assert vote.state == Vote.State.OPEN

    # A worker e-mails the invitations; the teacher's link leads to instance B.
    (invitation,) = stack.inbox.wait_for(TEACHER, stack=stack)
    ballot_link = BALLOT_LINK.search(body_text(invitation)).group(0)
    assert ballot_link.startswith(f"{stack.web_b}/vote/code/")
    teacher = new_page(stack, browser, stack.web_b)
    teacher.goto(ballot_link)
    assert teacher.locator('[data-testid="agreement-hash"]').inner_text() == (
        vote.agreement.content_hash
    )
    teacher.locator('input[name="choice"][value="yes"]').check()
    teacher.locator("form#ballot button[type=submit]").click()
    teacher.locator('[data-testid="review-choice"]').wait_for()
    teacher.locator('button[name="stage"][value="cast"]').click()
    receipt = teacher.locator('[data-testid="receipt"]').inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", receipt), receipt
    assert urlsplit(teacher.url).netloc == urlsplit(stack.web_b).netloc
    assert Participation.objects.get(voter__vote=vote).voter.staff_member.email == TEACHER
    teacher.context.close()
    page.context.close()

    # 3. The board administrator starts the annual report on instance A ...
    admin = new_page(stack, browser, stack.web_a)
    sign_in_by_code(stack, admin, BOARD_ADMIN)
    report_url = reverse("reporting:board-report", args=[board.pk, year])
    admin.goto(report_url)
    admin.locator('[data-testid="start-job"] input[value="pdf"]').check()
    admin.locator('[data-testid="start-job"] button[type="submit"]').click()
    admin.wait_for_url(f"**{report_url}")
    job = ReportJob.objects.get(board=board)

    # ... a worker writes it into the bucket ...
    deadline = time.monotonic() + JOB_TIMEOUT
    while job.state not in (ReportJob.State.DONE, ReportJob.State.FAILED):
        if time.monotonic() > deadline:
            stack.fail(f"report job still {job.state} after {JOB_TIMEOUT} s")
        time.sleep(0.5)
        job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, stack.logs()
    stored = stack.bucket().get_object(Bucket=BUCKET, Key=job.file.name)["Body"].read()
    assert stored.startswith(b"%PDF")
    assert stack.media_files() == [], "no process keeps a file of its own: only the bucket"

    # ... and the same browser (the session lives in the database) downloads it from B.
    admin.goto(f"{stack.web_b}{report_url}")
    download_url = reverse("reporting:job-download", args=[board.pk, job.pk])
    link = admin.locator(f'#report-jobs tr[data-job="{job.pk}"] a[href="{download_url}"]')
    with admin.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert urlsplit(download.url).netloc == urlsplit(stack.web_b).netloc
    assert download.suggested_filename == job.filename
    assert Path(download.path()).read_bytes() == stored
    admin.context.close()

    # Nothing of the journey was mailed twice, and nothing reached the logs that must not.
    assert len(stack.inbox.for_(TEACHER)) == 1
    logs = "\n".join(p.log_path.read_text(errors="replace") for p in stack.processes.values())
    assert code not in logs and urlsplit(ballot_link).path not in logs
    assert [p.name for p in stack.processes.values() if not p.alive()] == []
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


# --- a worker killed mid-mailing ----------------------------------------------------------------

STAFF = 300  # a big school's whole staff, on top of the demo school's own
SMTP_DELAY = 0.05  # seconds per message: the batch takes long enough to be killed in
SEND_TIMEOUT = 150  # seconds: the sweep runs once a minute, after the dead worker's lease


def test_a_worker_killed_mid_mailing_loses_no_invitation(stack, browser, request):
    with logs_on_failure(request, stack):
        try:
            killed_mid_mailing(stack, browser)
        finally:
            stack.inbox.delay = 0.0


def _sending_by_claim() -> Counter:
    """How many rows each live claim (one worker's batch) still holds in state sending."""
    return Counter(
        OutboxMessage.objects.filter(state=OutboxMessage.State.SENDING).values_list(
            "claim", flat=True
        )
    )


def killed_mid_mailing(stack, browser):
    # The test database was emptied after the journey: the seeds again, with the sweep's
    # periodic task (migration werkdruk.0003), which beat picks up within seconds.
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="E-mail outbox sweep",
        defaults={
            "task": "werkdruk.tasks.outbox_sweep",
            "interval": every_minute,
            "expire_seconds": 60,
        },
    )
    reference_data_seed()
    demo = demo_load()
    process = demo["process"]
    school = process.school
    StaffMember.objects.bulk_create(
        StaffMemberFactory.build_batch(
            STAFF, school=school, email=factory.Sequence(lambda n: f"staff{n}@kill.example.org")
        )
    )
    expected = {
        email.lower()
        for email in StaffMember.objects.filter(school=school, active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    }
    assert len(expected) > STAFF

    # The PMR sends the baseline survey on instance A: the web process writes one outbox row
    # per staff member, and the two workers send them in batches to a slowish mail server.
    page = new_page(stack, browser, stack.web_a)
    sign_in_by_code(stack, page, PMR)
    before = len(stack.inbox.messages)
    stack.inbox.delay = SMTP_DELAY

    def received() -> list[str]:
        with stack.inbox.lock:
            return [to for to, _ in stack.inbox.messages[before:] if to in expected]

    manage_url = reverse("surveys:survey-manage", args=[process.pk])
    page.goto(manage_url)
    page.locator('form[data-testid="send-form"] select[name="kind"]').select_option("baseline")
    page.locator('form[data-testid="send-form"] button[type="submit"]').click()
    page.wait_for_url(f"**{manage_url}")
    rows = OutboxMessage.objects.filter(cause=INVITATION_CAUSE)
    assert sorted(rows.values_list("to", flat=True)) == sorted(expected)

    # Worker 1 is killed (with its pool, as the OOM killer or a pulled plug would) while both
    # workers are in a batch and the mail server has some of the invitations, not all.
    deadline = time.monotonic() + MAIL_TIMEOUT
    while not (len(received()) >= 2 * OUTBOX_BATCH and len(_sending_by_claim()) >= 2):
        if time.monotonic() > deadline:
            stack.fail(f"the mailing did not get under way: {len(received())} received")
        time.sleep(0.05)
    doomed = stack.processes["worker-1"]
    os.killpg(doomed.popen.pid, signal.SIGKILL)
    doomed.popen.wait(timeout=30)
    assert len(received()) < len(expected), "the kill came before the end of the mailing"

    # The killed worker's batch is the claim that no longer moves (worker 2's keeps going).
    first = _sending_by_claim()
    time.sleep(2)
    then = _sending_by_claim()
    dead = [claim for claim, count in first.items() if then.get(claim) == count]
    assert len(dead) == 1, (first, then)
    unconfirmed = set(
        rows.filter(claim=dead[0], state=OutboxMessage.State.SENDING).values_list("to", flat=True)
    )
    assert unconfirmed, "the killed worker had claimed rows it did not confirm"
    # The message in flight: the mail server has it, its row was not confirmed. At most one.
    in_flight = unconfirmed & set(received())
    assert len(in_flight) <= 1, in_flight

    # Worker 2 finishes its batches; after the lease, beat's sweep hands the dead worker's rows
    # (and any batch it had reserved) to it.
    deadline = time.monotonic() + SEND_TIMEOUT
    while rows.exclude(state=OutboxMessage.State.SENT).exists():
        if time.monotonic() > deadline:
            states = Counter(rows.values_list("state", flat=True))
            stack.fail(f"not every invitation sent after {SEND_TIMEOUT} s: {states}")
        time.sleep(0.5)
    time.sleep(SMTP_DELAY + 0.5)  # the last session's reply

    delivered = Counter(received())
    assert set(delivered) == expected, "no staff member without the invitation"
    doubled = {to for to, count in delivered.items() if count > 1}
    # Only the message in flight when the worker died may arrive twice, and then only twice.
    assert doubled <= in_flight and max(delivered.values()) <= 2, (doubled, in_flight)
    assert set(rows.values_list("state", flat=True)) == {OutboxMessage.State.SENT}
    assert set(rows.values_list("body", flat=True)) == {""}
    assert set(rows.filter(to__in=unconfirmed).values_list("claim", flat=True)).isdisjoint(dead)

    # No personal link reached a log.
    with stack.inbox.lock:
        invitation = next(m for to, m in stack.inbox.messages[before:] if to in expected)
    link = re.search(r"https?://\S+", body_text(invitation)).group(0)
    logs = "\n".join(p.log_path.read_text(errors="replace") for p in stack.processes.values())
    assert urlsplit(link).path not in logs
