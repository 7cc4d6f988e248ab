#!/usr/bin/env python3
"""Benchmark: the annual report of a board of 30 schools and of one school, next to a floor.

1. Builds the data once into a SQLite file (``--db``, default under /tmp) with
   ``tests/benchmarks/board_data.py``: the demo board with N schools (``--schools``), each with a
   ratified process of last school year, its spending and its surveys, all by the services.
   Later runs reuse the file (after ``migrate``); ``--rebuild`` builds it again.
2. Measures each phase in a fresh Python process, so that its peak RSS is its own:
   - ``board figures``: ``reporting.selectors.figures.board_report`` (the data work only) and
     its SQL statements; ``school figures``: ``school_report`` of one school (``--school``, a
     BRIN);
   - ``board HTML``: the figures plus the print template's HTML, without the PDF;
   - ``board PDF``, ``board DOCX``, ``school PDF``: the figures plus the document, as the
     background job makes them (``reporting.documents.report_pdf`` / ``report_docx``);
   - the floors, ``board HTML → PDF`` and ``school HTML → PDF``: the very HTML that
     ``report_pdf`` renders (made once, beforehand, in the parent process) given straight to
     WeasyPrint with the same static-files fetcher: the PDF without our data work.
   Each phase: one untimed warm-up ("cold"), ``--runs`` timed runs (median, min), then one run
   under tracemalloc for the peak of Python allocations. Peak RSS is the process's maximum
   resident set (``getrusage``); "above start" subtracts the RSS before the warm-up.
3. Prints a Markdown table (and writes JSON with ``--json``).

Usage: .venv/bin/python tests/benchmarks/report_bench.py [--schools 30] [--runs 3] [--rebuild]
       [--db /tmp/werkdruk-report-bench/bench.sqlite3] [--school 12AB] [--json FILE]
"""

import argparse
import datetime
import gc
import io
import json
import os
import platform
import resource
import secrets
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[0] = str(ROOT)  # run as a script: imports start at the project root

DEFAULT_DB = Path("/tmp/werkdruk-report-bench/bench.sqlite3")  # noqa: S108 - a local cache
PHASES = {
    "board figures": "the figures of the board report (data work only)",
    "school figures": "the figures of one school's report",
    "board HTML": "figures + the print template's HTML, no PDF",
    "board PDF": "figures + PDF of the board report",
    "board DOCX": "figures + DOCX of the board report",
    "school PDF": "figures + PDF of one school's report",
    "board PDF job": "the background job as it runs: a task per school on a worker with "
    "--workers processes, then the merge (wall from queueing to done; peak RSS of the worker's "
    "busiest process)",
    "floor: board HTML → PDF": "WeasyPrint on the board report's HTML",
    "floor: school HTML → PDF": "WeasyPrint on the school report's HTML",
}


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
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{db}",
            "WERKDRUK_VAR_DIR": str(var),
            "STATIC_ROOT": str(var / "static"),
            "MEDIA_ROOT": str(var / "media"),
            "VOTE_KEY_DIR": str(var / "vote-keys"),
            "EMAIL_URL": "dummymail://localhost",
            "SITE_URL": "https://werkdruk.example.org",
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_TASK_ALWAYS_EAGER": "true",  # the build's invitations, to the dummy backend
            "LOG_LEVEL": "WARNING",
        }
    )
    import logging

    import django

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)


def meta_path(db):
    return db.with_suffix(".json")


def ensure_data(db, *, schools, seed, rebuild):
    """Build the database unless a build of the same size exists; returns its metadata."""
    from django.core.management import call_command

    meta = meta_path(db)
    known = json.loads(meta.read_text()) if meta.exists() and db.exists() else None
    if known and not rebuild and (known["schools_asked"], known["seed"]) == (schools, seed):
        call_command("migrate", interactive=False, verbosity=0)
        log(f"reusing {db} (built {known['built_at']}; --rebuild builds it again)")
        return known
    for path in (db, meta, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)
    from tests.benchmarks import board_data

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    built = board_data.build(schools=schools, seed=seed, log=log)
    known = {
        **built,
        "schools_asked": schools,
        "seed": seed,
        "built_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.monotonic() - started),
        "sizes": board_data.sizes(board=built["board"], school_year=built["school_year"]),
    }
    if known["sizes"]["ratified processes"] != schools:
        raise RuntimeError(f"only {known['sizes']['ratified processes']} of {schools} ratified")
    meta.write_text(json.dumps(known, indent=2) + "\n")
    log(f"built {db} in {known['build_seconds']} s: {known['sizes']}")
    return known


