#!/usr/bin/env python3
"""Benchmark: every main page next to the pages' floor, for the same signed-in user.

1. Builds the demo (``manage.py demo``: the board, Het Baken at step 8 with last year's ratified
   process, the Erasmus process with its open vote) once into a SQLite file (``--db``, default
   under /tmp); later runs reuse it (after ``migrate``), ``--rebuild`` builds it again.
2. In this process, with Django's test client and the benchmarks' settings (production's, plus
   ``bench/floor/page/``: a view that renders ``base.html`` and nothing else), signs each demo
   role in and, for every page: one warm-up request, one request under
   ``CaptureQueriesContext`` (its SQL statements and HTML size), then ``--runs`` timed requests
   of the page interleaved with as many of the floor, for the same user. A request's time is
   the CPU time this process spends on it (``time.process_time``; SQLite runs in-process, so
   the database's work is included): other work on a shared machine barely moves it, where
   wall time would. The ratio is the page's median over the floor's median.
3. Prints a Markdown table: page, who, median ms, floor ms, ratio, queries, KB and PASS/FAIL
   against the goals of issue 20 (at most 5x the floor and at most 20 queries); ``--json FILE``
   writes the figures too; ``--only TEXT`` measures only the pages whose name contains TEXT.

Usage: .venv/bin/python tests/benchmarks/pages_bench.py [--runs 15] [--rebuild] [--only merge]
       [--db /tmp/werkdruk-pages-bench/bench.sqlite3] [--json FILE]
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[0] = str(ROOT)  # run as a script: imports start at the project root

DEFAULT_DB = Path("/tmp/werkdruk-pages-bench/bench.sqlite3")  # noqa: S108 - a local cache
DEMO = "@demo.werkdruk.nl"
MAX_RATIO = 5.0
MAX_QUERIES = 20


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def setup_django(db):
    var = db.parent / "var"
    for folder in ("celery/queue", "celery/processed", "media", "static"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{db}",
            "WERKDRUK_VAR_DIR": str(var),
            "STATIC_ROOT": str(var / "static"),
            "MEDIA_ROOT": str(var / "media"),
            "VOTE_KEY_DIR": str(var / "vote-keys"),
            "EMAIL_URL": "dummymail://localhost",
            "SITE_URL": "https://werkdruk.example.org",
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_TASK_ALWAYS_EAGER": "true",  # the demo's invitations, to the dummy backend
            "LOG_LEVEL": "ERROR",
        }
    )
    import logging

    import django

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def ensure_data(db, *, rebuild):
    import io

    from django.core.management import call_command
    from django.test.utils import override_settings

    meta = db.with_suffix(".json")
    if meta.exists() and db.exists() and not rebuild:
        call_command("migrate", interactive=False, verbosity=0)
        log(f"reusing {db} (built {json.loads(meta.read_text())['built_at']}; --rebuild)")
        return
    for path in (db, meta, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    with override_settings(DEBUG=True):  # the demo's accounts load only then
        call_command("demo", stdout=io.StringIO())
    built = {
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.monotonic() - started),
    }
    meta.write_text(json.dumps(built, indent=2) + "\n")
    log(f"built {db} in {built['build_seconds']} s")


def pages():
    """(who, page, url) of every main page, as the demo's people see them."""
    from django.urls import reverse

    from processes.models import Board, Process
    from surveys.models import SurveyRound
    from units.models import OrganisationalUnit
    from voting.models import Vote

    board = Board.objects.get()
    current = Process.objects.get(school__brin="34CD", school_year__start_year=2026)
    last = Process.objects.get(school__brin="34CD", school_year__start_year=2025)
    erasmus = Process.objects.exclude(school__brin="34CD").get()
    school = current.school
    units = list(OrganisationalUnit.objects.filter(process=current).order_by("name"))
    agreement_vote = Vote.objects.filter(process=current, kind=Vote.Kind.AGREEMENT).first()
    open_vote = Vote.objects.filter(process=erasmus).order_by("-pk").first()
    survey_round = SurveyRound.objects.filter(questionnaire__process=last).order_by("pk").first()

    def r(name, *args):
        return reverse(name, args=args)

    d, p = "directeur.baken", "pmr.baken"
    rows = [
        (d, "dashboard", r("processes:dashboard")),
        (p, "dashboard", r("processes:dashboard")),
        ("docent.baken", "dashboard", r("processes:dashboard")),
        (d, "timeline", r("processes:process-detail", current.pk)),
        (p, "timeline", r("processes:process-detail", current.pk)),
    ]
    for number in current.steps.order_by("number").values_list("number", flat=True):
        rows.append((d, f"step {number}", r("processes:step-detail", current.pk, number)))
        rows.append((p, f"step {number}", r("processes:step-detail", current.pk, number)))
    rows += [
        (d, "decisions", r("processes:decision-list", current.pk)),
        (d, "agreement", r("processes:agreement", current.pk)),
        (d, "staff list", r("units:staff-list", school.pk)),
        (d, "school roles", r("organisation:school-roles", school.pk)),
        (d, "invitations", r("organisation:school-invitations", school.pk)),
        (d, "budget", r("units:budget", current.pk)),
        (d, "split (step 2)", r("units:split", current.pk)),
        (d, "units", r("units:unit-list", current.pk)),
        (d, "unit", r("units:unit-detail", current.pk, units[0].pk)),
        (d, "conversation groups", r("units:conversation-groups", current.pk)),
        (d, "kickoff", r("units:kickoff", current.pk)),
        (d, "working methods", r("units:working-method-overview", current.pk)),
        (d, "frameworks", r("plans:framework-list", current.pk)),
        (d, "announcements", r("plans:announcement-overview", current.pk)),
        (d, "ideas", r("plans:ideas", current.pk)),
        (d, "function costs", r("plans:function-costs", school.pk)),
        (d, "unit plans (step 8)", r("plans:unit-plan-overview", current.pk)),
    ]
    for unit in units:
        editor = r("plans:unit-plan", current.pk, unit.pk)
        rows += [
            (d, f"unit plan editor: {unit.name}", editor),
            (p, f"unit plan editor: {unit.name}", editor),
        ]
    if agreement_vote:
        rows += [
            (d, "vote management", r("voting:vote-manage", current.pk)),
            (d, "vote result", r("voting:vote-result", agreement_vote.pk)),
        ]
    rows += [
        (d, "merge (last year)", r("schoolplans:merge", last.pk)),
        (d, "publication (last year)", r("schoolplans:publication", last.pk)),
        (d, "ratification (last year)", r("schoolplans:ratification", last.pk)),
        (d, "evaluation (last year)", r("schoolplans:evaluation", last.pk)),
        (d, "decision list (last year)", r("schoolplans:decision-list", last.pk)),
        (d, "task policy (last year)", r("schoolplans:task-policy", last.pk)),
        (d, "meldpunt inbox (last year)", r("schoolplans:meldpunt-inbox", last.pk)),
        (d, "spending", r("spending:overview", last.pk)),
        (d, "survey", r("surveys:survey-manage", last.pk)),
        (d, "survey results", r("surveys:results", last.pk)),
        (d, "factsheet (step 1)", r("reporting:factsheet", current.pk)),
        (d, "annual report", r("reporting:school-report", last.pk)),
        (d, "annual report (staff)", r("reporting:school-report-staff", last.pk)),
        (d, "annual report years", r("reporting:school-years", last.pk)),
        (d, "privacy staff", r("privacy:staff", school.pk)),
        ("pmr", "vote management (open vote)", r("voting:vote-manage", erasmus.pk)),
        ("directeur", "timeline (Erasmus)", r("processes:process-detail", erasmus.pk)),
        ("bestuur", "dashboard", r("processes:dashboard")),
        ("bestuur", "board", r("processes:board-detail", board.pk)),
        ("bestuur", "board manage", r("organisation:board-manage", board.pk)),
        ("bestuur", "board dashboard", r("reporting:board-dashboard", board.pk) + "?year=2025"),
        ("bestuur", "board report", r("reporting:board-report", board.pk, 2025)),
        ("bestuur", "board report jobs", r("reporting:board-report-jobs", board.pk, 2025)),
        ("bestuur", "allocation (step 0)", r("units:allocation", board.pk, 2026)),
        ("bestuur", "board function costs", r("plans:board-function-costs", board.pk)),
        ("bestuur", "sign-in providers", r("organisation:signin-providers", board.pk)),
        ("gmr", "dashboard", r("processes:dashboard")),
    ]
    if open_vote:
        rows.append(("pmr", "vote turnout", r("voting:vote-turnout", open_vote.pk)))
    if survey_round:
        rows.append((d, "survey code sheets", r("surveys:code-sheets", survey_round.pk)))
    return rows


