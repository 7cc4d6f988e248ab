"""Issue 19, item 2: a removal deletes the board's stored report files.

A board report names people (the decision timeline). Its file is written from the records the
removal scrubs, so a file written before the removal would keep the name: the removal deletes
the board's report files through the storage; the jobs stay listed without a file, and other
boards' files stay."""

import pytest
from django.core.files.base import ContentFile

from privacy.services.removal import staff_member_remove
from reporting.models import ReportJob
from tests.factories import SchoolFactory, StaffMemberFactory
from werkdruk.exceptions import DomainError


def report_with_file(board, school_year):
    job = ReportJob.objects.create(
        board=board, school_year=school_year, format="pdf", state=ReportJob.State.DONE
    )
    job.file.save("report.pdf", ContentFile(b"%PDF names"))
    return job


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_a_removal_deletes_the_boards_report_files(
    school, school_year, director, media, django_capture_on_commit_callbacks
):
    member = StaffMemberFactory(school=school, active=False)
    ours = report_with_file(school.board, school_year)
    theirs = report_with_file(SchoolFactory().board, school_year)
    our_name, their_name = ours.file.name, theirs.file.name
    storage = ours.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        staff_member_remove(member=member, actor=director, reason="left")

    assert not storage.exists(our_name)
    ours.refresh_from_db()
    assert not ours.file and ours.state == ReportJob.State.DONE  # still listed
    assert storage.exists(their_name)  # another board's report does not name them


def test_a_refused_removal_deletes_nothing(
    school, school_year, director, media, django_capture_on_commit_callbacks
):
    member = StaffMemberFactory(school=school, active=True)  # still on the staff list
    job = report_with_file(school.board, school_year)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        staff_member_remove(member=member, actor=director, reason="left")
    assert job.file.storage.exists(job.file.name)
