#!/usr/bin/env python3
"""Benchmark: casting ballots over HTTP against gunicorn and PostgreSQL, next to a floor.

What it does, on this machine only (loopback), and always cleaning up after itself:

1. Starts a throwaway PostgreSQL cluster (``bin/run-integration-tests``' ``PostgresCluster``,
   but with PostgreSQL's default durability: fsync and synchronous commit on), migrates, and
   builds the data with the services: the demo school with steps 1-3 signed and the agreement
   frozen, 2,000 extra staff members, a vote with two appreciation questions opened on them
   (the roll is frozen with every active staff member), and one personal code per voter.
2. Starts gunicorn (``werkdruk.wsgi``, sync workers) on a free port with the production
   settings plus the floor's URL (``tests.benchmarks.settings``). The clients send
   ``X-Forwarded-Proto: https`` as the TLS-terminating proxy of docs/deployment.md would, so
   the SSL redirect, secure cookies and the strict HTTPS CSRF check all stay on.
3. Runs three phases, each with the same number of concurrent clients (threads) taking work
   from one queue, one new connection per request:
   - floor: POST ``/bench/floor/`` (one INSERT in one transaction, see ``urls.py``);
   - ballot page: GET ``/vote/code/<code>/`` for every code (keeps the cookies and the form's
     CSRF token);
   - cast: POST ``stage=cast`` with a random choice and random answers to the questions, the
     CSRF token and cookies, an ``Origin`` and a ``Referer``; each must answer 200 with the
     receipt (``data-testid="receipt"``) and ``Cache-Control: no-store``.
   A short warm-up on other voters' codes comes first and is not counted.
4. Checks the database: exactly one participation per measured voter, as many ballots as
   participations, as many floor rows as floor requests. Prints per phase the requests per
   second, latency percentiles, the CPU time per request of the server (gunicorn and
   PostgreSQL) and of the clients, and the share of the CPU that other processes took (a busy
   machine gives low figures); writes them as JSON with ``--json``. Exits 1 if any request
   failed or a count is off.

Without the ballot pages (the URL ``voting:ballot-token`` does not exist yet) it runs the
floor only and says so.

Usage: .venv/bin/python tests/benchmarks/vote_bench.py [--ballots 2000] [--clients 16]
       [--workers 5] [--fast-db] [--floor-only] [--json results.json]
"""

import argparse
import datetime
import http.client
import importlib.machinery
import importlib.util
import json
import logging
import math
import os
import platform
import queue
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
# Run as a script: the project root, not this folder, is where imports start.
sys.path[0] = str(ROOT)

CHOICES = ("yes", "no", "abstain")
QUESTIONS = ("The division of the hours", "The support for new colleagues")
BENCH_DOMAIN = "bench.example.org"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
REQUEST_TIMEOUT = 60  # seconds per request; every loop below is bounded by its work list


def log(message):
    print(f"[bench] {message}", flush=True)


