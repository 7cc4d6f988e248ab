"""The staff import: reading schools' files, validating every row, upserting by e-mail."""

import codecs
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes.models import SchoolRole
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.fixtures.spreadsheets import ods
from tests.signin import sign_in_admin
from units.importing import read_staff_file
from units.models import StaffCategory, StaffMember
from units.resources import StaffMemberResource
from units.services.staff import StaffImportError, staff_import
from werkdruk.tabular import MAX_ROWS

pytestmark = pytest.mark.django_db

DUTCH_HEADERS = "naam;e-mail;categorie;functie;afdeling;wtf"


@pytest.fixture
def school():
    # Overrides the shared school (tests/fixtures/people.py): no staff before the import.
    return SchoolFactory()


def dutch_csv(*rows, headers=DUTCH_HEADERS) -> bytes:
    """A file as Dutch Excel saves "CSV UTF-8": BOM, ``;`` separators, CRLF."""
    return codecs.BOM_UTF8 + "\r\n".join([headers, *rows]).encode("utf-8") + b"\r\n"


def upload(content: bytes, name="personeel.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot(school) -> list[tuple]:
    return list(
        StaffMember.objects.filter(school=school)
        .order_by("pk")
        .values_list("pk", "name", "email", "category", "function", "department", "fte", "active")
    )


def import_errors(school, actor, content, name="personeel.csv") -> list:
    with pytest.raises(StaffImportError) as raised:
        staff_import(school=school, file=upload(content, name), actor=actor)
    return raised.value.errors


# Reading files


def test_dutch_excel_csv_is_imported_when_it_has_bom_semicolons_and_decimal_commas(
    school, director
):
    content = dutch_csv(
        "Jan de Vries;J.deVries@School.nl;OP;docent;Wiskunde;0,8",
        '"Bakker, Els";e.bakker@school.nl;oop;conciërge;Facilitair;1',
        "Anouk Smit;a.smit@school.nl;mt;teamleider;;0,6571",
    )

    result = staff_import(school=school, file=upload(content), actor=director)

    assert (result.added, result.changed, result.unchanged, result.deactivated) == (3, 0, 0, 0)
    jan = StaffMember.objects.get(school=school, email="j.devries@school.nl")
    assert jan.name == "Jan de Vries"
    assert jan.category == StaffCategory.OP
    assert jan.function == "docent"
    assert jan.department == "Wiskunde"
    assert jan.fte == Decimal("0.8")
    assert jan.active is True
    els = StaffMember.objects.get(school=school, email="e.bakker@school.nl")
    assert els.name == "Bakker, Els"
    assert els.category == StaffCategory.OOP
    assert els.function == "conciërge"
    assert els.fte == Decimal("1")
    anouk = StaffMember.objects.get(school=school, email="a.smit@school.nl")
    assert anouk.category == StaffCategory.MT
    assert anouk.department == ""
    assert anouk.fte == Decimal("0.6571")


def test_english_headers_are_read_when_the_file_is_comma_separated_with_decimal_points(
    school, director
):
    content = (
        b"Name,Email,Category,Function,Department,FTE\n"
        b"Piet Jansen,piet@school.nl,op,teacher,Science,0.75\n"
        b"Ria Mol,ria@school.nl,Support staff,administration,Office,1.0\n"
    )

    result = staff_import(school=school, file=upload(content), actor=director)

    assert result.added == 2
    piet = StaffMember.objects.get(email="piet@school.nl")
    assert (piet.category, piet.fte, piet.department) == ("OP", Decimal("0.75"), "Science")
    assert StaffMember.objects.get(email="ria@school.nl").category == StaffCategory.OOP


def test_header_aliases_are_recognised_when_the_export_uses_other_dutch_words(school, director):
    content = dutch_csv(
        "Zoë Visser;z.visser@school.nl;Onderwijsondersteunend personeel;mediathecaris;"
        "Mediatheek;0,5",
        headers="Volledige naam;E-mailadres;Personeelscategorie;Functie;Sectie;Werktijdfactor",
    )

    staff_import(school=school, file=upload(content), actor=director)

    zoe = StaffMember.objects.get(email="z.visser@school.nl")
    assert (zoe.name, zoe.category, zoe.department, zoe.fte) == (
        "Zoë Visser",
        "OOP",
        "Mediatheek",
        Decimal("0.5"),
    )


def test_split_name_columns_are_joined_when_the_hr_export_has_no_name_column(school, director):
    content = dutch_csv(
        "Jan;de;Vries;jan@school.nl;OP;0,8",
        "Els;;Bakker;els@school.nl;OOP;1",
        headers="Voornaam;Tussenvoegsel;Achternaam;E-mail;Categorie;WTF",
    )

    staff_import(school=school, file=upload(content), actor=director)

    names = dict(StaffMember.objects.filter(school=school).values_list("email", "name"))
    assert names == {"jan@school.nl": "Jan de Vries", "els@school.nl": "Els Bakker"}


def test_name_is_still_required_when_only_a_first_name_column_exists(school, director):
    content = dutch_csv("Jan;jan@school.nl;OP;0,8", headers="Voornaam;E-mail;Categorie;WTF")

    errors = import_errors(school, director, content)

    assert errors[0].row_number is None
    assert "Column missing" in errors[0].reason
    assert not StaffMember.objects.exists()


def test_imported_staff_get_accounts_and_existing_accounts_are_linked(school, director):
    elsewhere = UserFactory(email="els@school.nl")
    content = dutch_csv(
        "Jan de Vries;jan@school.nl;OP;docent;;0,8",
        "Els Bakker;ELS@school.nl;OOP;conciërge;;1",
    )

    result = staff_import(school=school, file=upload(content), actor=director)

    assert result.accounts_created == 1
    jan = StaffMember.objects.get(email="jan@school.nl")
    assert jan.user.email == "jan@school.nl"
    assert not jan.user.has_usable_password()  # signs in with an e-mailed code
    assert StaffMember.objects.get(email="els@school.nl").user == elsewhere


def test_dry_run_creates_no_accounts(school, director):
    from django.contrib.auth import get_user_model

    users_before = get_user_model().objects.count()
    content = dutch_csv("Jan de Vries;jan@school.nl;OP;docent;;0,8")

    result = staff_import(school=school, file=upload(content), actor=director, dry_run=True)

    assert result.accounts_created == 0
    assert get_user_model().objects.count() == users_before


def test_cp1252_file_is_read_when_it_is_not_utf8(school, director):
    content = "naam;e-mail;categorie;wtf\r\nRenée Çelik;r.celik@school.nl;OP;0,4\r\n".encode(
        "cp1252"
    )

    staff_import(school=school, file=upload(content), actor=director)

    assert StaffMember.objects.get(email="r.celik@school.nl").name == "Renée Çelik"


def test_xlsx_is_imported_when_built_with_a_workbook(school, director):
    content = xlsx(
        ("Naam", "E-mail", "Categorie", "Functie", "Afdeling", "WTF"),
        ("Jan de Vries", "jan@school.nl", "OP", "docent", "Frans", 0.8),
        ("Els Bakker", "els@school.nl", "OOP", None, None, 1),
        ("Kees Groen", "kees@school.nl", "MT", "rector", "Directie", "0,9"),
    )

    result = staff_import(school=school, file=upload(content, "personeel.xlsx"), actor=director)

    assert result.added == 3
    assert StaffMember.objects.get(email="jan@school.nl").fte == Decimal("0.8")
    els = StaffMember.objects.get(email="els@school.nl")
    assert (els.fte, els.function, els.department) == (Decimal("1"), "", "")
    assert StaffMember.objects.get(email="kees@school.nl").fte == Decimal("0.9")


def test_ods_is_imported_when_saved_by_libreoffice_via_the_import_page(client, school, director):
    content = ods(
        ("Naam", "E-mail", "Categorie", "Functie", "Afdeling", "WTF"),
        ("Jan de Vries", "jan@school.nl", "op", "docent", "Frans", 0.8),
        ("Kees Groen", "kees@school.nl", "MT", "", "", "0,9"),
    )
    client.force_login(director)
    url = reverse("units:staff-import", kwargs={"school_id": school.pk})

    client.post(url, {"file": upload(content, "personeel.ods")})

    assert dict(StaffMember.objects.values_list("email", "fte")) == {
        "jan@school.nl": Decimal("0.8"),
        "kees@school.nl": Decimal("0.9"),
    }


def test_ods_row_errors_are_those_of_the_csv_and_nothing_is_imported(school, director):
    rows = [
        ("naam", "e-mail", "categorie", "functie", "afdeling", "wtf"),
        ("Jan de Vries", "jan@school.nl", "OP", "docent", "", "0,8"),
        ("", "", "", "", "", ""),
        ("Fout", "fout@school.nl", "OP", "", "", "1,5"),
    ]
    as_csv = dutch_csv(*(";".join(row) for row in rows[1:]))

    from_ods = import_errors(school, director, ods(*rows), "personeel.ods")

    assert [str(error) for error in from_ods] == [
        str(error) for error in import_errors(school, director, as_csv)
    ]
    assert [error.row_number for error in from_ods] == [4]
    assert not StaffMember.objects.exists()


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers_when_the_file_has_gaps(
    school, director
):
    content = dutch_csv(
        "Jan de Vries;jan@school.nl;OP;docent;;0,8",
        ";;;;;",
        "",
        "Els Bakker;els@school.nl;XX;;;1",
        ";;;;;",
    )

    errors = import_errors(school, director, content)

    assert [(error.row_number, error.reason) for error in errors] == [
        (5, "Unknown staff category “XX”: use OP, OOP or MT.")
    ]


# Validation: any error keeps the whole file out


@pytest.fixture
def existing_staff(school):
    """Staff an import would change, deactivate or leave alone if it went through."""
    return [
        StaffMemberFactory(
            school=school, name="Jan de Vries", email="jan@school.nl", fte=Decimal("0.5")
        ),
        StaffMemberFactory(school=school, name="Piet Pot", email="piet@school.nl"),
    ]


@pytest.mark.parametrize(
    ("bad_row", "row_number", "reason"),
    [
        (
            "Jan Dubbel;JAN@school.nl;OP;;;0,5",
            3,
            "The e-mail address jan@school.nl also appears in row 2.",
        ),
        (
            "Nul Uren;nul@school.nl;OP;;;0",
            3,
            "The fte 0 is out of range: it must be more than 0 and at most 1.2.",
        ),
        (
            "Veel Uren;veel@school.nl;OP;;;1,5",
            3,
            "The fte 1,5 is out of range: it must be more than 0 and at most 1.2.",
        ),
        ("Onbekend;onbekend@school.nl;docent;;;1", 3, "Unknown staff category “docent”"),
        (";naamloos@school.nl;OP;;;1", 3, "The name is missing."),
        ("Geen Adres;piet.school.nl;OP;;;1", 3, "“piet.school.nl” is not a valid e-mail address."),
        ("Geen Adres;;OP;;;1", 3, "The e-mail address is missing."),
        ("Tekst Fte;tekst@school.nl;OP;;;veel", 3, "The fte “veel” is not a number."),
        ("Geen Fte;geenfte@school.nl;OP;;;", 3, "The fte is missing."),
        ("Geen Categorie;geencat@school.nl;;;;1", 3, "The staff category is missing."),
    ],
)
def test_nothing_is_imported_when_one_row_is_wrong(
    school, director, existing_staff, bad_row, row_number, reason
):
    before = snapshot(school)
    # Would change Jan's fte, add Anna and deactivate Piet if the import went through.
    content = dutch_csv(
        "Jan de Vries;jan@school.nl;OP;docent;;0,8", bad_row, "Anna;anna@school.nl;OP;;;1"
    )

    errors = import_errors(school, director, content)

    assert len(errors) == 1
    assert errors[0].row_number == row_number
    assert reason in errors[0].reason
    assert str(errors[0]).startswith(f"Row {row_number}: ")
    assert snapshot(school) == before
    assert StaffMember.objects.count() == 2
    assert StaffMember.history.count() == 2  # only the factories' own history rows


def test_every_bad_row_is_reported_when_several_rows_are_wrong(school, director):
    content = dutch_csv(
        "Goed;goed@school.nl;OP;;;1",
        ";fout;XYZ;;;2",
        "Dubbel;GOED@school.nl;OP;;;1",
        "Ook Goed;ookgoed@school.nl;OOP;;;0,2",
        "Fte;fte@school.nl;MT;;;1,21",
    )

    errors = import_errors(school, director, content)

    assert [error.row_number for error in errors] == [3, 4, 6]
    assert errors[0].messages == (
        "The name is missing.",
        "“fout” is not a valid e-mail address.",
        "Unknown staff category “XYZ”: use OP, OOP or MT.",
        "The fte 2 is out of range: it must be more than 0 and at most 1.2.",
    )
    assert "also appears in row 2" in errors[1].reason
    assert "1,21 is out of range" in errors[2].reason
    assert not StaffMember.objects.exists()


def test_nothing_is_imported_when_a_required_column_is_missing(school, director, existing_staff):
    before = snapshot(school)
    content = dutch_csv("Jan de Vries;jan@school.nl;docent;0,8", headers="naam;e-mail;functie;wtf")

    errors = import_errors(school, director, content)

    assert len(errors) == 1
    assert errors[0].row_number is None
    assert "Column missing: staff category." in errors[0].reason
    assert "categorie, category, personeelscategorie" in errors[0].reason
    assert snapshot(school) == before


def test_nothing_is_imported_when_a_column_appears_twice(school, director):
    content = dutch_csv(
        "Jan;jan@school.nl;OP;1;Frans;Havo", headers="naam;e-mail;categorie;wtf;sectie;team"
    )

    errors = import_errors(school, director, content)

    assert "“sectie”, “team”" in errors[0].reason
    assert not StaffMember.objects.exists()


def test_nothing_is_imported_when_the_file_has_only_headers(school, director, existing_staff):
    errors = import_errors(school, director, dutch_csv())

    assert errors[0].row_number is None
    assert "no staff" in errors[0].reason
    assert StaffMember.objects.filter(active=True).count() == 2


def test_nothing_is_imported_when_the_workbook_is_damaged(school, director):
    errors = import_errors(school, director, b"PK\x03\x04 not really a workbook", "lijst.xlsx")

    assert "could not be read as an Excel workbook" in errors[0].reason


# Re-importing


def test_reimport_updates_by_email_case_insensitively_when_staff_exist(school, director):
    jan = StaffMemberFactory(school=school, name="Jan de Vries", email="jan@school.nl", fte="0.5")
    els = StaffMemberFactory(
        school=school,
        name="Els Bakker",
        email="els@school.nl",
        category=StaffCategory.OOP,
        function="conciërge",
        department="",
        fte="1",
    )
    kees = StaffMemberFactory(school=school, name="Kees Groen", email="kees@school.nl")
    other_school = StaffMemberFactory(email="kees@school.nl")
    content = dutch_csv(
        "Jan de Vries;JAN@School.NL;OP;docent;Frans;0,8",
        "Els Bakker;Els@school.nl;oop;conciërge;;1",
        "Anna Smit;anna@school.nl;MT;rector;;1",
    )

    result = staff_import(school=school, file=upload(content), actor=director)

    assert (result.added, result.changed, result.unchanged, result.deactivated) == (1, 1, 1, 1)
    jan.refresh_from_db()
    assert (jan.email, jan.fte, jan.department, jan.active) == (
        "jan@school.nl",
        Decimal("0.8"),
        "Frans",
        True,
    )
    els.refresh_from_db()
    assert els.active is True
    kees.refresh_from_db()
    assert kees.active is False  # deactivated, not deleted
    other_school.refresh_from_db()
    assert other_school.active is True
    assert StaffMember.objects.filter(school=school).count() == 4
    assert jan.history.first().history_user == director


def test_staff_are_reactivated_when_they_are_in_the_file_again(school, director):
    kees = StaffMemberFactory(
        school=school, name="Kees", email="kees@school.nl", fte="1", function="", active=False
    )

    result = staff_import(
        school=school, file=upload(dutch_csv("Kees;kees@school.nl;OP;;;1")), actor=director
    )

    assert (result.added, result.changed, result.unchanged) == (0, 1, 0)
    kees.refresh_from_db()
    assert kees.active is True


def test_reimport_changes_nothing_when_the_file_is_the_same(school, director):
    content = dutch_csv("Jan;jan@school.nl;OP;docent;;0,8", "Els;els@school.nl;OOP;;;1")
    staff_import(school=school, file=upload(content), actor=director)
    before = snapshot(school)

    result = staff_import(school=school, file=upload(content), actor=director)

    assert (result.added, result.changed, result.unchanged, result.deactivated) == (0, 0, 2, 0)
    assert snapshot(school) == before


def test_dry_run_counts_without_writing_when_the_file_is_valid(school, director, existing_staff):
    before = snapshot(school)

    result = staff_import(
        school=school,
        file=upload(
            dutch_csv("Jan de Vries;jan@school.nl;OP;docent;;0,8", "Anna;anna@school.nl;OP;;;1")
        ),
        actor=director,
        dry_run=True,
    )

    assert (result.added, result.changed, result.deactivated, result.dry_run) == (1, 1, 1, True)
    assert snapshot(school) == before


# Permissions


@pytest.mark.parametrize("role", [SchoolRole.Role.PMR, SchoolRole.Role.STEERING])
def test_import_is_refused_when_the_actor_is_not_the_director(school, existing_staff, role):
    actor = SchoolRoleFactory(school=school, role=role).user
    before = snapshot(school)

    with pytest.raises(PermissionDenied):
        staff_import(school=school, file=upload(dutch_csv("A;a@school.nl;OP;;;1")), actor=actor)

    assert snapshot(school) == before


def test_import_is_refused_when_the_actor_directs_another_school(school, existing_staff):
    actor = SchoolRoleFactory(role=SchoolRole.Role.DIRECTOR).user

    with pytest.raises(PermissionDenied):
        staff_import(school=school, file=upload(dutch_csv("A;a@school.nl;OP;;;1")), actor=actor)


def test_view_staff_is_granted_when_the_user_is_director_pmr_or_board_admin(school):
    pmr = SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user
    board_admin = BoardAdministratorFactory(board=school.board).user
    staff_user = StaffMemberFactory(school=school, user=UserFactory()).user

    assert pmr.has_perm("units.view_staff", school)
    assert board_admin.has_perm("units.view_staff", school)
    assert not board_admin.has_perm("units.import_staff", school)
    assert not staff_user.has_perm("units.view_staff", school)


# Pages


def test_director_imports_the_staff_list_when_uploading_on_the_page(client, school, director):
    StaffMemberFactory(school=school, email="weg@school.nl")
    client.force_login(director)
    url = reverse("units:staff-import", kwargs={"school_id": school.pk})
    assert client.get(url).status_code == 200

    content = dutch_csv(
        "Jan de Vries;jan@school.nl;OP;docent;Frans;0,8", "Els;els@school.nl;OOP;;;1"
    )
    response = client.post(url, {"file": upload(content)})

    assert response.status_code == 302
    assert response.url == reverse("units:staff-list", kwargs={"school_id": school.pk})
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The staff list has been imported: 2 added, 0 changed, 0 unchanged, 1 deactivated; "
        "2 new accounts (they sign in with a code sent by e-mail)."
    ]
    assert StaffMember.objects.filter(school=school, active=True).count() == 2