def subjects(known, brin):
    from processes.models import Board, School, SchoolYear

    board = Board.objects.get(pk=known["board"])
    year = SchoolYear.objects.get(start_year=known["school_year"])
    return board, year, School.objects.get(board=board, brin=brin)


def html_of(report):
    """The HTML ``report_pdf`` gives WeasyPrint, captured instead of rendered."""
    from unittest import mock

    from django.template.loader import render_to_string

    from reporting import documents

    captured = {}

    def capture(template, context):
        captured["html"] = render_to_string(template, context)
        return b""

    with mock.patch.object(documents, "render_pdf", capture):
        documents.report_pdf(report)
    return captured["html"]


def work_of(phase, known, brin, html_dir):
    """The function a phase times (everything before it is set-up, not measured)."""
    from reporting import documents
    from reporting.selectors import figures

    board, year, school = subjects(known, brin)
    if phase.startswith("floor"):
        from weasyprint import HTML

        from werkdruk.pdf import BASE_URL, StaticFilesFetcher

        name = "board" if "board" in phase else "school"
        html = (html_dir / f"{name}.html").read_text()
        return lambda: HTML(
            string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()
        ).write_pdf()  # noqa: E501

    def board_report():
        return figures.board_report(board=board, school_year=year)

    def school_report():
        return figures.school_report(school=school, school_year=year)

    return {
        "board figures": board_report,
        "school figures": school_report,
        "board HTML": lambda: html_of(board_report()),
        "board PDF": lambda: documents.report_pdf(board_report()),
        "board DOCX": lambda: documents.report_docx(board_report()),
        "school PDF": lambda: documents.report_pdf(school_report()),
    }[phase]


def rss_mib(field):
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in MiB. The peak is what
    ``getrusage``'s ``ru_maxrss`` gives, except that Linux carries ``ru_maxrss`` over an
    ``exec`` from the parent, which would give every phase the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB; not Linux


