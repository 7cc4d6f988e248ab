"""Issue 14, item 7: an XLSX "zip bomb" or an oversized file is refused before it is parsed,
with a clear message, and nothing is imported."""

import io
import tracemalloc

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from processes.models import SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory
from tests.fixtures.spreadsheets import xlsx, xlsx_bomb
from units.models import StaffMember
from werkdruk.tabular import ImportFileError, read_rows

pytestmark = pytest.mark.django_db

HEADER = ("naam", "e-mail", "categorie", "functie", "afdeling", "wtf")


@pytest.fixture
def parser_calls(monkeypatch):
    """Every call of openpyxl's parser; the patched parser refuses to parse."""
    calls = []

    def load_workbook(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the workbook must not be parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)
    return calls


def test_item7_staff_import_page_refuses_a_zip_bomb_without_parsing_it(client, parser_calls):
    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    bomb = xlsx_bomb(header=HEADER, megabytes=60)
    assert len(bomb) < 200_000  # a small upload that unpacks to 60 MB
    client.force_login(director)

    response = client.post(
        reverse("units:staff-import", kwargs={"school_id": school.pk}),
        {"file": SimpleUploadedFile("personeel.xlsx", bomb)},
    )

    assert response.status_code == 400
    assert parser_calls == []
    html = response.content.decode().replace("\xa0", " ")  # filesizeformat's spaces
    assert "This Excel workbook unpacks to 60.0 MB, more than the 50.0 MB" in html
    assert not StaffMember.objects.filter(school=school).exists()


def test_item7_a_zip_bomb_is_refused_without_growing_the_process():
    bomb = xlsx_bomb(header=HEADER, megabytes=60)

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError):
            read_rows(bomb, "personeel.xlsx")
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 5 * 1024 * 1024  # parsing it took more than 60 MB


def test_item7_a_tightly_packed_workbook_under_the_size_limit_is_refused(parser_calls):
    bomb = xlsx_bomb(header=HEADER, megabytes=5)  # 5 MB from about 10 kB

    with pytest.raises(ImportFileError) as refused:
        read_rows(bomb, "personeel.xlsx")

    assert parser_calls == []
    assert "packed unusually tightly" in refused.value.messages[0]


def test_item7_limits_come_from_the_settings(settings, parser_calls):
    settings.UPLOAD_XLSX_MAX_UNPACKED_BYTES = 1024
    with pytest.raises(ImportFileError, match="unpacks to"):
        read_rows(xlsx(HEADER, ("Ans", "ans@school.nl")), "personeel.xlsx")
    assert parser_calls == []


def test_item7_an_ordinary_workbook_is_still_read():
    rows = read_rows(xlsx(HEADER, ("Ans de Vries", "ans@school.nl", "OP", "", "", 0.8)))
    assert rows[1][:2] == ["Ans de Vries", "ans@school.nl"]


def test_item7_a_file_larger_than_the_upload_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    content = ("naam;e-mail\r\n" + "Ans;ans@school.nl\r\n" * 10).encode()
    with pytest.raises(ImportFileError) as refused:
        read_rows(content, "personeel.csv")
    assert refused.value.messages == ["The file is 203\xa0bytes; the maximum is 100\xa0bytes."]


def test_item7_an_upload_is_read_no_further_than_the_limit(settings):
    from werkdruk.tabular import read_upload

    settings.UPLOAD_MAX_BYTES = 100
    content, name = read_upload(SimpleUploadedFile("groot.csv", b"x" * 10_000))
    assert (len(content), name) == (101, "groot.csv")


def test_item7_a_corrupt_workbook_is_refused_as_unreadable():
    with pytest.raises(ImportFileError, match="could not be read as an Excel workbook"):
        read_rows(b"PK\x03\x04" + io.BytesIO(b"not a zip").getvalue(), "personeel.xlsx")