def test_import_page_shows_each_bad_row_when_the_file_has_errors(client, school, director):
    existing = StaffMemberFactory(school=school, email="jan@school.nl", fte="0.5")
    client.force_login(director)
    url = reverse("units:staff-import", kwargs={"school_id": school.pk})
    content = dutch_csv(
        "Jan;jan@school.nl;OP;;;0,8", "Els;els@school.nl;XX;;;1", "Kees;kees;OP;;;2"
    )

    response = client.post(url, {"file": upload(content)})

    assert response.status_code == 400
    assert [(e.row_number, e.reason) for e in response.context["row_errors"]] == [
        (3, "Unknown staff category “XX”: use OP, OOP or MT."),
        (
            4,
            "“kees” is not a valid e-mail address. "
            "The fte 2 is out of range: it must be more than 0 and at most 1.2.",
        ),
    ]
    html = response.content.decode()
    assert "Nothing was imported: 2 rows have errors." in html
    assert "Unknown staff category “XX”" in html
    existing.refresh_from_db()
    assert existing.fte == Decimal("0.5")
    assert StaffMember.objects.count() == 1


def test_import_page_refuses_the_file_when_it_is_not_csv_or_xlsx(client, school, director):
    client.force_login(director)
    url = reverse("units:staff-import", kwargs={"school_id": school.pk})

    response = client.post(url, {"file": upload(b"naam;e-mail", "lijst.xls")})

    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not StaffMember.objects.exists()


