"""Issue 17, item 4: staff lists as HR systems export them (files made here, fake names).

Each supported layout, as CSV and as XLSX, with several appointments per person, an ended
appointment and no category column; then the category per function (confirmed once, kept), fte
and date forms, the preview and its confirmation, and who may use them.
"""

import codecs
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from processes.models import SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory, StaffMemberFactory
from units import hr_layouts
from units.importing import read_staff_list
from units.models import FunctionCategory, StaffMember
from units.services.staff import (
    PREVIEW_SALT,
    StaffImportError,
    staff_import,
    staff_import_confirm,
    staff_import_preview,
)
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = datetime.date(2019, 8, 1)
ENDED = TODAY - datetime.timedelta(days=30)
FUTURE = TODAY + datetime.timedelta(days=300)


@pytest.fixture
def school():
    # No staff before the import (the shared school has three).
    return SchoolFactory()


# The people every file holds: (number, first name, infix, last name, work e-mail, private
# e-mail, [(function, department, fte, start, end), ...]).
PEOPLE = [
    (
        "1001",
        "Anna",
        "de",
        "Boer",
        "a.deboer@school.example",
        "anna@thuis.example",
        [
            ("Docent wiskunde", "Exact", Decimal("0.6"), PAST, None),
            ("Mentor", "Onderbouw", Decimal("0.2"), PAST, FUTURE),
        ],
    ),
    (
        "1002",
        "Bram",
        "",
        "Jansen",
        "b.jansen@school.example",
        "",
        [
            ("Conciërge", "Facilitair", Decimal("1"), PAST, None),
        ],
    ),
    (
        "1003",
        "Chris",
        "van",
        "Dijk",
        "c.vandijk@school.example",
        "",
        [
            ("Teamleider bovenbouw", "Bovenbouw", Decimal("0.5"), PAST, FUTURE),
        ],
    ),
    (
        "1004",
        "Dirk",
        "",
        "Smit",
        "d.smit@school.example",
        "",
        [
            ("Docent Frans", "Talen", Decimal("0.4"), PAST, ENDED),
        ],
    ),
]


def _dmy(date):
    return date.strftime("%d-%m-%Y") if date else ""


def _d_m_y(date):
    return f"{date.day}-{date.month}-{date.year}" if date else ""


def _iso(date):
    return date.isoformat() if date else ""


def _serial(date):
    return (date - hr_layouts.EXCEL_EPOCH).days if date else ""


def _percent(fte):
    return f"{fte * 100:.0f}%"


def _hours(fte):
    return f"{fte * 40:.0f}"


def _comma(fte):
    return str(fte).replace(".", ",")


# layout -> (headers, row maker(person, appointment, date form, fte form)).
LAYOUT_FILES = {
    "afas": (
        "Medewerker;Roepnaam;Voorvoegsel;Achternaam;E-mail werk;E-mail privé;Functie;"
        "Organisatorische eenheid;Parttimepercentage;Begindatum contract;Einddatum contract",
        lambda p, a: [
            p[0],
            p[1],
            p[2],
            p[3],
            p[4],
            p[5],
            a[0],
            a[1],
            _percent(a[2]),
            _dmy(a[3]),
            _dmy(a[4]),
        ],
    ),
    "youforce": (
        "Persnr;Voorletters;Voorvoegsels;Achternaam;E-mailadres zakelijk;E-mailadres privé;"
        "Functienaam;Afdelingsnaam;Deeltijdfactor;Datum in dienst;Datum uit dienst",
        lambda p, a: [
            p[0],
            p[1][0] + ".",
            p[2],
            p[3],
            p[4],
            p[5],
            a[0],
            a[1],
            _comma(a[2]),
            _d_m_y(a[3]),
            _d_m_y(a[4]),
        ],
    ),
    "cumlaude": (
        "Personeelsnr;Roepnaam;Tussenvoegsel;Achternaam;E-mail school;Functie;Team;"
        "Soort aanstelling;WTF;Begindatum aanstelling;Einddatum aanstelling",
        lambda p, a: [
            p[0],
            p[1],
            p[2],
            p[3],
            p[4],
            a[0],
            a[1],
            "vast",
            str(a[2]),
            _iso(a[3]),
            _iso(a[4]),
        ],
    ),
    "somtoday": (
        "Medewerkernummer;Afkorting;Roepnaam;Voorvoegsel;Achternaam;E-mailadres;Functie;"
        "Vestiging;Contracturen;Ingangsdatum;Einddatum",
        lambda p, a: [
            p[0],
            p[3][:3].upper(),
            p[1],
            p[2],
            p[3],
            p[4],
            a[0],
            "Hoofdlocatie",
            _hours(a[2]),
            _dmy(a[3]),
            _dmy(a[4]),
        ],
    ),
    "magister": (
        "Stamnr;Code;Roepnaam;Tussenv.;Achternaam;E-mail;Functie;Vaksectie;Betrekkingsomvang;"
        "Begindatum;Einddatum",
        lambda p, a: [
            p[0],
            p[3][:3].lower(),
            p[1],
            p[2],
            p[3],
            p[4],
            a[0],
            a[1],
            _comma(a[2]),
            _serial(a[3]),
            _serial(a[4]),
        ],
    ),
    "generic": (
        "Personeelsnummer;Naam;E-mail;Functie;Afdeling;Uren per week;Startdatum;Einddatum",
        lambda p, a: [
            p[0],
            " ".join(x for x in p[1:4] if x),
            p[4],
            a[0],
            a[1],
            _hours(a[2]),
            _dmy(a[3]),
            _dmy(a[4]),
        ],
    ),
}


