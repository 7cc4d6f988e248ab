#!/usr/bin/env python3
"""Benchmark: the staff import of a large HR export, next to pandas reading the same file.

What it does, on this machine only, cleaning up after itself:

1. Writes an AFAS export (``units.hr_layouts``: the layout of tests/units/test_hr_layouts.py,
   Dutch Excel CSV with BOM, ``;`` and decimal percentages, no category column) of each size
   asked (``--rows 5000,20000``): fake people, one appointment per row, every 20th person with
   a second appointment and every 50th with an ended one.
2. For each database asked (``--db sqlite,postgres``) starts a fresh one (SQLite in a temporary
   folder; a throwaway PostgreSQL cluster with PostgreSQL's default durability, the vote
   benchmark's helper) and, in a child process with the production settings, migrates and
   makes one school per size with its director.
3. Measures per size:
   - floor: ``pandas.read_csv`` of the same file (best of 3);
   - first import: what the import pages do, through the services: the preview of the upload
     (``staff_import_preview``), the preview again on "Import" (``staff_import_preview_restore``)
     and the confirmation with a category for each new function (``staff_import_confirm``);
     everyone is new, so every person also gets an account;
   - re-import: the same file with 10% of the fte changed, 5% of the people gone and 5% new,
     the same three steps.
   Prints the seconds, the ratio to the floor and the SQL statements of each step.
   ``--json FILE`` writes the figures.

The product refuses files of more than ``werkdruk.tabular.MAX_ROWS`` (5,000) rows; the benchmark
lifts that limit in its child process to measure 20,000 rows.

Usage: .venv/bin/python tests/benchmarks/import_bench.py [--rows 5000,20000]
       [--db sqlite,postgres] [--json results.json]
"""

import argparse
import codecs
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[0] = str(ROOT)  # run as a script: imports start at the project root