def measure(client, url, runs, floor_url):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, secure=True)  # warm up: the session, the templates
    reset_queries()  # a full log (the demo's build, run with DEBUG) would count nothing
    if response.status_code != 200:
        return {"status": response.status_code}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    queries = len(captured.captured_queries)
    size = len(response.content)
    page, floor = [], []
    for _ in range(runs):
        started = time.process_time()
        client.get(floor_url, secure=True)
        floor.append(time.process_time() - started)
        started = time.process_time()
        client.get(url, secure=True)
        page.append(time.process_time() - started)
    page_ms, floor_ms = statistics.median(page) * 1000, statistics.median(floor) * 1000
    return {
        "status": 200,
        "ms": round(page_ms, 1),
        "floor_ms": round(floor_ms, 1),
        "ratio": round(page_ms / floor_ms, 1),
        "queries": queries,
        "bytes": size,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    setup_django(args.db)
    ensure_data(args.db, rebuild=args.rebuild)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    translation.activate("nl")
    User = get_user_model()
    floor_url = reverse("bench-floor-page")
    clients, results = {}, []
    started = time.monotonic()
    for who, name, url in pages():
        if args.only not in name:
            continue
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(User.objects.get(email=who + DEMO))
        figures = measure(clients[who], url, args.runs, floor_url)
        if figures["status"] != 200:  # not this person's page (a unit they do not follow)
            log(f"skipped {name} ({who}): HTTP {figures['status']}")
            continue
        passes = figures["ratio"] <= MAX_RATIO and figures["queries"] <= MAX_QUERIES
        verdict = "PASS" if passes else "FAIL"
        results.append({"who": who, "page": name, "url": url, **figures, "verdict": verdict})
        log(f"{name} ({who}): {figures}")
    load = os.getloadavg()
    print(
        f"\nPages against the floor (base.html for the same user), median CPU time of "
        f"{args.runs} requests each; {platform.node()}, {os.cpu_count()} cores, load "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{time.monotonic() - started:.0f} s\n"
    )
    print("| page | who | CPU ms | floor ms | ratio | queries | KB | goal (≤5x, ≤20 q) |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for row in results:
        print(
            f"| {row['page']} | {row['who']} | {row['ms']} | {row['floor_ms']} | "
            f"{row['ratio']} | {row['queries']} | {row['bytes'] / 1024:.0f} | {row['verdict']} |"
        )
    failed = [row for row in results if row["verdict"] == "FAIL"]
    print(f"\n{len(results) - len(failed)} of {len(results)} pages meet both goals.")
    if args.json:
        args.json.write_text(json.dumps({"load": load, "pages": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
