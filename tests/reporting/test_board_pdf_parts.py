"""The board report's PDF rendered in parts (one task per school, in parallel) and merged:
continuous page numbers and contents over the whole file, every school in it, progress per
school, a failing school fails the job, and no part outlives the job's run."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from reporting import documents, services, tasks
from reporting.models import ReportJob, ReportJobPart
from tests.factories import BoardAdministratorFactory, SchoolFactory, SchoolYearFactory

pytestmark = pytest.mark.django_db

NAMES = ["Anna College", "Berkenhof Lyceum", "Christelijk Gymnasium Zuid"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REPORT_PDF_PARTS_MIN_SCHOOLS = 2


@pytest.fixture
def board():
    first = SchoolFactory(name=NAMES[2])
    for name in NAMES[:2]:
        SchoolFactory(board=first.board, name=name)
    return first.board


@pytest.fixture
def job(board, monkeypatch):
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda job_id, lease: None)
    admin = BoardAdministratorFactory(board=board).user
    year = SchoolYearFactory(start_year=2025)
    return services.report_job_start(board=board, school_year=year, fmt="pdf", actor=admin)


def pages_text(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_merged_board_pdf_is_numbered_and_indexed_over_the_whole_file(
    job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = services.report_job_run(job_id=job.pk)
    assert done.state == ReportJob.State.DONE, done.error
    assert (done.progress_done, done.progress_total) == (3, 3)
    content = done.file.read()
    texts = pages_text(content)
    total = len(texts)
    assert total >= 4  # the cover and a page per school at least
    # every page carries "page N of TOTAL", N running from 1 without a gap or a repeat
    numbers = []
    for text in texts:
        found = re.findall(r"page (\d+) of (\d+)", text)
        assert len(found) == 1, text[-200:]
        numbers.append((int(found[0][0]), int(found[0][1])))
    assert numbers == [(n, total) for n in range(1, total + 1)]
    # every school, in the board's order (by name), each starting on its own page
    starts = {}
    for name in NAMES:
        # its pages carry its name in the running header (the cover lists it, without one)
        heading = [i for i, text in enumerate(texts) if f"{name} · workload funds" in text]
        assert heading, (name, texts)
        starts[name] = heading[0] + 1
    assert starts[NAMES[0]] < starts[NAMES[1]] < starts[NAMES[2]]
    # the contents on the cover point at those pages
    cover = texts[0]
    assert "Contents" in cover
    for name in NAMES:
        listed = re.search(re.escape(name) + r"[ .]*?(\d+)\s*$", cover, re.MULTILINE)
        assert listed, (name, cover)
        assert int(listed.group(1)) == starts[name]
    # bookmarks for the schools, and nothing left of the parts
    outline = PdfReader(io.BytesIO(content)).outline
    assert [item.title for item in outline][:3] == NAMES
    assert not ReportJobPart.objects.exists()
    assert default_storage.listdir("reports/parts")[1] == []


def test_the_toc_numbers_match_a_single_rendering(job, board):
    """The parts merged number the pages as one rendering of the whole report would."""
    from reporting.selectors import figures

    done = services.report_job_run(job_id=job.pk)
    merged = pages_text(done.file.read())
    report = figures.board_report(board=board, school_year=job.school_year)
    single = pages_text(documents.report_pdf(report))
    assert len(merged) == len(single)
    for name in NAMES:
        assert [name in text for text in merged] == [name in text for text in single], name


def test_a_failing_school_fails_the_job_and_drops_the_parts(
    job, monkeypatch, django_capture_on_commit_callbacks
):
    real = documents.board_part_pdf
    calls = []

    def board_part_pdf(report, *, position):
        calls.append(position)
        if position == 2:
            raise RuntimeError("this school's part broke")
        return real(report, position=position)

    monkeypatch.setattr(documents, "board_part_pdf", board_part_pdf)
    with django_capture_on_commit_callbacks(execute=True):
        failed = services.report_job_run(job_id=job.pk)
    assert failed.state == ReportJob.State.FAILED
    assert failed.error == services.FAILED and not failed.file
    assert calls == [1, 2]  # the third part saw the job failed and rendered nothing
    assert not ReportJobPart.objects.exists()
    assert default_storage.listdir("reports/parts")[1] == []


def test_a_part_of_a_replaced_run_stores_nothing(job):
    ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.RUNNING, attempt=2)
    assert services.report_part_run(job_id=job.pk, attempt=1, school_id=1, position=1) is None
    assert not ReportJobPart.objects.exists()


def test_a_part_delivered_twice_counts_once(job, board):
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJob.State.RUNNING, attempt=1, progress_total=3
    )
    school = board.schools.order_by("name").first()
    for _ in range(2):
        services.report_part_run(job_id=job.pk, attempt=1, school_id=school.pk, position=1)
    job.refresh_from_db()
    assert job.progress_done == 1 and job.state == ReportJob.State.RUNNING
    assert ReportJobPart.objects.count() == 1
    assert len(default_storage.listdir("reports/parts")[1]) == 1


def test_a_single_school_board_renders_in_one_piece(settings, board, job, monkeypatch):
    settings.REPORT_PDF_PARTS_MIN_SCHOOLS = 4
    monkeypatch.setattr(documents, "board_part_pdf", None)  # would fail if used
    done = services.report_job_run(job_id=job.pk)
    assert done.state == ReportJob.State.DONE
    texts = pages_text(done.file.read())
    assert re.search(f"page 1 of {len(texts)}", texts[0])


def test_the_biggest_parts_are_queued_first_and_merged_in_the_boards_order(job, board, monkeypatch):
    """The parts go to the workers biggest first (by the school plan's measures), so the
    worker processes finish together; the merged file keeps the board's order."""
    assert services._part_sizes(job) == {}  # no school plans here: the query runs, finds none
    schools = {school.name: school.pk for school in board.schools.all()}
    sizes = {schools[NAMES[2]]: 40, schools[NAMES[1]]: 25, schools[NAMES[0]]: 6}
    monkeypatch.setattr(services, "_part_sizes", lambda job: sizes)
    rendered = []
    part_run = services.report_part_run

    def recording(**kwargs):
        rendered.append(kwargs["position"])
        return part_run(**kwargs)

    monkeypatch.setattr(services, "report_part_run", recording)

    done = services.report_job_run(job_id=job.pk)

    assert rendered == [3, 2, 1]  # positions in the board's (name) order, biggest first
    texts = pages_text(done.file.read())
    starts = [next(i for i, t in enumerate(texts) if f"{n} · workload funds" in t) for n in NAMES]
    assert starts == sorted(starts)