def machine_busy_seconds():
    """CPU seconds the whole machine has spent on anything but idling, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def proc_children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def proc_peak_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def proc_cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # the process ended after it was listed
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _die_with_parent():
    """Linux: the worker is killed should this process die without stopping it."""
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def measure_job(known, brin, runs, workers):
    """The board report's job as production runs it: a real ``celery worker`` (prefork,
    ``workers`` processes, the filesystem broker of ``make run``) renders the schools' parts
    and merges them; this process queues the job and waits for it. Wall time from queueing to
    done, the worker processes' CPU, and the peak RSS of the biggest worker process (each part
    and the merge run in one of them)."""
    from django.conf import settings

    from reporting import tasks
    from reporting.models import ReportJob
    from werkdruk.celery import app

    app.conf.task_always_eager = False
    board, year, _school = subjects(known, brin)
    var = Path(settings.MEDIA_ROOT).parent
    log_path = var / "bench-worker.log"
    env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="false")
    command = [sys.executable, "-m", "celery", "-A", "werkdruk", "worker", "-P", "prefork"]
    command += ["-c", str(workers), "-l", "info", "-n", f"bench-{os.getpid()}@localhost"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only sets the parent-death signal
        )
    try:
        # The worker logs at WARNING here, so its "ready" line is not there to wait for: the
        # first (untimed, cold) run waits for it, its messages queued until it consumes them.
        time.sleep(1)
        if worker.poll() is not None:
            raise RuntimeError("the worker did not start: " + log_path.read_text()[-3000:])

        def pids():
            return [worker.pid, *proc_children(worker.pid)]

        def one_run():
            job = ReportJob.objects.create(board=board, school_year=year, format="pdf")
            cpu_before = sum(proc_cpu_seconds(pid) for pid in pids())
            began = time.perf_counter()
            tasks.report_job_run.delay(job.pk, job.lease)
            while job.state not in (ReportJob.State.DONE, ReportJob.State.FAILED):
                if time.perf_counter() - began > 600:
                    raise RuntimeError("the job did not finish in 10 minutes")
                time.sleep(0.05)
                job.refresh_from_db()
            wall = time.perf_counter() - began
            if job.state != ReportJob.State.DONE:
                raise RuntimeError(f"the job failed: {job.error}\n" + log_path.read_text()[-5000:])
            return job, wall, sum(proc_cpu_seconds(pid) for pid in pids()) - cpu_before

        job, cold, _cpu = one_run()
        times, cpu = [], []
        busy_before, wall_before = machine_busy_seconds(), time.perf_counter()
        for _ in range(runs):
            job, wall, used = one_run()
            times.append(wall)
            cpu.append(used)
        others = machine_busy_seconds() - busy_before - sum(cpu)
        capacity = (time.perf_counter() - wall_before) * (os.cpu_count() or 1)
        from pypdf import PdfReader

        with job.file.open("rb") as file:
            content = file.read()
        peaks = {pid: proc_peak_mib(pid) for pid in pids()}
        return {
            "cold_s": round(cold, 3),
            "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3),
            "cpu_median_s": round(statistics.median(cpu), 3),
            "others_cpu_share": round(max(0.0, others) / capacity, 2),
            "runs": runs,
            "tracemalloc_peak_mib": "–",
            "max_rss_mib": round(max(peaks[pid] for pid in pids()[1:]), 1),
            "rss_above_start_mib": "–",
            "worker_main_rss_mib": round(peaks[worker.pid], 1),
            "workers": workers,
            "bytes": len(content),
            "pages": len(PdfReader(io.BytesIO(content)).pages),
        }
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def measure_phase(phase, known, brin, runs, html_dir, workers=2, trace=True):
    """In the child process: warm-up, timed runs, a traced run; the figures as a dict."""
    if phase == "board PDF job":
        return measure_job(known, brin, runs, workers)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work = work_of(phase, known, brin, html_dir)
    gc.collect()
    start_rss = rss_mib("VmRSS")
    began = time.perf_counter()
    result = work()
    cold = time.perf_counter() - began
    times, cpu = [], []
    busy_before, wall_before = machine_busy_seconds(), time.perf_counter()
    own_before = time.process_time()
    for _ in range(runs):
        gc.collect()
        began, began_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    # The share of the machine's CPU that other processes took during the timed runs.
    others = machine_busy_seconds() - busy_before - (time.process_time() - own_before)
    capacity = (time.perf_counter() - wall_before) * (os.cpu_count() or 1)
    traced_peak = None
    if trace:
        gc.collect()
        tracemalloc.start()
        work()
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    figures = {
        "cold_s": round(cold, 3),
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "others_cpu_share": round(max(0.0, others) / capacity, 2),
        "runs": runs,
        "tracemalloc_peak_mib": round(traced_peak / 2**20, 1) if trace else "–",
        "max_rss_mib": round(rss_mib("VmHWM"), 1),
        "rss_above_start_mib": round(rss_mib("VmHWM") - start_rss, 1),
    }
    if isinstance(result, bytes | str):
        figures["bytes"] = len(result.encode() if isinstance(result, str) else result)
    if phase.startswith("floor"):
        from weasyprint import HTML

        from werkdruk.pdf import BASE_URL, StaticFilesFetcher

        html = (html_dir / ("board.html" if "board" in phase else "school.html")).read_text()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).render()
        figures["pages"], figures["html_kib"] = len(document.pages), round(len(html) / 1024)
    if phase.endswith("figures"):
        with CaptureQueriesContext(connection) as queries:
            work()
        figures["sql_statements"] = len(queries)
    return figures


def run_phase_process(phase, args):
    """One phase in a fresh interpreter (its own peak RSS); its figures from stdout."""
    command = [sys.executable, __file__, "--child", phase, "--db", str(args.db)]
    command += ["--runs", str(args.runs), "--school", args.school]
    command += ["--schools", str(args.schools), "--seed", str(args.seed)]
    command += ["--workers", str(args.workers)]
    if args.no_tracemalloc:
        command.append("--no-tracemalloc")
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-5000:])
        raise RuntimeError(f"{phase}: the child process failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_floor_html(name, known, brin, html_dir):
    """The HTML of the board's or the school's report, made here just before its floor is
    measured (so that it matches the templates the report phases used), outside every
    measurement."""
    from reporting.selectors import figures

    board, year, school = subjects(known, brin)
    if name == "board":
        report = figures.board_report(board=board, school_year=year)
        if len(report.schools) != known["sizes"]["schools"] or not all(
            r.ratified for r in report.rows
        ):
            raise RuntimeError("the board report does not show every school as ratified")
    else:
        report = figures.school_report(school=school, school_year=year)
    (html_dir / f"{name}.html").write_text(html_of(report))


def machine_facts():
    import django
    import docx
    import weasyprint

    def first(path, prefix):
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
        return ""

    import sqlite3

    return {
        "cpus": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "memory": first("/proc/meminfo", "MemTotal"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
        "python-docx": getattr(docx, "__version__", "?"),
        "sqlite": sqlite3.sqlite_version,
    }


def print_table(results, known, facts):
    sizes = ", ".join(f"{k} {v}" for k, v in known["sizes"].items())
    print(f"\nData: {sizes}.")
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()) + "\n")
    print("| phase | cold s | median s | min s | CPU s (median) | others | tracemalloc peak MiB | "
          "peak RSS MiB | RSS above start MiB | SQL | output |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for phase, r in results.items():
        output = f"{r['bytes'] / 1024:.0f} KiB" if "bytes" in r else ""
        output += f", {r['pages']} pages" if "pages" in r else ""
        print(
            f"| {phase} | {r['cold_s']} | {r['median_s']} | {r['min_s']} | {r['cpu_median_s']} | "
            f"{r['others_cpu_share']:.0%} | "
            f"{r['tracemalloc_peak_mib']} | {r['max_rss_mib']} | {r['rss_above_start_mib']} | "
            f"{r.get('sql_statements', '')} | {output} |"
        )
    print(f"\n({results and next(iter(results.values()))['runs']} timed runs per phase after one "
          "untimed cold run; each phase in its own process)")  # fmt: skip
    print_ratios(results)


def print_ratios(results):
    """Each report against its WeasyPrint floor of the same run (median wall, peak RSS)."""
    pairs = [
        ("board PDF job", "floor: board HTML → PDF"),
        ("board PDF", "floor: board HTML → PDF"),
        ("school PDF", "floor: school HTML → PDF"),
    ]
    lines = []
    for phase, floor in pairs:
        if phase in results and floor in results:
            r, f = results[phase], results[floor]
            lines.append(
                f"- {phase}: {r['median_s']} s, peak RSS {r['max_rss_mib']} MiB per process; "
                f"{floor}: {f['median_s']} s, {f['max_rss_mib']} MiB; ratio wall "
                f"{r['median_s'] / f['median_s']:.2f}x, memory "
                f"{r['max_rss_mib'] / f['max_rss_mib']:.2f}x"
            )
    if lines:
        print("\nRatios to the floor (median wall, peak RSS):\n" + "\n".join(lines))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=30, help="schools of the board (>= 2)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per phase")
    parser.add_argument("--school", default="12AB", help="BRIN of the one school measured")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="the SQLite file to reuse")
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--build-only", action="store_true", help="build, measure nothing")
    parser.add_argument("--phase", action="append", choices=list(PHASES), help="only these")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated data")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="worker processes of the job"
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the run under tracemalloc (faster)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", choices=list(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.schools < 2 or args.runs < 1:
        parser.error("--schools must be at least 2 and --runs at least 1")
    return args


def main(argv):
    args = parse_args(argv)
    args.db = args.db.resolve()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    html_dir = args.db.parent / "html"
    setup_django(args.db)
    if args.child:
        known = json.loads(meta_path(args.db).read_text())
        figures = measure_phase(
            args.child,
            known,
            args.school,
            args.runs,
            html_dir,
            workers=args.workers,
            trace=not args.no_tracemalloc,
        )
        print(json.dumps(figures))
        return 0
    known = ensure_data(args.db, schools=args.schools, seed=args.seed, rebuild=args.rebuild)
    if args.build_only:
        return 0
    html_dir.mkdir(exist_ok=True)
    results = {}
    for phase in args.phase or PHASES:
        log(f"{phase}: {PHASES[phase]} ...")
        if phase.startswith("floor"):
            prepare_floor_html(phase.split()[1], known, args.school, html_dir)
        results[phase] = run_phase_process(phase, args)
        log(f"{phase}: median {results[phase]['median_s']} s")
    facts = machine_facts()
    print_table(results, known, facts)
    if args.json:
        data = {"data": known, "machine": facts, "phases": results}
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
