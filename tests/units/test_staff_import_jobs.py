"""Issue 20, item 2: the staff import in bulk (its statements do not grow with the rows) and a
large import as a background job with progress on its page, never a request that times out."""

import codecs
import datetime
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from processes.models import SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory, StaffMemberFactory
from units.models import StaffImportJob, StaffMember
from units.services.staff import (
    PREVIEW_SALT,
    staff_import,
    staff_import_job_run,
    staff_import_job_start,
    staff_import_preview,
)

pytestmark = pytest.mark.django_db

HEADERS = "naam;e-mail;categorie;functie;afdeling;wtf"
# Statements that may come on top for 100 rows rather than 10: batches of inserts and updates
# (two tables, two at most each on SQLite's parameter limit; one on PostgreSQL).
BATCHES = 4


@pytest.fixture
def school():
    return SchoolFactory()


def staff_csv(count: int, *, start: int = 0, fte: str = "0,8") -> bytes:
    rows = [f"Persoon {n};p{n}@school.nl;OP;docent;Exact;{fte}" for n in range(start, count)]
    return codecs.BOM_UTF8 + "\r\n".join([HEADERS, *rows]).encode() + b"\r\n"


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("personeel.csv", content)


def statements(work) -> int:
    with CaptureQueriesContext(connection) as queries:
        work()
    return len(queries.captured_queries)


# The bulk import: a constant number of statements


def test_the_first_import_sends_as_many_statements_for_100_rows_as_for_10(school, director):
    other = SchoolFactory()
    other_director = SchoolRoleFactory(school=other, role=SchoolRole.Role.DIRECTOR).user

    ten = statements(
        lambda: staff_import(school=school, file=upload(staff_csv(10)), actor=director)
    )
    hundred = statements(
        lambda: staff_import(
            school=other, file=upload(staff_csv(1100, start=1000)), actor=other_director
        )
    )

    assert StaffMember.objects.filter(school=other, user__isnull=False).count() == 100
    # Inserts of many rows go in batches: SQLite takes 999 parameters per statement, so the
    # members and their history rows take one more INSERT each per 90 rows; no per-row work.
    assert ten <= hundred <= ten + BATCHES


def test_a_reimport_sends_as_many_statements_for_100_rows_as_for_10(school, director):
    other = SchoolFactory()
    other_director = SchoolRoleFactory(school=other, role=SchoolRole.Role.DIRECTOR).user
    staff_import(school=school, file=upload(staff_csv(12)), actor=director)
    staff_import(school=other, file=upload(staff_csv(1120, start=1000)), actor=other_director)

    # Changed fte for all, two people gone: updates and deactivations, no new accounts.
    ten = statements(
        lambda: staff_import(school=school, file=upload(staff_csv(10, fte="1")), actor=director)
    )
    hundred = statements(
        lambda: staff_import(
            school=other, file=upload(staff_csv(1100, start=1000, fte="1")), actor=other_director
        )
    )

    assert StaffMember.objects.filter(school=other, active=False).count() == 20
    assert ten <= hundred <= ten + BATCHES


def test_bulk_writes_keep_a_history_record_per_member_with_the_director(school, director):
    staff_import(school=school, file=upload(staff_csv(3)), actor=director)
    staff_import(school=school, file=upload(staff_csv(2, fte="1")), actor=director)

    history = StaffMember.history.filter(school=school).order_by("history_id")
    assert [(row.email, row.history_type, row.fte, row.active) for row in history] == [
        ("p0@school.nl", "+", Decimal("0.8"), True),
        ("p1@school.nl", "+", Decimal("0.8"), True),
        ("p2@school.nl", "+", Decimal("0.8"), True),
        ("p0@school.nl", "~", Decimal(1), True),
        ("p1@school.nl", "~", Decimal(1), True),
        ("p2@school.nl", "~", Decimal("0.8"), False),
    ]
    assert {row.history_user for row in history} == {director}


# A large import as a job


@pytest.fixture
def small_requests(settings):
    settings.STAFF_IMPORT_SYNC_MAX_ROWS = 2


def job_url(school, job):
    return reverse("units:staff-import-job", kwargs={"school_id": school.pk, "pk": job.pk})