def load_integration_runner():
    """``bin/run-integration-tests`` as a module: its free ports and throwaway PostgreSQL."""
    path = ROOT / "bin" / "run-integration-tests"
    loader = importlib.machinery.SourceFileLoader("run_integration_tests", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def postgres_cluster(runner, *, durable):
    """A throwaway cluster; ``durable`` keeps PostgreSQL's defaults (fsync, synchronous commit).

    The integration tests' cluster turns fsync off for speed; a benchmark of commits should
    not, unless asked (``--fast-db``).
    """

    class DurableCluster(runner.PostgresCluster):
        def start(self):
            options = ("-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
            self._run("initdb", *self._data, *options, stdout=subprocess.DEVNULL)
            options = f"-p {self.port} -h 127.0.0.1 -k {self.dir}"
            self.started = True
            log_file = str(self.dir / "log")
            self._run(
                "pg_ctl", *self._data, "-o", options, "-l", log_file, "-w", "-t", "60", "start",
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
            self._run("createdb", *self._address, "werkdruk")

    return DurableCluster() if durable else runner.PostgresCluster()


def bench_environment(tmp, database_url):
    """Production's environment variables, pointed at the throwaway services and folders."""
    var = tmp / "var"
    for folder in ("celery/queue", "celery/processed", "media", "static"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    return {
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "WERKDRUK_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "VOTE_KEY_DIR": str(var / "vote-keys"),
        # Nothing leaves the machine: the invitations sent at opening go nowhere, and a task
        # queued by a request (none is expected) lands in a folder of the temporary directory.
        "EMAIL_URL": "dummymail://localhost",
        "SITE_URL": "https://werkdruk.example.org",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }


# --- data --------------------------------------------------------------------------------


@dataclass
class Data:
    vote_pk: int
    codes: list  # (voter pk, code) of the measured voters
    warmup_codes: list = field(default_factory=list)
    counted_in_process: int = 0  # ballots cast by count_queries


def prepare(*, ballots, warmup, with_vote):
    """Migrate and build the vote with the services (in this process, Django set up)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from tests.benchmarks.urls import FLOOR_CREATE

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_CREATE)
    if not with_vote:
        return Data(vote_pk=0, codes=[])

    from django.contrib.auth import get_user_model

    from plans.demo import DOMAIN, demo_load
    from processes import agreement, services
    from units.models import StaffCategory, StaffMember
    from voting.models import Vote
    from voting.services.casting import voter_token_issue
    from voting.services.vote import vote_create, vote_open

    process = demo_load()["process"]
    pmr = get_user_model().objects.get(email=f"pmr@{DOMAIN}")
    services.step_sign_off(step=process.steps.get(number=3), actor=pmr)
    agreement.agreement_freeze(process=process, actor=pmr)
    StaffMember.objects.bulk_create(
        StaffMember(
            school=process.school,
            name=f"Bench Voter {i:04d}",
            email=f"voter{i:04d}@{BENCH_DOMAIN}",
            category=StaffCategory.OP if i % 4 else StaffCategory.OOP,
            fte=Decimal("0.8"),
        )
        for i in range(ballots)
    )
    now = timezone.now()
    vote = vote_create(
        process=process,
        actor=pmr,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=1),
        base=Vote.Base.VOTES_CAST,
        numerator=1,
        denominator=2,
        questions=QUESTIONS,
    )
    # Opening queues the invitations on commit; with eager tasks they are "sent" here, to the
    # dummy mail backend, before the clock starts (each issues a code we never see).
    vote_open(vote=vote, actor=pmr)
    roll = list(vote.voters.select_related("staff_member").order_by("pk"))
    measured = [v for v in roll if v.staff_member.email.endswith("@" + BENCH_DOMAIN)]
    others = [v for v in roll if not v.staff_member.email.endswith("@" + BENCH_DOMAIN)]
    if len(measured) != ballots or len(others) < warmup:
        raise RuntimeError(f"roll of {len(roll)}: {len(measured)} bench voters, need {ballots}")
    with transaction.atomic():
        codes = [(v.pk, voter_token_issue(voter=v)) for v in measured]
        warmup_codes = [(v.pk, voter_token_issue(voter=v)) for v in others[:warmup]]
    log(f"vote {vote.pk} open with {len(roll)} voters; {len(codes)} codes issued")
    return Data(vote_pk=vote.pk, codes=codes, warmup_codes=warmup_codes)


def count_queries(data, port):
    """SQL statements per request of each kind, counted in this process (Django's test client).

    Casts one ballot with the first warm-up code and opens the ballot of the second (the first
    page fills the vote's caches, the second shows what every later one costs); neither is a
    warm-up code any more.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=f"127.0.0.1:{port}", headers={"X-Forwarded-Proto": "https"})
    requests = [("floor", "post", "/bench/floor/", {"choice": "yes"})]
    if data.vote_pk:
        _, code = data.warmup_codes.pop(0)
        data.counted_in_process += 1
        path = f"/vote/code/{code}/"
        requests.append(("ballot page", "get", path, None))
        # The first page of a vote in a process fills its caches; the next ones read them.
        _, other = data.warmup_codes.pop(0)
        requests.append(("ballot page again", "get", f"/vote/code/{other}/", None))
        requests.append(("cast", "post", path, {"stage": "cast", "choice": "yes", "q1": "4"}))
    counts = {}
    for name, method, path, form in requests:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, form) if form else client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {method.upper()} {path} answered {response.status_code}")
        counts[name] = len(queries)
    return counts


def ballot_urls_exist():
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("voting:ballot-token", args=["ABCD-EFGH"])
    except NoReverseMatch:
        return False
    return True


def verify(data, *, floor_requests, ballots_cast):
    """Problems found in the database after the run (an empty list when all is well)."""
    from django.db import connection

    from tests.benchmarks.urls import FLOOR_COUNT
    from voting.models import Ballot, Participation

    problems = []
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_COUNT)
        floor_rows = cursor.fetchone()[0]
    if floor_rows != floor_requests:
        problems.append(f"{floor_rows} floor rows for {floor_requests} requests")
    if data.vote_pk:
        measured = [pk for pk, _ in data.codes]
        voted = Participation.objects.filter(voter__in=measured).count()
        participations = Participation.objects.filter(voter__vote=data.vote_pk).count()
        ballots = Ballot.objects.filter(vote=data.vote_pk).count()
        if voted != len(measured):
            problems.append(f"{voted} of {len(measured)} measured voters have a participation")
        if participations != ballots_cast or ballots != ballots_cast:
            problems.append(
                f"{participations} participations and {ballots} ballots for {ballots_cast} casts"
            )
    return problems


# --- the server ----------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, *, env, workers, log_file, port):
        self.env, self.workers, self.log_file, self.port = env, workers, log_file, port
        self.process = None

    def start(self, runner):
        command = [
            *(sys.executable, "-m", "gunicorn", "werkdruk.wsgi"),
            *("--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)),
            *("--worker-class", "sync", "--backlog", "2048"),
            *("--timeout", "60", "--graceful-timeout", "5"),
            *("--error-logfile", str(self.log_file), "--log-level", "warning"),
        ]
        with open(self.log_file, "ab") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C reaches us, and we stop it in order
            )
        runner.wait_for_port(self.port, self.process, timeout=60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/health/live/").status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("gunicorn does not answer /health/live/")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def print_log(self):
        if self.log_file.exists():
            sys.stderr.write(self.log_file.read_text(errors="replace")[-5000:])


# --- the clients -----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str
    seconds: float

    def cookies(self):
        found = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            found.update({name: morsel.value for name, morsel in jar.items()})
        return found


def request(port, method, path, *, form=None, cookies=None, headers=None):
    """One request on a new connection, timed from connecting to the last byte of the body."""
    sent = {"X-Forwarded-Proto": "https", "User-Agent": "werkdruk-bench", **(headers or {})}
    body = None
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if form is not None:
        body = urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    return Response(response.status, response.headers, text, time.perf_counter() - start)


@dataclass
class Outcome:
    ok: bool
    status: str  # the HTTP status, or the exception's name, or what was wrong with a 200
    seconds: float | None


# --- CPU accounting: what each request costs, whatever else the machine is doing ------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid):
    """(parent pid, [utime, stime, cutime, cstime]) of a process, in clock ticks."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
    return int(fields[1]), [int(ticks) for ticks in fields[11:15]]


def tree_cpu_seconds(roots):
    """CPU time of ``roots`` and all their descendants; children that ended count through
    their parent's cutime/cstime (gunicorn reaps its workers, the postmaster its backends)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _proc_stat(entry.name)) is not None:
            stats[int(entry.name)] = found
    children = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0, [pid for pid in roots if pid in stats]
    while stack:
        pid = stack.pop()
        total += sum(stats[pid][1])
        stack.extend(children.get(pid, ()))
    return total / CLOCK_TICKS


def machine_busy_seconds():
    """CPU time spent by everything on the machine (all cores), from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass
class CpuMeter:
    """The server's (gunicorn and PostgreSQL) and this client's CPU time, and the machine's."""

    roots: list

    def read(self):
        return (tree_cpu_seconds(self.roots), time.process_time(), machine_busy_seconds())


@dataclass
class Phase:
    name: str
    wall: float
    outcomes: list
    cpu: tuple = (0.0, 0.0, 0.0)  # seconds used during the phase: server, client, machine

    @property
    def ok(self):
        return sum(o.ok for o in self.outcomes)

    @property
    def failures(self):
        return Counter(o.status for o in self.outcomes if not o.ok)

    def summary(self):
        times = sorted(o.seconds for o in self.outcomes if o.ok)
        return {
            "requests": len(self.outcomes),
            "ok": self.ok,
            "failures": dict(self.failures),
            "wall_s": round(self.wall, 3),
            "per_s": round(self.ok / self.wall, 1) if self.wall else None,
            "mean_ms": round(1000 * sum(times) / len(times), 1) if times else None,
            "p50_ms": percentile_ms(times, 50),
            "p95_ms": percentile_ms(times, 95),
            "p99_ms": percentile_ms(times, 99),
            "max_ms": round(1000 * times[-1], 1) if times else None,
            **self.cpu_summary(),
        }

    def cpu_summary(self):
        server, client, machine = self.cpu
        n, capacity = len(self.outcomes) or 1, self.wall * (os.cpu_count() or 1)
        return {
            "server_cpu_ms_per_request": round(1000 * server / n, 1),
            "client_cpu_ms_per_request": round(1000 * client / n, 1),
            # CPU that neither the server nor the clients used: other work on the machine.
            "others_cpu_share": round(max(0.0, machine - server - client) / capacity, 2)
            if capacity
            else None,
        }


def percentile_ms(ordered, p):
    """Nearest-rank percentile of sorted seconds, in milliseconds."""
    if not ordered:
        return None
    return round(1000 * ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 1)


def run_phase(name, items, work, clients, meter=None):
    """``clients`` threads take ``items`` from one queue and call ``work`` on each."""
    work_queue = queue.SimpleQueue()
    for item in items:
        work_queue.put(item)
    outcomes = []
    start = threading.Barrier(clients + 1)

    def client():
        start.wait()
        while True:
            try:
                item = work_queue.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = work(item)
            except Exception as error:  # counted and reported: the run fails
                outcome = Outcome(False, type(error).__name__, None)
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    before = meter.read() if meter else (0.0, 0.0, 0.0)
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    after = meter.read() if meter else (0.0, 0.0, 0.0)
    return Phase(name, wall, outcomes, tuple(b - a for a, b in zip(before, after, strict=True)))


class Voters:
    """The client side of the ballot protocol, per code: open the ballot, then cast it."""

    def __init__(self, port, rng):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.rng = rng
        self.rng_lock = threading.Lock()
        self.forms = {}  # code -> (cookies, CSRF token)

    def path(self, code):
        return f"/vote/code/{code}/"

    def floor(self, _):
        with self.rng_lock:
            choice = self.rng.choice(CHOICES)
        response = request(self.port, "POST", "/bench/floor/", form={"choice": choice})
        if response.status != 200:
            return Outcome(False, str(response.status), response.seconds)
        return Outcome(response.text == "ok", "200 without ok", response.seconds)

    def open_ballot(self, item):
        _, code = item
        response = request(self.port, "GET", self.path(code))
        if response.status != 200:
            return Outcome(False, str(response.status), response.seconds)
        token = CSRF_INPUT.search(response.text)
        if token is None:
            return Outcome(False, "200 without a CSRF token", response.seconds)
        self.forms[code] = (response.cookies(), token.group(1))
        return Outcome(True, "200", response.seconds)

    def cast(self, item):
        _, code = item
        if code not in self.forms:
            return Outcome(False, "ballot page failed", None)
        cookies, token = self.forms[code]
        with self.rng_lock:
            form = {"csrfmiddlewaretoken": token, "stage": "cast"}
            form["choice"] = self.rng.choice(CHOICES)
            for position in range(1, len(QUESTIONS) + 1):
                if self.rng.random() < 0.8:  # some voters skip a question
                    form[f"q{position}"] = str(self.rng.randint(1, 5))
        headers = {"Origin": self.origin, "Referer": self.origin + self.path(code)}
        response = request(
            self.port, "POST", self.path(code), form=form, cookies=cookies, headers=headers
        )
        if response.status != 200:
            return Outcome(False, str(response.status), response.seconds)
        if 'data-testid="receipt"' not in response.text:
            return Outcome(False, "200 without a receipt", response.seconds)
        if "no-store" not in (response.headers.get("Cache-Control") or ""):
            return Outcome(False, "200 without Cache-Control: no-store", response.seconds)
        return Outcome(True, "200", response.seconds)


# --- the report ----------------------------------------------------------------------------


def machine_facts(runner, workers, durable):
    import django

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    postgres = subprocess.run(
        [str(runner.postgres_bin_dir() / "postgres"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    gunicorn = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn,
        "gunicorn_workers": f"{workers} sync",
        "postgresql": postgres,
        "postgresql_durability": "defaults (fsync, synchronous_commit on)"
        if durable
        else "fsync, synchronous_commit, full_page_writes off",
    }


def print_report(phases, facts, clients):
    log(f"{clients} concurrent clients; " + ", ".join(f"{k}: {v}" for k, v in facts.items()))
    header = f"{'phase':<12} {'ok':>6} {'failed':>6} {'wall s':>7} {'per s':>7} "
    header += f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
    header += f"{'server CPU ms':>13} {'client CPU ms':>13} {'others':>6}"
    print(header)
    for phase in phases:
        s = phase.summary()
        failed = s["requests"] - s["ok"]
        print(
            f"{phase.name:<12} {s['ok']:>6} {failed:>6} {s['wall_s']:>7} {s['per_s']!s:>7} "
            f"{s['p50_ms']!s:>7} {s['p95_ms']!s:>7} {s['p99_ms']!s:>7} {s['max_ms']!s:>7} "
            f"{s['server_cpu_ms_per_request']:>13} {s['client_cpu_ms_per_request']:>13} "
            f"{s['others_cpu_share']:>6.0%}"
        )
        for status, count in s["failures"].items():
            print(f"{'':<12} {count} × {status}")
    print(
        "(CPU ms are per request, gunicorn and PostgreSQL together and the clients; 'others' "
        "is the share of the machine's CPU used by anything else during the phase)"
    )
    busy = [p.name for p in phases if p.summary()["others_cpu_share"] > 0.1]
    if busy:
        log(f"other work used more than 10% of the CPU during: {', '.join(busy)}")


# The goals of issue 20 (item 1), judged on the same run: server CPU per request against the
# floor's, and the cast's p95 at the default 16 clients.
GOAL_CAST_CPU_RATIO = 2.5
GOAL_PAGE_CPU_RATIO = 2.0
GOAL_CAST_P95_MS = 100


def ratios(by_name):
    floor, cast = by_name.get("floor"), by_name.get("cast")
    if not floor or not cast or not cast["per_s"] or not floor["p95_ms"]:
        return {}
    page = by_name.get("ballot page")
    floor_cpu = floor["server_cpu_ms_per_request"]
    return {
        "floor_per_s_over_ballots_per_s": round(floor["per_s"] / cast["per_s"], 2),
        "ballot_p95_over_floor_p95": round(cast["p95_ms"] / floor["p95_ms"], 2),
        "ballot_server_cpu_over_floor_server_cpu": round(
            cast["server_cpu_ms_per_request"] / floor_cpu, 2
        )
        if floor_cpu
        else None,
        "page_server_cpu_over_floor_server_cpu": round(
            page["server_cpu_ms_per_request"] / floor_cpu, 2
        )
        if floor_cpu and page
        else None,
    }


def goals(by_name, figures):
    """Each goal of issue 20 item 1 with its figure and whether this run met it."""
    cast_cpu = figures.get("ballot_server_cpu_over_floor_server_cpu")
    page_cpu = figures.get("page_server_cpu_over_floor_server_cpu")
    p95 = by_name.get("cast", {}).get("p95_ms")
    return [
        (f"cast CPU ≤ {GOAL_CAST_CPU_RATIO}× floor", f"{cast_cpu}×", cast_cpu is not None
         and cast_cpu <= GOAL_CAST_CPU_RATIO),
        (f"ballot page CPU ≤ {GOAL_PAGE_CPU_RATIO}× floor", f"{page_cpu}×", page_cpu is not None
         and page_cpu <= GOAL_PAGE_CPU_RATIO),
        (f"cast p95 < {GOAL_CAST_P95_MS} ms", f"{p95} ms", p95 is not None
         and p95 < GOAL_CAST_P95_MS),
    ]  # fmt: skip


# --- main ----------------------------------------------------------------------------------


def raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=2000, help="ballots (and floor requests)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument("--warmup", type=int, default=32, help="uncounted requests per phase")
    parser.add_argument(
        "--fast-db", action="store_true", help="PostgreSQL without fsync (as the tests run it)"
    )
    parser.add_argument("--floor-only", action="store_true", help="skip the ballots")
    parser.add_argument("--seed", type=int, default=2026, help="random choices and answers")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    runner = load_integration_runner()
    tmp = Path(tempfile.mkdtemp(prefix="werkdruk-bench-"))
    postgres = server = None
    status = 0
    try:
        postgres = postgres_cluster(runner, durable=not args.fast_db)
        postgres.start()
        log(f"PostgreSQL listens on 127.0.0.1:{postgres.port}")
        env = bench_environment(tmp, postgres.url)
        # This process builds the data with eager tasks (the invitations, to the dummy
        # backend); gunicorn gets production's queued tasks.
        os.environ.update({**env, "CELERY_TASK_ALWAYS_EAGER": "true"})
        import django

        django.setup()
        # Eager tasks still name the broker; kombu warns that its URL has no host.
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)
        with_vote = not args.floor_only and ballot_urls_exist()
        if not args.floor_only and not with_vote:
            log("the ballot URL (voting:ballot-token) does not exist yet: the floor only")
        data = prepare(ballots=args.ballots, warmup=args.warmup, with_vote=with_vote)
        port = runner.free_port()
        queries = count_queries(data, port)
        log("SQL statements per request: " + ", ".join(f"{k} {v}" for k, v in queries.items()))
        from django.db import connections

        connections.close_all()

        server = Gunicorn(env=env, workers=args.workers, log_file=tmp / "gunicorn.log", port=port)
        server.start(runner)
        log(f"gunicorn ({args.workers} sync workers) listens on 127.0.0.1:{server.port}")
        voters = Voters(server.port, random.Random(args.seed))  # noqa: S311 - not security

        warm = [
            run_phase("warm-up", range(args.warmup), voters.floor, args.clients),
        ]
        if with_vote:
            warm.append(run_phase("warm-up", data.warmup_codes, voters.open_ballot, args.clients))
            warm.append(run_phase("warm-up", data.warmup_codes, voters.cast, args.clients))
        postmaster = int((postgres.data / "postmaster.pid").read_text().split()[0])
        meter = CpuMeter(roots=[server.process.pid, postmaster])
        phases = [run_phase("floor", range(args.ballots), voters.floor, args.clients, meter)]
        if with_vote:
            phases.append(
                run_phase("ballot page", data.codes, voters.open_ballot, args.clients, meter)
            )
            phases.append(run_phase("cast", data.codes, voters.cast, args.clients, meter))

        facts = machine_facts(runner, args.workers, not args.fast_db)
        print_report(phases, facts, args.clients)
        summaries = {phase.name: phase.summary() for phase in phases}
        figures = ratios(summaries)
        met = goals(summaries, figures) if figures else []
        if figures:
            log(
                f"the floor answers {figures['floor_per_s_over_ballots_per_s']}× as many "
                f"requests per second as the cast; the cast's p95 is "
                f"{figures['ballot_p95_over_floor_p95']}× the floor's, its server CPU "
                f"{figures['ballot_server_cpu_over_floor_server_cpu']}×, the ballot page's "
                f"server CPU {figures['page_server_cpu_over_floor_server_cpu']}×"
            )
            verdict = "PASS" if all(ok for _, _, ok in met) else "FAIL"
            details = "; ".join(
                f"{goal}: {value} {'ok' if ok else 'NOT MET'}" for goal, value, ok in met
            )
            log(f"goals (issue 20): {verdict}: {details}")
        problems = [
            f"{phase.name}: {count} × {failure}"
            for phase in warm + phases
            for failure, count in phase.failures.items()
        ]
        problems += verify(
            data,
            floor_requests=1 + args.warmup + args.ballots,
            ballots_cast=data.counted_in_process + len(data.warmup_codes) + len(data.codes),
        )
        if args.json:
            results = {
                "clients": args.clients,
                "ballots": args.ballots,
                "with_vote": with_vote,
                "machine": facts,
                "sql_statements_per_request": queries,
                "phases": summaries,
                "ratios": figures,
                "goals": [{"goal": g, "value": v, "met": ok} for g, v, ok in met],
                "problems": problems,
            }
            args.json.write_text(json.dumps(results, indent=2) + "\n")
        for problem in problems:
            log(f"FAILED: {problem}")
        if problems:
            server.print_log()
            status = 1
        else:
            log("all requests answered as expected; the database counts match")
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        log(f"failed: {error}")
        if server is not None:
            server.print_log()
        if postgres is not None:
            postgres.print_log()
        status = 1
    finally:
        # Ignore further signals until everything is gone.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if server is not None:
            server.stop()
        if "django.db" in sys.modules:
            sys.modules["django.db"].connections.close_all()
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        log("gunicorn and PostgreSQL stopped, temporary folders removed")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