def layout_rows(layout: str) -> list[list]:
    headers, row = LAYOUT_FILES[layout]
    return [headers.split(";")] + [row(person, a) for person in PEOPLE for a in person[6]]


def as_csv(rows) -> bytes:
    """As Dutch Excel saves "CSV UTF-8": BOM, ``;`` separators, CRLF."""
    text = "\r\n".join(";".join(str(value) for value in row) for row in rows)
    return codecs.BOM_UTF8 + text.encode("utf-8") + b"\r\n"


def as_xlsx(rows, *, date_cells=True) -> bytes:
    """A workbook; dates written as text in the CSV become date cells (Excel's way)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            if number and date_cells and isinstance(value, str) and _looks_like_date(value):
                value = datetime.datetime.combine(hr_layouts.parse_date(value), datetime.time())
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _looks_like_date(value: str) -> bool:
    return value.count("-") == 2 and any(char.isdigit() for char in value)


def make_file(layout, kind):
    rows = layout_rows(layout)
    if kind == "csv":
        return SimpleUploadedFile("personeel.csv", as_csv(rows))
    return SimpleUploadedFile("personeel.xlsx", as_xlsx(rows))


def preview_url(school):
    return reverse("units:staff-import-preview", kwargs={"school_id": school.pk})


def confirm_url(school):
    return reverse("units:staff-import-confirm", kwargs={"school_id": school.pk})


def confirm_data(response, **changes) -> dict:
    """The preview's form as the browser sends it: the token and each proposal as chosen."""
    form = response.context["form"]
    data = {"token": form.initial["token"]}
    for name, _choice in form.function_fields:
        data[name] = form.fields[name].initial or ""
    data.update(changes)
    return data


# Every layout, CSV and XLSX


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("layout", list(LAYOUT_FILES))
def test_each_hr_layout_is_recognised_merged_and_imported_after_the_preview(
    client, school, director, layout, kind
):
    client.force_login(director)

    response = client.post(preview_url(school), {"file": make_file(layout, kind)})

    assert response.status_code == 200, response.context.get("row_errors")
    preview = response.context["preview"]
    assert preview.reading.layout_key == layout
    assert str(preview.reading.layout.label) in response.content.decode()
    assert response.context["summary"] == "4 appointments → 3 people, 2.3 fte"
    anna = next(item for item in preview.people if item.person.personnel_number == "1001")
    assert anna.person.rows == (2, 3)
    assert anna.fte == Decimal("0.8")
    assert "2 appointments (rows 2, 3) → 1 person, 0.8 fte" in response.content.decode()
    assert [(out.row, out.ended) for out in preview.reading.left_out] == [(6, ENDED)]
    assert sorted(choice.function for choice in preview.choices_needed) == [
        "Conciërge",
        "Docent wiskunde",
        "Teamleider bovenbouw",
    ]
    assert not StaffMember.objects.filter(school=school).exists()  # nothing imported yet

    response = client.post(confirm_url(school), confirm_data(response))

    assert response.status_code == 302
    staff = {
        member.email: (member.name, member.category, member.function, member.department, member.fte)
        for member in StaffMember.objects.filter(school=school)
    }
    initials = layout == "youforce"  # Youforce gives initials, the others a first name
    no_department = layout == "somtoday"  # its export has a location, no department
    assert staff == {
        "a.deboer@school.example": (
            "A. de Boer" if initials else "Anna de Boer",
            "OP",
            "Docent wiskunde",
            "" if no_department else "Exact",
            Decimal("0.8"),
        ),
        "b.jansen@school.example": (
            "B. Jansen" if initials else "Bram Jansen",
            "OOP",
            "Conciërge",
            "" if no_department else "Facilitair",
            Decimal("1"),
        ),
        "c.vandijk@school.example": (
            "C. van Dijk" if initials else "Chris van Dijk",
            "MT",
            "Teamleider bovenbouw",
            "" if no_department else "Bovenbouw",
            Decimal("0.5"),
        ),
    }
    assert FunctionCategory.objects.filter(school=school).count() == 3