def test_a_large_import_runs_as_a_job_and_its_page_shows_the_result(
    client, school, director, small_requests, django_capture_on_commit_callbacks
):
    StaffMemberFactory(school=school, email="weg@school.nl")
    client.force_login(director)
    preview = client.post(
        reverse("units:staff-import-preview", kwargs={"school_id": school.pk}),
        {"file": upload(staff_csv(3))},
    )
    token = preview.context["form"].initial["token"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("units:staff-import-confirm", kwargs={"school_id": school.pk}),
            {"token": token},
        )

    job = StaffImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == job_url(school, job)
    assert len(callbacks) == 1  # queued once the job's row is committed; run eagerly here
    job.refresh_from_db()
    assert job.state == StaffImportJob.State.DONE
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.token == ""  # the rows as read are not kept
    assert job.result == {
        "added": 3,
        "changed": 0,
        "unchanged": 0,
        "deactivated": 1,
        "accounts_created": 3,
    }
    assert StaffMember.objects.filter(school=school, active=True).count() == 3
    page = client.get(job_url(school, job))
    assert page.status_code == 200
    assert (
        "The staff list has been imported: 3 added, 0 changed, 0 unchanged, 1 deactivated; "
        "3 new accounts" in page.content.decode()
    )
    assert "hx-trigger" not in page.content.decode()  # finished: no more polling


def test_a_small_import_is_still_done_in_the_request(client, school, director, small_requests):
    client.force_login(director)
    preview = client.post(
        reverse("units:staff-import-preview", kwargs={"school_id": school.pk}),
        {"file": upload(staff_csv(2))},
    )

    response = client.post(
        reverse("units:staff-import-confirm", kwargs={"school_id": school.pk}),
        {"token": preview.context["form"].initial["token"]},
    )

    assert response.url == reverse("units:staff-list", kwargs={"school_id": school.pk})
    assert not StaffImportJob.objects.exists()
    assert StaffMember.objects.filter(school=school).count() == 2


def test_the_job_page_polls_and_shows_progress_while_the_job_waits(
    client, school, director, small_requests
):
    preview = staff_import_preview(school=school, file=upload(staff_csv(3)), actor=director)
    job = staff_import_job_start(school=school, token=preview.token, choices={}, actor=director)
    client.force_login(director)

    page = client.get(job_url(school, job))
    part = client.get(job_url(school, job), headers={"HX-Request": "true"})

    assert page.status_code == part.status_code == 200
    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert "Waiting for the background worker" in part.content.decode()
    assert "<html" not in part.content.decode()  # htmx gets the job's part only
    assert not StaffMember.objects.filter(school=school).exists()


def test_the_job_page_stops_polling_and_says_so_when_no_worker_ran_the_job(
    client, school, director, settings
):
    preview = staff_import_preview(school=school, file=upload(staff_csv(3)), actor=director)
    job = staff_import_job_start(school=school, token=preview.token, choices={}, actor=director)
    client.force_login(director)
    settings.STAFF_IMPORT_JOB_STALE_SECONDS = 60
    StaffImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=61)
    )

    page = client.get(job_url(school, job)).content.decode()

    assert 'data-testid="job-stale"' in page
    assert "hx-trigger" not in page


def test_a_job_with_wrong_rows_imports_nothing_and_lists_every_row_error(client, school, director):
    kept = StaffMemberFactory(school=school, email="blijft@school.nl")
    preview = staff_import_preview(school=school, file=upload(staff_csv(4)), actor=director)
    # The rows as read, changed after the preview (what a changed staff list would do).
    data = signing.loads(preview.token, salt=PREVIEW_SALT)
    data["reading"]["people"][1].update(fte="abc", decimal=False)
    data["reading"]["people"][3]["email"] = "geen adres"
    token = signing.dumps(data, salt=PREVIEW_SALT, compress=True)
    job = staff_import_job_start(school=school, token=token, choices={}, actor=director)

    staff_import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == StaffImportJob.State.FAILED
    assert job.token == ""
    assert job.row_errors == [
        [3, ["The fte “abc” is not a number."]],
        [5, ["“geen adres” is not a valid e-mail address."]],
    ]
    assert list(StaffMember.objects.filter(school=school)) == [kept]
    client.force_login(director)
    page = client.get(job_url(school, job)).content.decode()
    assert "Nothing was imported: 2 rows have errors." in page
    assert "The fte “abc” is not a number." in page


def test_a_job_runs_once_when_its_message_is_delivered_twice(school, director):
    preview = staff_import_preview(school=school, file=upload(staff_csv(3)), actor=director)
    job = staff_import_job_start(school=school, token=preview.token, choices={}, actor=director)

    assert staff_import_job_run(job_id=job.pk).state == StaffImportJob.State.DONE
    assert staff_import_job_run(job_id=job.pk) is None
    assert StaffMember.history.filter(school=school).count() == 3