def test_import_page_refuses_the_file_when_it_is_larger_than_5_mb(client, school, director):
    client.force_login(director)
    url = reverse("units:staff-import", kwargs={"school_id": school.pk})

    response = client.post(url, {"file": upload(b"x" * (5 * 1024 * 1024 + 1))})

    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def _users_without_import_right(school):
    other_director = SchoolRoleFactory(role=SchoolRole.Role.DIRECTOR).user
    pmr = SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user
    staff_user = StaffMemberFactory(school=school, user=UserFactory()).user
    return {"other_director": other_director, "pmr": pmr, "staff": staff_user}


@pytest.mark.parametrize("who", ["other_director", "pmr", "staff"])
def test_import_pages_are_forbidden_when_the_user_is_not_the_schools_director(client, school, who):
    client.force_login(_users_without_import_right(school)[who])
    kwargs = {"school_id": school.pk}
    content = dutch_csv("A;a@school.nl;OP;;;1")

    assert client.get(reverse("units:staff-import", kwargs=kwargs)).status_code == 403
    response = client.post(reverse("units:staff-import", kwargs=kwargs), {"file": upload(content)})
    assert response.status_code == 403
    assert client.get(reverse("units:staff-import-template", kwargs=kwargs)).status_code == 403
    assert not StaffMember.objects.filter(email="a@school.nl").exists()