# Category from the function: confirmed once, kept


def generic_csv(*rows, headers="Personeelsnummer;Naam;E-mail;Functie;Afdeling;WTF;Einddatum"):
    return SimpleUploadedFile(
        "personeel.csv", as_csv([headers.split(";"), *[row.split(";") for row in rows]])
    )


def test_second_import_asks_nothing_when_every_function_was_confirmed_before(
    client, school, director
):
    client.force_login(director)
    rows = (
        "1;Anna de Boer;anna@school.example;Docent;;0,8;",
        "2;Bram Jansen;bram@school.example;TOA;;1;",
    )
    first = client.post(preview_url(school), {"file": generic_csv(*rows)})
    assert [c.function for c in first.context["preview"].choices_needed] == ["Docent", "TOA"]
    # The director changes one proposal: a TOA counts as teaching staff at this school.
    data = confirm_data(first)
    toa = next(
        name for name, choice in first.context["form"].function_fields if choice.key == "toa"
    )
    assert data[toa] == "OOP"
    data[toa] = "OP"
    assert client.post(confirm_url(school), data).status_code == 302
    mapping = FunctionCategory.objects.get(school=school, function="TOA")
    assert (mapping.category, mapping.confirmed_by) == ("OP", director)

    second = client.post(
        preview_url(school), {"file": generic_csv(*rows, "3;Cor;cor@school.example;toa ;;0,5;")}
    )

    assert second.status_code == 200
    assert second.context["preview"].choices_needed == []
    assert second.context["form"].function_fields == []
    assert "confirmed earlier" in second.content.decode()
    assert client.post(confirm_url(school), confirm_data(second)).status_code == 302
    assert StaffMember.objects.get(email="cor@school.example").category == "OP"
    # The direct import (no preview) works too now that every function is known.
    staff_import(school=school, file=generic_csv(*rows), actor=director)
    assert FunctionCategory.objects.filter(school=school).count() == 2


def test_unknown_function_must_be_chosen_before_the_import_goes_on(client, school, director):
    client.force_login(director)
    preview = client.post(
        preview_url(school),
        {"file": generic_csv("1;Kim Veld;kim@school.example;Kwartiermaker;;1;")},
    )
    ((name, choice),) = preview.context["form"].function_fields
    assert choice.category is None  # nothing proposed
    assert "No proposal: choose the category." in preview.content.decode()

    refused = client.post(confirm_url(school), confirm_data(preview))

    assert refused.status_code == 400
    assert name in refused.context["form"].errors
    assert not StaffMember.objects.filter(school=school).exists()
    assert not FunctionCategory.objects.exists()

    done = client.post(confirm_url(school), confirm_data(preview, **{name: "OOP"}))

    assert done.status_code == 302
    assert StaffMember.objects.get(email="kim@school.example").category == "OOP"


def test_service_refuses_confirmation_without_a_category_for_a_new_function(school, director):
    preview = staff_import_preview(
        school=school, file=generic_csv("1;Kim;kim@school.example;Docent;;1;"), actor=director
    )

    with pytest.raises(DomainError, match="Choose the staff category of these functions: Docent"):
        staff_import_confirm(school=school, token=preview.token, choices={}, actor=director)
    assert not StaffMember.objects.exists()