def test_a_job_fails_with_a_message_when_the_director_lost_the_right(school, director):
    preview = staff_import_preview(school=school, file=upload(staff_csv(3)), actor=director)
    job = staff_import_job_start(school=school, token=preview.token, choices={}, actor=director)
    SchoolRole.objects.filter(user=director).delete()

    staff_import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == StaffImportJob.State.FAILED
    assert job.error == "You may no longer import the staff list of this school."
    assert not StaffMember.objects.filter(school=school).exists()


def test_the_job_page_is_the_schools_director_only(client, school, director, pmr):
    preview = staff_import_preview(school=school, file=upload(staff_csv(3)), actor=director)
    job = staff_import_job_start(school=school, token=preview.token, choices={}, actor=director)
    other = SchoolFactory()
    other_director = SchoolRoleFactory(school=other, role=SchoolRole.Role.DIRECTOR).user

    client.force_login(pmr)
    assert client.get(job_url(school, job)).status_code in (403, 404)
    client.force_login(other_director)
    assert client.get(job_url(school, job)).status_code in (403, 404)
    other_url = reverse("units:staff-import-job", kwargs={"school_id": other.pk, "pk": job.pk})
    assert client.get(other_url).status_code == 404


# The nightly cleanup


def test_the_nightly_cleanup_deletes_jobs_kept_long_enough_and_keeps_the_others(school, director):
    from django_celery_beat.models import PeriodicTask

    from units.services.staff import JOB_KEEP_DAYS, staff_import_jobs_clean
    from units.tasks import staff_import_jobs_clean as task

    now = timezone.now()
    old = now - datetime.timedelta(days=JOB_KEEP_DAYS, minutes=1)
    recent = now - datetime.timedelta(days=JOB_KEEP_DAYS - 1)

    def job(**fields):
        made = StaffImportJob.objects.create(school=school, requested_by=director, token="rows")
        StaffImportJob.objects.filter(pk=made.pk).update(**fields)
        return made.pk

    done_old = job(state=StaffImportJob.State.DONE, created_at=old, finished_at=old, token="")
    failed_old = job(state=StaffImportJob.State.FAILED, created_at=old, finished_at=old, token="")
    never_run = job(created_at=old)  # no worker took it: its token still holds the rows
    kept = {
        job(state=StaffImportJob.State.DONE, created_at=old, finished_at=recent, token=""),
        job(created_at=recent),
        job(state=StaffImportJob.State.RUNNING, created_at=recent),
    }

    assert staff_import_jobs_clean(now=now) == 3
    assert set(StaffImportJob.objects.values_list("pk", flat=True)) == kept
    assert not StaffImportJob.objects.filter(pk__in=[done_old, failed_old, never_run]).exists()
    assert task.delay().get() == 0  # the task runs the same cleanup, nothing left to delete
    entry = PeriodicTask.objects.get(task="units.tasks.staff_import_jobs_clean")
    assert entry.enabled
    assert (entry.crontab.minute, entry.crontab.hour) == ("45", "3")


# The preview of a large file


def test_the_preview_lists_the_first_people_of_each_kind_and_counts_everyone(
    client, school, director, monkeypatch
):
    from units.views import staff as views

    monkeypatch.setattr(views, "PREVIEW_PEOPLE_PER_KIND", 2)
    for n in range(3):  # p0-p2 stay as they are (unchanged), p3 gets another fte (changed)
        StaffMemberFactory(
            school=school, name=f"Persoon {n}", email=f"p{n}@school.nl", function="docent",
            department="Exact", fte=Decimal("0.8"), category="OP",
        )  # fmt: skip
    StaffMemberFactory(school=school, name="Persoon 3", email="p3@school.nl", fte=Decimal("0.5"))
    client.force_login(director)

    page = client.post(
        reverse("units:staff-import-preview", kwargs={"school_id": school.pk}),
        {"file": upload(staff_csv(8))},
    ).content.decode()

    assert "4 new, 1 changed, 3 unchanged, 0 leaving" in page
    listed = [n for n in range(8) if f"p{n}@school.nl" in page]
    assert listed == [0, 1, 3, 4, 5]  # 2 unchanged, the changed one, 2 of the 4 new
    assert 'data-testid="people-shortened"' in page
    assert "the first 2 of 3 unchanged people" in page
    assert "the first 2 of 4 new people" in page
    assert "changed person" not in page  # listed in full

    small = client.post(
        reverse("units:staff-import-preview", kwargs={"school_id": school.pk}),
        {"file": upload(staff_csv(2))},
    ).content.decode()
    assert 'data-testid="people-shortened"' not in small
