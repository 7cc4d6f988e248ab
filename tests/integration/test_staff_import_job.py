"""A large staff import confirmed on the page is run by a real Celery worker in another process
(Redis, PostgreSQL): the page answers at once, the job runs to done with every person imported
and an account each, and the job's page shows the counts (issue 20, item 2)."""

import codecs
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from processes.models import SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory
from tests.seeds import reference_data_seed
from units.models import StaffImportJob, StaffMember

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

JOB_TIMEOUT = 120  # seconds
PEOPLE = 300


def staff_csv() -> bytes:
    rows = [f"Persoon {n};p{n}@school.nl;OP;docent;Exact;0,8" for n in range(PEOPLE)]
    header = "naam;e-mail;categorie;functie;afdeling;wtf"
    return codecs.BOM_UTF8 + "\r\n".join([header, *rows]).encode() + b"\r\n"


def test_the_worker_imports_a_large_staff_list_confirmed_on_the_page(
    celery_worker_process, client, settings
):
    settings.STAFF_IMPORT_SYNC_MAX_ROWS = 100
    reference_data_seed()
    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    client.force_login(director)
    preview = client.post(
        reverse("units:staff-import-preview", kwargs={"school_id": school.pk}),
        {"file": SimpleUploadedFile("personeel.csv", staff_csv())},
    )
    token = preview.context["form"].initial["token"]

    response = client.post(
        reverse("units:staff-import-confirm", kwargs={"school_id": school.pk}), {"token": token}
    )

    job = StaffImportJob.objects.get(school=school)
    url = reverse("units:staff-import-job", kwargs={"school_id": school.pk, "pk": job.pk})
    assert response.status_code == 302
    assert response.url == url
    deadline = time.monotonic() + JOB_TIMEOUT
    while job.active and time.monotonic() < deadline:
        time.sleep(0.5)
        job.refresh_from_db()
    assert job.state == StaffImportJob.State.DONE, (job.state, job.error, job.row_errors)
    assert job.result["added"] == PEOPLE
    assert job.token == ""
    assert StaffMember.objects.filter(school=school, user__isnull=False).count() == PEOPLE
    assert StaffMember.history.filter(school=school, history_user=director).count() == PEOPLE
    page = client.get(url).content.decode()
    assert 'data-state="done"' in page
    assert 'data-testid="job-result"' in page