def test_direct_import_of_a_file_with_new_functions_points_to_the_preview(school, director):
    with pytest.raises(StaffImportError) as raised:
        staff_import(
            school=school, file=generic_csv("1;Kim;kim@school.example;Docent;;1;"), actor=director
        )

    (error,) = raised.value.errors
    assert error.row_number is None
    assert "confirm the category of these functions in the import's preview: Docent" in error.reason
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize(
    ("function", "category"),
    [
        ("Docent Nederlands", "OP"),
        ("Leraar LB", "OP"),
        ("LIO", "OP"),
        ("Onderwijsassistent", "OOP"),
        ("Conciërge", "OOP"),
        ("Medewerker administratie", "OOP"),
        ("TOA natuurkunde", "OOP"),
        ("Roostermaker", "OOP"),
        ("Directiesecretaresse", "OOP"),
        ("Rector", "MT"),
        ("Conrector onderwijs", "MT"),
        ("Afdelingsleider havo", "MT"),
        ("Adjunct-directeur", "MT"),
        ("Kwartiermaker", None),
    ],
)
def test_category_is_proposed_from_keywords_in_the_function(function, category):
    assert hr_layouts.propose_category(function) == category


# Values: fte and dates


@pytest.mark.parametrize(
    ("value", "form", "fte"),
    [
        ("0,8", "fte", Decimal("0.8")),
        ("0.8", "fte", Decimal("0.8")),
        (0.8, "fte", Decimal("0.8")),
        ("80%", "fte", Decimal("0.8")),
        ("80%", "fte_percent", Decimal("0.8")),
        ("80", "fte_percent", Decimal("0.8")),
        (80, "fte_percent", Decimal("0.8")),
        (0.8, "fte_percent", Decimal("0.8")),  # Excel keeps a cell shown as 80 % as 0.8
        ("32", "hours", Decimal("0.8")),
        ("20,5", "hours", Decimal("0.5125")),
        ("", "fte", None),
    ],
)
def test_fte_is_read_in_each_of_its_forms(value, form, fte):
    assert hr_layouts.parse_fte(value, form) == fte


@pytest.mark.parametrize(
    "value",
    [
        "01-08-2026",
        "1-8-2026",
        "1/8/2026",
        "2026-08-01",
        "2026-08-01 00:00:00",
        46235,
        "46235",
        datetime.datetime(2026, 8, 1),
        datetime.date(2026, 8, 1),
    ],
)
def test_dates_are_read_in_each_of_their_forms(value):
    assert hr_layouts.parse_date(value) == datetime.date(2026, 8, 1)


def test_rows_with_unreadable_values_are_listed_and_nothing_is_imported(client, school, director):
    client.force_login(director)
    content = generic_csv(
        "1;Anna;anna@school.example;Docent;;0,8;31-13-2026",
        "2;Bram;bram@school.example;Docent;;veel;",
        "3;Cor;cor@school.example;Docent;;1,5;",
        "4;Dani;dani@school.example;;;1;",
        "5;Eva;eva@school.example;Docent;;1;",
    )

    response = client.post(preview_url(school), {"file": content})

    assert response.status_code == 400
    assert [(e.row_number, e.reason) for e in response.context["row_errors"]] == [
        (2, "“31-13-2026” is not a date: write it as dd-mm-jjjj."),
        (3, "The fte “veel” is not a number."),
        (4, "The fte 1.5 is out of range: it must be more than 0 and at most 1.2."),
        (
            5,
            "The function is missing: without a category column, the category comes from the "
            "function.",
        ),
    ]
    assert not StaffMember.objects.exists()


def test_appointments_of_one_person_above_the_maximum_are_refused_with_their_rows(
    client, school, director
):
    client.force_login(director)
    content = generic_csv(
        "7;Anna;anna@school.example;Docent;;0,8;",
        "8;Bram;bram@school.example;Docent;;0,5;",
        "7;Anna;anna@school.example;Mentor;;0,5;",
    )

    response = client.post(preview_url(school), {"file": content})

    assert response.status_code == 400
    assert [(e.row_number, e.reason) for e in response.context["row_errors"]] == [
        (2, "Rows 2, 4 are appointments of one person with 1.3 fte together; the most is 1.2.")
    ]


def test_rows_of_one_person_are_joined_by_email_when_there_is_no_personnel_number(school, director):
    content = generic_csv(
        "Anna;ANNA@school.example;Docent;Exact;0,2",
        "Anna;anna@school.example;Docent;Talen;0,6",
        headers="Naam;E-mail werk;Functie;Afdeling;WTF",
    )
    FunctionCategory.objects.create(school=school, function="docent", category="OP")

    staff_import(school=school, file=content, actor=director)

    anna = StaffMember.objects.get(school=school)
    assert (anna.email, anna.fte, anna.department) == (
        "anna@school.example",
        Decimal("0.8"),
        "Talen",
    )


