"""The annual report pages on the demo's ratified process (Het Baken Lyceum, last year): who
may open the school's and the board's report, the downloads, and the board's report job from
the form to the file."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from processes.models import SchoolRole
from reporting import tasks
from reporting.models import ReportJob
from tests.factories import BoardAdministratorFactory, SchoolRoleFactory

DOMAIN = "demo.werkdruk.nl"


def demo_user(local):
    return get_user_model().objects.get(email=f"{local}@{DOMAIN}")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def school_urls(process):
    return [
        reverse(name, args=[process.pk])
        for name in (
            "reporting:school-report",
            "reporting:school-report-pdf",
            "reporting:school-report-docx",
        )
    ]


def test_the_school_report_shows_sections_a_to_d_to_director_pmr_and_board(client, ratified_demo):
    page_url = reverse("reporting:school-report", args=[ratified_demo.pk])
    for local in ("directeur.baken", "pmr.baken", "bestuur"):
        client.force_login(demo_user(local))
        response = client.get(page_url)
        assert response.status_code == 200, local
        html = response.content.decode()
        assert escape(ratified_demo.school.name) in html
        for section in "abcd":
            assert f'data-testid="section-{section}"' in html
        assert reverse("reporting:school-report-pdf", args=[ratified_demo.pk]) in html


def test_the_step_11_page_links_the_annual_report(client, ratified_demo):
    client.force_login(demo_user("directeur.baken"))
    response = client.get(reverse("processes:step-detail", args=[ratified_demo.pk, 11]))
    assert reverse("reporting:school-report", args=[ratified_demo.pk]) in response.content.decode()


def test_the_school_report_downloads_are_a_pdf_and_a_docx(client, ratified_demo):
    client.force_login(demo_user("directeur.baken"))
    _page, pdf_url, docx_url = school_urls(ratified_demo)
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    docx = client.get(docx_url)
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")
    assert docx["Content-Disposition"].endswith('.docx"')


def test_others_cannot_open_the_school_or_board_report(client, ratified_demo):
    school = ratified_demo.school
    year = ratified_demo.school_year.start_year
    board = school.board
    other_board_admin = BoardAdministratorFactory().user
    other_director = SchoolRoleFactory(role=SchoolRole.Role.DIRECTOR).user
    job = ReportJob.objects.create(
        board=board, school_year=ratified_demo.school_year, format="pdf", state="done"
    )
    board_urls = [
        reverse("reporting:board-report", args=[board.pk, year]),
        reverse("reporting:board-report-jobs", args=[board.pk, year]),
        reverse("reporting:board-dashboard", args=[board.pk]),
        reverse("reporting:job-download", args=[board.pk, job.pk]),
    ]
    start_url = reverse("reporting:board-report-start", args=[board.pk, year])
    cases = [
        # a teacher of the school sees the process, not its report
        (demo_user("docent.baken"), 403, 404),
        # the director of the board's other school, and another board's people
        (demo_user("directeur"), 404, 404),
        (other_director, 404, 404),
        (other_board_admin, 404, 404),
        # the school's own director and PMR do not see the board's pages
        (demo_user("directeur.baken"), 200, 404),
    ]
    for user, school_status, board_status in cases:
        client.force_login(user)
        for url in school_urls(ratified_demo)[:1] if school_status == 200 else []:
            assert client.get(url).status_code == 200
        if school_status != 200:
            for url in school_urls(ratified_demo):
                assert client.get(url).status_code == school_status, (user, url)
        for url in board_urls:
            assert client.get(url).status_code == board_status, (user, url)
        assert client.post(start_url, {"format": "pdf"}).status_code == board_status
    assert ReportJob.objects.count() == 1


def test_the_board_writes_its_report_in_the_background_and_downloads_it(
    client, ratified_demo, monkeypatch, django_capture_on_commit_callbacks
):
    board = ratified_demo.school.board
    year = ratified_demo.school_year.start_year
    client.force_login(demo_user("bestuur"))
    page = client.get(reverse("reporting:board-report", args=[board.pk, year]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="board-summary"' in html
    assert escape(ratified_demo.school.name) in html
    assert "No report has been written for this school year yet." in html

    queued = []
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda job_id, lease: queued.append(job_id))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:board-report-start", args=[board.pk, year]), {"format": "docx"}
        )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert queued == [job.pk]
    jobs_url = reverse("reporting:board-report-jobs", args=[board.pk, year])
    partial = client.get(jobs_url).content.decode()
    assert 'hx-trigger="every 2s"' in partial  # polls while the job waits
    assert "waiting for the background worker" in partial

    assert tasks.report_job_run(job.pk) == ReportJob.State.DONE
    job.refresh_from_db()
    assert job.progress_total == board.schools.count() == job.progress_done
    partial = client.get(jobs_url).content.decode()
    assert "hx-trigger" not in partial  # done: the polling stops
    download_url = reverse("reporting:job-download", args=[board.pk, job.pk])
    assert download_url in partial
    download = client.get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert job.filename.endswith(".docx")
    assert job.filename in download["Content-Disposition"]