@pytest.mark.parametrize(("who", "status"), [("other_director", 403), ("staff", 403), ("pmr", 200)])
def test_staff_list_is_forbidden_when_the_user_has_no_role_that_sees_it(
    client, school, who, status
):
    client.force_login(_users_without_import_right(school)[who])

    response = client.get(reverse("units:staff-list", kwargs={"school_id": school.pk}))

    assert response.status_code == status


def test_staff_list_shows_staff_and_totals_when_the_director_opens_it(
    client, school, director, settings
):
    settings.LANGUAGE_CODE = "nl"  # the product's default: amounts with a decimal comma
    StaffMemberFactory(school=school, name="Jan de Vries", category="OP", fte="0.8")
    StaffMemberFactory(school=school, name="Els Bakker", category="OOP", fte="0.5")
    StaffMemberFactory(school=school, name="Oud Lid", category="OP", fte="1", active=False)
    client.force_login(director)

    response = client.get(reverse("units:staff-list", kwargs={"school_id": school.pk}))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.count == 2
    assert summary.fte == Decimal("1.3")
    assert summary.inactive == 1
    assert [(total.category, total.count) for total in summary.categories] == [
        ("OP", 1),
        ("OOP", 1),
        ("MT", 0),
    ]
    html = response.content.decode()
    assert "Jan de Vries" in html and "Oud Lid" in html
    assert ">1,3<" in html  # Dutch decimal comma, as the split counts it (no rounding)