def test_work_address_is_preferred_and_a_private_one_is_flagged_when_it_is_the_only_one(
    client, school, director
):
    client.force_login(director)
    content = generic_csv(
        "1;Anna;anna@school.example;anna@thuis.example;OP;1",
        "2;Bram;;bram@thuis.example;OP;1",
        headers="Persnr;Naam;E-mail werk;E-mail privé;Categorie;WTF",
    )

    response = client.post(preview_url(school), {"file": content})

    people = {item.person.name: item.person for item in response.context["preview"].people}
    assert (people["Anna"].email, people["Anna"].email_source) == ("anna@school.example", "work")
    assert (people["Bram"].email, people["Bram"].email_source) == ("bram@thuis.example", "private")
    assert "private address: the file has no work address" in response.content.decode()
    assert response.context["preview"].functions == []  # the file has a category column


def test_headers_are_compared_without_case_spaces_or_accents(school, director):
    content = generic_csv(
        "1;Anna;anna@school.example;OP;80",
        headers="  PERS NR ;Naam; e-mail PRIVE ;CATEGORIE;Parttime-Percentage",
    )

    reading = read_staff_list(content.read(), "personeel.csv", today=TODAY)

    assert reading.layout_key == "generic"
    assert reading.people[0].fte == Decimal("0.8")
    assert reading.people[0].email_source == "private"


# The preview: changes against the current list, left-out rows, leaving staff


def test_preview_shows_new_changed_unchanged_leaving_and_left_out(client, school, director):
    StaffMemberFactory(
        school=school,
        name="Anna",
        email="anna@school.example",
        category="OP",
        function="",
        department="",
        fte=Decimal("0.5"),
    )
    StaffMemberFactory(
        school=school,
        name="Bram",
        email="bram@school.example",
        category="OP",
        function="",
        department="",
        fte=Decimal("1"),
    )
    StaffMemberFactory(school=school, name="Gert", email="gert@school.example")
    ended = _dmy(ENDED)
    content = generic_csv(
        "1;Anna;anna@school.example;OP;0,8;",
        "2;Bram;bram@school.example;OP;1;",
        "3;Cor;cor@school.example;OP;1;",
        f"4;Dirk;dirk@school.example;OP;1;{ended}",
        headers="Persnr;Naam;E-mail;Categorie;WTF;Einddatum",
    )
    client.force_login(director)

    response = client.post(preview_url(school), {"file": content})

    preview = response.context["preview"]
    status = {item.person.name: (item.status, item.changed_fields) for item in preview.people}
    assert status == {
        "Anna": ("changed", ("fte",)),
        "Bram": ("unchanged", ()),
        "Cor": ("new", ()),
    }
    assert [member.name for member in preview.leaving] == ["Gert"]
    html = response.content.decode()
    assert f"Row 5 (Dirk): the appointment ended on {ENDED.day}-{ENDED.month}-{ENDED.year}." in html
    assert "1 new, 1 changed, 1 unchanged, 1 leaving" in html
    assert StaffMember.objects.get(email="anna@school.example").fte == Decimal("0.5")

    response = client.post(confirm_url(school), confirm_data(response))

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The staff list has been imported: 1 added, 1 changed, 1 unchanged, 1 deactivated; "
        "3 new accounts (they sign in with a code sent by e-mail)."
    ]
    assert not StaffMember.objects.get(email="gert@school.example").active
    assert not StaffMember.objects.filter(email="dirk@school.example").exists()


def test_own_template_without_category_column_uses_the_function_mapping(client, school, director):
    client.force_login(director)
    content = SimpleUploadedFile(
        "personeel.csv",
        as_csv(
            [["naam", "e-mail", "functie", "wtf"], ["Jan", "jan@school.example", "docent", "1"]]
        ),
    )

    response = client.post(preview_url(school), {"file": content})

    assert response.context["preview"].reading.layout_key == "werkdruk"
    assert client.post(confirm_url(school), confirm_data(response)).status_code == 302
    assert StaffMember.objects.get(email="jan@school.example").category == "OP"


# The signed reading between preview and confirmation