FUNCTIONS = (
    ("Docent wiskunde", "Exact"),
    ("Docent Nederlands", "Talen"),
    ("Docent Engels", "Talen"),
    ("Docent Frans", "Talen"),
    ("Docent biologie", "Exact"),
    ("Docent geschiedenis", "Mens en maatschappij"),
    ("Docent lichamelijke opvoeding", "LO"),
    ("Mentor", "Onderbouw"),
    ("Teamleider bovenbouw", "Bovenbouw"),
    ("Conciërge", "Facilitair"),
    ("Administratief medewerker", "Administratie"),
    ("Onderwijsassistent", "Ondersteuning"),
    ("Technisch onderwijsassistent", "Exact"),
    ("Decaan", "Begeleiding"),
    ("Directeur", "Directie"),
)
HEADERS = (
    "Medewerker;Roepnaam;Voorvoegsel;Achternaam;E-mail werk;E-mail privé;Functie;"
    "Organisatorische eenheid;Parttimepercentage;Begindatum contract;Einddatum contract"
)
FIRST = ("Anna", "Bram", "Chris", "Dirk", "Eva", "Fleur", "Gijs", "Hanna", "Ilse", "Joost")
LAST = ("Boer", "Jansen", "Dijk", "Smit", "Bakker", "Visser", "Meijer", "Mulder", "Bos", "Vos")


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def hr_export(rows: int, *, variant: int = 0) -> bytes:
    """An AFAS export of ``rows`` appointment rows; ``variant`` 1 is the re-import's file."""
    lines = [HEADERS]
    person = 0
    while len(lines) <= rows:
        person += 1
        if variant and person % 20 == 7:
            continue  # gone
        number = person if not (variant and person % 20 == 13) else 100_000 + person  # new
        first, last = FIRST[number % 10], LAST[(number // 10) % 10]
        infix = "van" if number % 7 == 0 else ""
        email = f"{first.lower()}.{last.lower()}{number}@school.example"
        function, department = FUNCTIONS[number % len(FUNCTIONS)]
        percent = (40, 50, 60, 80, 100)[number % 5]
        if variant and person % 10 == 3:
            percent = 90  # a changed fte
        appointments = [(function, department, percent, "")]
        if number % 20 == 0:
            appointments.append(("Mentor", "Onderbouw", 10, ""))
        if number % 50 == 0:
            appointments.append(("Docent Frans", "Talen", 20, "31-07-2020"))  # ended
        for function, department, percent, end in appointments:
            if len(lines) > rows:
                break
            lines.append(
                f"{number};{first};{infix};{last};{email};;{function};{department};"
                f"{percent}%;01-08-2019;{end}"
            )
    return codecs.BOM_UTF8 + "\r\n".join(lines).encode("utf-8") + b"\r\n"


# --- where the wall time goes -------------------------------------------------------------


def _proc_times(pid) -> dict:
    """CPU seconds and run-queue seconds of process ``pid`` (all its threads) from /proc:
    ``schedstat`` holds the nanoseconds on a CPU and waiting for one (runnable, not running,
    because other processes had the CPUs)."""
    result = {"cpu": 0.0, "runq": 0.0}
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            on_cpu, waiting, _slices = (task / "schedstat").read_text().split()
            result["cpu"] += int(on_cpu) / 1e9
            result["runq"] += int(waiting) / 1e9
    except (OSError, ValueError):
        pass
    return result


def where_the_time_went(backend, since=None) -> dict:
    """This process's CPU and run-queue wait, its voluntary waits (I/O such as SQLite's fsync,
    or the answer of PostgreSQL) and the PostgreSQL backend's CPU and run-queue wait; with
    ``since``, the difference to that earlier reading."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    own = _proc_times(os.getpid())
    now = {
        "runq_s": own["runq"],
        "voluntary_switches": usage.ru_nvcsw,
        "involuntary_switches": usage.ru_nivcsw,
        "io_blocks": usage.ru_inblock + usage.ru_oublock,
        "server_cpu_s": 0.0,
        "server_runq_s": 0.0,
    }
    if backend:
        server = _proc_times(backend)
        now["server_cpu_s"], now["server_runq_s"] = server["cpu"], server["runq"]
    if since is None:
        return now
    return {key: now[key] - since[key] for key in now}


def sum_breakdown(parts) -> dict:
    total = {key: sum(part[key] for part in parts) for key in parts[0]} if parts else {}
    if total:
        # What is neither this process on a CPU nor waiting for one: blocked (disk, database).
        total["blocked_s"] = max(0.0, total["wall_s"] - total["cpu_s"] - total["runq_s"])
    return total


# --- the child: one database, every size --------------------------------------------------


def child(args):
    from tests.benchmarks.vote_bench import bench_environment

    tmp = Path(args.tmp)
    os.environ.update(bench_environment(tmp, args.database_url))
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import logging

    import django

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    import werkdruk.tabular
    from processes.models import SchoolRole
    from tests.factories import SchoolFactory, SchoolRoleFactory
    from units.services import staff

    werkdruk.tabular.MAX_ROWS = max(args.rows)  # see the module's docstring
    call_command("migrate", verbosity=0)

    def server_pid():
        """PostgreSQL's backend process of this connection (on this machine); None on SQLite."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    def timed(work):
        count = [0]
        backend = server_pid()
        waits_before = where_the_time_went(backend)

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        profile = None
        if args.profile:
            import cProfile

            profile = cProfile.Profile()
        with connection.execute_wrapper(counter):
            start, cpu = time.perf_counter(), time.process_time()
            if profile:
                profile.enable()
            value = work()
            if profile:
                profile.disable()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if profile:
            import pstats

            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        cpu_seconds.append(cpu)
        waits = where_the_time_went(backend, since=waits_before)
        waits["wall_s"], waits["cpu_s"] = seconds, cpu
        breakdown.append(waits)
        return value, seconds, count[0]

    def import_steps(school, director, path):
        content = path.read_bytes()
        steps = {}
        preview, steps["preview"], queries = timed(
            lambda: staff.staff_import_preview(
                school=school, file=SimpleUploadedFile(path.name, content), actor=director
            )
        )
        steps["preview"] = (steps["preview"], queries)
        restored, seconds, queries = timed(
            lambda: staff.staff_import_preview_restore(
                school=school, token=preview.token, actor=director
            )
        )
        steps["preview again"] = (seconds, queries)
        choices = {choice.key: choice.category or "OP" for choice in restored.choices_needed}
        result, seconds, queries = timed(
            lambda: staff.staff_import_confirm(
                school=school, token=preview.token, choices=choices, actor=director
            )
        )
        steps["confirm"] = (seconds, queries)
        return steps, result

    import pandas

    figures = []
    for rows in args.rows:
        school = SchoolFactory()
        director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
        for phase, variant in (("first import", 0), ("re-import", 1)):
            path = tmp / f"afas-{rows}-{variant}.csv"
            floors = []
            for _attempt in range(3):
                start = time.perf_counter()
                pandas.read_csv(path, sep=";", encoding="utf-8-sig")
                floors.append(time.perf_counter() - start)
            floor = min(floors)
            cpu_seconds, breakdown = [], []
            steps, result = import_steps(school, director, path)
            total = sum(seconds for seconds, _q in steps.values())
            figures.append(
                {
                    "rows": rows,
                    "phase": phase,
                    "floor_s": floor,
                    "steps": {name: {"s": s, "queries": q} for name, (s, q) in steps.items()},
                    "total_s": total,
                    "queries": sum(q for _s, q in steps.values()),
                    "ratio": total / floor,
                    "cpu_s": sum(cpu_seconds),
                    "wall_breakdown": sum_breakdown(breakdown),
                    "result": {
                        "added": result.added,
                        "changed": result.changed,
                        "unchanged": result.unchanged,
                        "deactivated": result.deactivated,
                        "accounts_created": result.accounts_created,
                    },
                }
            )
            log(
                f"{args.db}: {rows} rows, {phase}: {total:.2f} s wall, "
                f"{sum(cpu_seconds):.2f} s CPU, {figures[-1]['queries']} statements, "
                f"floor {floor:.3f} s"
            )
        figures.append(pages_import(rows, tmp / f"afas-{rows}-0.csv", timed, cpu_seconds))
        log(f"{args.db}: {rows} rows, through the pages: {figures[-1]['total_s']:.2f} s wall")
    Path(args.out).write_text(json.dumps(figures))


def pages_import(rows, path, timed, cpu_seconds):
    """The first import through the pages, as the browser does it: the upload to the preview
    page (rendered with every person), then its "Import" button (a job above
    STAFF_IMPORT_SYNC_MAX_ROWS; the worker runs eagerly here, inside the request)."""
    import html
    import re

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from processes.models import SchoolRole
    from tests.factories import SchoolFactory, SchoolRoleFactory
    from units.models import StaffMember

    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(director)
    content = path.read_bytes()
    cpu_seconds.clear()
    steps = {}

    def upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            reverse("units:staff-import-preview", kwargs={"school_id": school.pk}),
            {"file": SimpleUploadedFile(path.name, content)},
            secure=True,
        )

    response, seconds, queries = timed(upload)
    assert response.status_code == 200, response.status_code
    steps["preview"] = {"s": seconds, "queries": queries, "bytes": len(response.content)}
    token = html.unescape(re.search(r'name="token" value="([^"]+)"', response.text).group(1))
    data = {"token": token, **{f"function_{i}": "OP" for i in range(len(FUNCTIONS))}}
    response, seconds, queries = timed(
        lambda: client.post(
            reverse("units:staff-import-confirm", kwargs={"school_id": school.pk}),
            data,
            secure=True,
        )
    )
    assert response.status_code == 302, response.status_code
    steps["confirm"] = {"s": seconds, "queries": queries}
    imported = StaffMember.objects.filter(school=school).count()
    if not imported:
        raise SystemExit(f"the import through the pages imported nobody ({rows} rows)")
    total = sum(step["s"] for step in steps.values())
    return {
        "rows": rows,
        "phase": "pages",
        "steps": steps,
        "total_s": total,
        "cpu_s": sum(cpu_seconds),
        "queries": sum(step["queries"] for step in steps.values()),
        "as_job": rows > settings.STAFF_IMPORT_SYNC_MAX_ROWS,
        "imported": imported,
    }


# --- the parent ----------------------------------------------------------------------------


def run_child(db, database_url, tmp, rows, profile=False):
    out = tmp / f"figures-{db}.json"
    command = [
        sys.executable, __file__, "--child", "--db", db, "--database-url", database_url,
        "--tmp", str(tmp), "--out", str(out), "--rows", ",".join(map(str, rows)),
        *(["--profile"] if profile else []),
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT)
    return json.loads(out.read_text())


def print_report(by_db, facts):
    print(f"\nStaff import benchmark — {facts['when']} — load {facts['load']}")
    print(f"{facts['machine']}; {facts['cpus']} CPUs; Python {facts['python']}\n")
    header = (
        f"{'db':<9}{'rows':>7}  {'phase':<13}{'floor s':>9}{'preview':>9}{'again':>8}"
        f"{'confirm':>9}{'total s':>9}{'CPU s':>7}{'ratio':>8}{'SQL':>7}"
    )
    print(header)
    print("-" * len(header))
    for db, figures in by_db.items():
        for f in figures:
            if f["phase"] == "pages":
                continue
            steps = f["steps"]
            print(
                f"{db:<9}{f['rows']:>7}  {f['phase']:<13}{f['floor_s']:>9.3f}"
                f"{steps['preview']['s']:>9.2f}{steps['preview again']['s']:>8.2f}"
                f"{steps['confirm']['s']:>9.2f}{f['total_s']:>9.2f}{f['cpu_s']:>7.2f}{f['ratio']:>8.0f}"
                f"{f['queries']:>7}"
            )
    print(
        "\nWhere the wall time went (seconds; runq = runnable but waiting for a CPU, as other "
        "processes had them; blocked = waiting for the disk or the database server; server = "
        "the PostgreSQL backend of the connection):"
    )
    for db, figures in by_db.items():
        for f in figures:
            if f["phase"] == "pages" or not f.get("wall_breakdown"):
                continue
            b = f["wall_breakdown"]
            print(
                f"{db:<9}{f['rows']:>7}  {f['phase']:<13} wall {b['wall_s']:.2f} = CPU "
                f"{b['cpu_s']:.2f} + runq {b['runq_s']:.2f} + blocked {b['blocked_s']:.2f}; "
                f"server CPU {b['server_cpu_s']:.2f}, server runq {b['server_runq_s']:.2f}; "
                f"{b['voluntary_switches']} voluntary / {b['involuntary_switches']} involuntary "
                f"switches, {b['io_blocks']} blocks of I/O"
            )
    print("\nThe first import through the pages (upload to the preview page, then its button):")
    for db, figures in by_db.items():
        for f in figures:
            if f["phase"] != "pages":
                continue
            steps = f["steps"]
            print(
                f"{db:<9}{f['rows']:>7}  preview page {steps['preview']['s']:.2f} s "
                f"({steps['preview']['bytes'] / 1e6:.1f} MB HTML), import "
                f"{steps['confirm']['s']:.2f} s{' (as a job)' if f['as_job'] else ''}; "
                f"total {f['total_s']:.2f} s, CPU {f['cpu_s']:.2f} s, {f['queries']} statements, "
                f"{f['imported']} imported"
            )
    print(
        "\ntotal = wall seconds of the three steps; CPU s = the benchmark process's CPU time in "
        "them (not the database server's); ratio = total : floor (pandas.read_csv of the same "
        "file, wall); SQL = statements sent, BEGIN/COMMIT and savepoints included."
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="5000,20000")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--profile", action="store_true", help="print a profile of each step")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.rows = [int(value) for value in args.rows.split(",")]
    return args


def main(argv):
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    from tests.benchmarks.vote_bench import load_integration_runner, postgres_cluster

    facts = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    by_db = {}
    with tempfile.TemporaryDirectory(prefix="werkdruk-import-bench-") as folder:
        tmp = Path(folder)
        for rows in args.rows:
            for variant in (0, 1):
                (tmp / f"afas-{rows}-{variant}.csv").write_bytes(hr_export(rows, variant=variant))
        for db in args.db.split(","):
            if db == "sqlite":
                by_db[db] = run_child(
                    db, f"sqlite:///{tmp / 'bench.sqlite3'}", tmp, args.rows, args.profile
                )
            elif db == "postgres":
                runner = load_integration_runner()
                cluster = postgres_cluster(runner, durable=True)
                try:
                    cluster.start()
                    by_db[db] = run_child(db, cluster.url, tmp, args.rows, args.profile)
                finally:
                    cluster.stop()
            else:
                raise SystemExit(f"unknown database {db!r}: sqlite or postgres")
    facts["load after"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print_report(by_db, facts)
    print(f"load before {facts['load']}, after {facts['load after']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"facts": facts, "figures": by_db}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