def test_the_staff_list_shows_the_fte_the_split_uses_not_a_rounded_one(
    client, school, director, settings
):
    """Issue 15, item 7: 0,6556 fte is shown as 0,6556, not 0,66."""
    settings.LANGUAGE_CODE = "nl"
    StaffMemberFactory(school=school, name="Jan de Vries", category="OP", fte="0.6556")
    client.force_login(director)
    html = client.get(reverse("units:staff-list", kwargs={"school_id": school.pk})).content
    assert "0,6556" in html.decode() and "0,66<" not in html.decode()


def test_staff_list_query_count_stays_the_same_when_the_school_has_more_staff(
    client, school, director
):
    client.force_login(director)
    url = reverse("units:staff-list", kwargs={"school_id": school.pk})
    StaffMemberFactory.create_batch(3, school=school)
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    StaffMemberFactory.create_batch(30, school=school)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


def test_staff_pages_answer_404_when_the_school_does_not_exist(client, director):
    client.force_login(director)

    assert client.get(reverse("units:staff-list", kwargs={"school_id": 999999})).status_code == 404
    assert (
        client.get(reverse("units:staff-import", kwargs={"school_id": 999999})).status_code == 404
    )


def test_staff_pages_redirect_to_login_when_not_signed_in(client, school):
    response = client.get(reverse("units:staff-import", kwargs={"school_id": school.pk}))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_template_is_a_dutch_excel_csv_when_downloaded(client, school, director):
    client.force_login(director)

    response = client.get(reverse("units:staff-import-template", kwargs={"school_id": school.pk}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content == codecs.BOM_UTF8 + b"naam;e-mail;categorie;functie;afdeling;wtf\r\n"


def test_template_can_be_imported_when_filled_in(client, school, director):
    client.force_login(director)
    template = client.get(
        reverse("units:staff-import-template", kwargs={"school_id": school.pk})
    ).content

    staff_import(
        school=school,
        file=upload(template + b"Jan;jan@school.nl;OP;docent;Frans;0,8\r\n"),
        actor=director,
    )

    assert StaffMember.objects.get(email="jan@school.nl").fte == Decimal("0.8")


# Admin


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in_admin(client, admin)
    return client


def test_admin_import_shows_row_errors_and_saves_nothing_when_a_row_is_wrong(
    admin_client, school, existing_staff
):
    before = snapshot(school)
    content = dutch_csv("Jan de Vries;jan@school.nl;OP;docent;;0,8", "Fout;fout@school.nl;OP;;;1,5")

    response = admin_client.post(
        reverse("admin:units_staffmember_import"),
        {
            "school": school.pk,
            "resource": "0",
            "format": "0",
            "import_file": upload(content),
        },
    )

    assert response.status_code == 200
    result = response.context["result"]
    assert [(row.number, row.error_dict) for row in result.invalid_rows] == [
        (3, {"fte": ["The fte 1,5 is out of range: it must be more than 0 and at most 1.2."]})
    ]
    assert "confirm_form" not in response.context
    assert snapshot(school) == before


def test_admin_import_upserts_and_deactivates_when_confirmed(admin_client, school, existing_staff):
    content = dutch_csv("Jan de Vries;JAN@school.nl;OP;docent;;0,8", "Anna;anna@school.nl;MT;;;1")
    response = admin_client.post(
        reverse("admin:units_staffmember_import"),
        {"school": school.pk, "resource": "0", "format": "0", "import_file": upload(content)},
    )
    assert response.status_code == 200
    assert not response.context["result"].has_validation_errors()
    confirm = response.context["confirm_form"]
    assert StaffMember.objects.filter(school=school, active=True).count() == 2  # preview only

    response = admin_client.post(
        reverse("admin:units_staffmember_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )

    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "The staff list has been imported: 1 added, 1 changed, 0 unchanged, 1 deactivated."
    ]
    assert StaffMember.objects.get(school=school, email="jan@school.nl").fte == Decimal("0.8")
    assert StaffMember.objects.get(school=school, email="piet@school.nl").active is False
    assert StaffMember.objects.get(school=school, email="anna@school.nl").category == "MT"


def test_admin_import_reports_file_errors_when_a_required_column_is_missing(admin_client, school):
    response = admin_client.post(
        reverse("admin:units_staffmember_import"),
        {
            "school": school.pk,
            "resource": "0",
            "format": "0",
            "import_file": upload(dutch_csv("Jan;jan@school.nl", headers="naam;e-mail")),
        },
    )

    errors = response.context["form"].errors["import_file"]
    assert any("Column missing: staff category." in error for error in errors)
    assert any("Column missing: fte (part-time factor)." in error for error in errors)
    assert not StaffMember.objects.exists()


def test_admin_import_form_offers_only_schools_the_user_directs_when_not_a_superuser(
    client, school, director
):
    SchoolFactory()  # a school this user has nothing to do with
    director.is_staff = True
    director.save()
    director.user_permissions.set(
        Permission.objects.filter(codename__in=["add_staffmember", "change_staffmember"])
    )
    sign_in_admin(client, director)

    response = client.get(reverse("admin:units_staffmember_import"))

    assert response.status_code == 200
    assert list(response.context["form"].fields["school"].queryset) == [school]


def test_resource_refuses_the_import_when_the_user_may_not_import_for_the_school(school):
    pmr = SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user
    dataset = read_staff_file(dutch_csv("Jan;jan@school.nl;OP;;;1"))

    result = StaffMemberResource(school=school).import_data(dataset, user=pmr)

    assert isinstance(result.base_errors[0].error, PermissionDenied)
    assert not StaffMember.objects.exists()


def test_nothing_is_imported_when_the_file_has_too_many_rows(school, director):
    rows = [f"Naam {n};n{n}@school.nl;OP;;;1" for n in range(MAX_ROWS + 1)]

    errors = import_errors(school, director, dutch_csv(*rows))

    assert errors[0].row_number is None
    assert f"more than {MAX_ROWS} rows" in errors[0].reason
    assert not StaffMember.objects.exists()


# Issue 15, item 5: the fte is read by the one number parser (werkdruk.numbers).


@pytest.mark.parametrize(
    ("typed", "fte"),
    [("1,000", "1"), ("1.000", "1"), ("0,800", "0.8"), ("0.6556", "0.6556"), ("1", "1")],
)
def test_item5_an_fte_is_read_as_every_form_reads_it(school, director, typed, fte):
    content = dutch_csv(f"Jan de Vries;jan@school.nl;OP;;;{typed}")
    staff_import(school=school, file=upload(content), actor=director)
    assert StaffMember.objects.get(email="jan@school.nl").fte == Decimal(fte)


def test_item5_an_fte_that_is_no_number_by_the_one_rule_is_refused(school, director):
    content = dutch_csv("Jan de Vries;jan@school.nl;OP;;;0,5,5", "Els;els@school.nl;OP;;;1e0")
    errors = import_errors(school, director, content)
    assert [e.reason for e in errors] == [
        "The fte “0,5,5” is not a number.",
        "The fte “1e0” is not a number.",
    ]