def test_a_changed_or_foreign_token_is_refused_and_nothing_is_imported(
    client, school, director, other_school
):
    client.force_login(director)
    preview = client.post(preview_url(school), {"file": make_file("generic", "csv")})
    data = confirm_data(preview)
    tampered = dict(
        data, token=data["token"][:-2] + ("AA" if not data["token"].endswith("AA") else "BB")
    )

    response = client.post(confirm_url(school), tampered)

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The preview cannot be used: upload the file again."
    ]
    other = SchoolRoleFactory(school=other_school, role=SchoolRole.Role.DIRECTOR).user
    with pytest.raises(DomainError):
        staff_import_confirm(school=other_school, token=data["token"], choices={}, actor=other)
    assert not StaffMember.objects.exists()


def test_an_expired_preview_is_refused(school, director, monkeypatch):
    preview = staff_import_preview(
        school=school, file=generic_csv("1;Kim;kim@school.example;Docent;;1;"), actor=director
    )
    monkeypatch.setattr("units.services.staff.PREVIEW_MAX_AGE", -1)

    with pytest.raises(DomainError, match="expired"):
        staff_import_confirm(
            school=school, token=preview.token, choices={"docent": "OP"}, actor=director
        )


def test_the_signed_reading_of_5000_rows_fits_in_a_form(school):
    headers = [
        "Persnr",
        "Roepnaam",
        "Achternaam",
        "E-mail werk",
        "Functie",
        "Afdeling",
        "Uren per week",
        "Begindatum",
    ]
    rows = [headers] + [
        [
            str(10000 + n),
            f"Voornaam{n}",
            f"Achternaam{n}",
            f"medewerker{n}@school.example",
            f"Docent vak {n % 40}",
            f"Sectie {n % 25}",
            str(8 + n % 32),
            "01-08-2020",
        ]
        for n in range(5000)
    ]
    reading = read_staff_list(as_csv(rows), "personeel.csv", today=TODAY)
    token = signing.dumps(
        {"school": 1, "actor": 1, "reading": reading.as_json()}, salt=PREVIEW_SALT, compress=True
    )

    assert len(reading.people) == 5000
    assert len(token) < 400_000  # far below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


# Who may use the preview and the confirmation


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("staff_user", 403),
        ("pmr", 403),
        ("steering", 403),
        ("board_admin", 403),
        ("other_director", 403),
        ("other_board_admin", 403),
        ("director", 200),
    ],
)
def test_preview_and_confirmation_are_for_the_schools_director_only(
    client, request, school, who, status
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    director = request.getfixturevalue("director")
    token = staff_import_preview(
        school=school, file=generic_csv("1;Kim;kim@school.example;Docent;;1;"), actor=director
    ).token

    preview = client.post(preview_url(school), {"file": make_file("generic", "csv")})
    confirm = client.post(confirm_url(school), {"token": token, "function_0": "OP"})

    assert preview.status_code == status
    if who == "anonymous":
        assert "next=" in preview.url
        assert confirm.status_code == 302
    elif who == "director":
        assert confirm.status_code == 302
    else:
        assert confirm.status_code == 403
        assert client.get(preview_url(school)).status_code == 403
        assert client.get(confirm_url(school)).status_code == 403
    if who != "director":
        assert not StaffMember.objects.filter(email="kim@school.example").exists()


def test_the_import_pages_button_sends_the_file_to_the_preview(client, school, director):
    client.force_login(director)

    page = client.get(reverse("units:staff-import", kwargs={"school_id": school.pk}))

    assert f'formaction="{preview_url(school)}"' in page.content.decode()
    assert client.get(preview_url(school)).status_code == 302  # a GET goes back to the upload


def test_the_import_button_pressed_twice_imports_once(client, school, director, monkeypatch):
    from tests.submissions import already_saved, form_token
    from units.views import staff as staff_views
    from werkdruk.submissions import TOKEN_FIELD

    confirmed = []
    real = staff_views.staff_import_confirm

    def counted(**kwargs):
        confirmed.append(kwargs["school"])
        return real(**kwargs)

    monkeypatch.setattr(staff_views, "staff_import_confirm", counted)
    client.force_login(director)
    preview = client.post(preview_url(school), {"file": make_file("afas", "csv")})
    data = {**confirm_data(preview), TOKEN_FIELD: form_token(preview, confirm_url(school))}

    first, second = (client.post(confirm_url(school), data) for _ in "12")

    assert (first.status_code, second.status_code) == (302, 302)
    assert already_saved(second)
    assert confirmed == [school]
    assert StaffMember.objects.filter(school=school).count() == 3
