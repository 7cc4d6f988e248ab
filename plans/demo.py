"""Demo data: a board with two schools, realistic staff, roles and a running process.

Idempotent: running it again changes nothing. Names are generated deterministically.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.services import user_email_vouch
from plans.services.frameworks import framework_rule_create
from processes import services as process_services
from processes.models import (
    Board,
    BoardAdministrator,
    GmrMember,
    Process,
    PupilCount,
    School,
    SchoolRole,
    SchoolYear,
)
from units.models import (
    BoardAllocation,
    BudgetLine,
    BudgetSplit,
    OrganisationalUnit,
    StaffCategory,
    StaffMember,
)
from units.selectors.units import staff_select
from units.services import allocation, budget, split
from units.services import units as unit_services

DEMO_PASSWORD = "werkdruk-demo"  # noqa: S105 - published demo accounts, development only
DOMAIN = "demo.werkdruk.nl"

FIRST_NAMES = [
    "Anouk",
    "Bram",
    "Daan",
    "Eva",
    "Fleur",
    "Gijs",
    "Hanneke",
    "Iris",
    "Jeroen",
    "Karin",
    "Lotte",
    "Maarten",
    "Noor",
    "Olaf",
    "Petra",
    "Ruben",
    "Sanne",
    "Thijs",
    "Ilse",
    "Wouter",
    "Yvonne",
    "Joost",
    "Marieke",
    "Sander",
    "Femke",
    "Bas",
    "Esther",
    "Koen",
    "Linda",
    "Niels",
    "Inge",
    "Pieter",
    "Saskia",
    "Tom",
    "Mirjam",
    "Arjen",
    "Nicole",
    "Erik",
    "Judith",
    "Mohamed",
    "Fatima",
    "Youssef",
    "Aylin",
    "Mehmet",
    "Priya",
    "Kees",
    "Willemijn",
    "Hans",
    "Astrid",
    "Lars",
]
SURNAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "Prins",
    "Yilmaz",
    "El Amrani",
    "Kaya",
    "Ramdin",
]
SUBJECTS = [
    "Nederlands",
    "Engels",
    "Duits",
    "Frans",
    "wiskunde",
    "natuurkunde",
    "scheikunde",
    "biologie",
    "geschiedenis",
    "aardrijkskunde",
    "economie",
    "lichamelijke opvoeding",
    "kunst",
    "informatica",
    "maatschappijleer",
    "levensbeschouwing",
]
OOP_FUNCTIONS = [
    ("conciërge", "facilitair"),
    ("onderwijsassistent", "onderwijsondersteuning"),
    ("technisch onderwijsassistent", "onderwijsondersteuning"),
    ("administratief medewerker", "administratie"),
    ("roostermaker", "planning"),
    ("ICT-medewerker", "ICT"),
    ("mediathecaris", "onderwijsondersteuning"),
    ("leerlingcoördinator", "leerlingzaken"),
    ("zorgcoördinator", "leerlingzaken"),
    ("medewerker personeelszaken", "administratie"),
]
MT_FUNCTIONS = [
    "rector",
    "conrector onderwijs",
    "conrector bedrijfsvoering",
    "teamleider onderbouw",
    "teamleider bovenbouw havo",
    "teamleider bovenbouw vwo",
    "teamleider vmbo",
]
FTE_STEPS = [
    Decimal(v)
    for v in ("0.4", "0.5", "0.6", "0.6571", "0.7", "0.8", "0.8", "0.9", "1.0", "1.0", "1.0")
]

# (e-mail local part, name, role at the main school, category, function)
DEMO_USERS = [
    ("directeur", "Marleen Verbeek", SchoolRole.Role.DIRECTOR, "MT", "rector"),
    ("pmr", "Jasper de Ruiter", SchoolRole.Role.PMR, "OP", "docent"),
    ("pmr2", "Hatice Demir", SchoolRole.Role.PMR, "OOP", "onderwijsassistent"),
    ("stuurgroep", "Rianne Kuipers", SchoolRole.Role.STEERING, "OP", "docent"),
    ("docent", "Tim van Os", None, "OP", "docent"),
]


def _user(local, name, *, staff=False, superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=f"{local}@{DOMAIN}",
        defaults={"name": name, "is_staff": staff, "is_superuser": superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    # Demo accounts are made as the school makes them: with a verified address, so signing
    # in by code works (and reloading the demo repairs a database from before that rule).
    user_email_vouch(user=user)
    return user


def _staff(school, rng, count_by_category, prefix):
    existing = set(school.staff_members.values_list("email", flat=True))
    new = []
    seen = set(existing)
    for category, count in count_by_category:
        for i in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            email = f"{prefix}.{category.lower()}{i + 1:03d}@{DOMAIN}"
            department = ""
            if category == StaffCategory.OP:
                department = rng.choice(SUBJECTS)
                function = "docent " + department
            elif category == StaffCategory.OOP:
                function, department = rng.choice(OOP_FUNCTIONS)
            else:
                function = MT_FUNCTIONS[i % len(MT_FUNCTIONS)]
                department = "directie"
            fte = rng.choice(FTE_STEPS) if category != StaffCategory.MT else Decimal("1.0")
            if email in seen:
                continue
            seen.add(email)
            new.append(
                StaffMember(
                    school=school,
                    name=f"{first} {last}",
                    email=email,
                    category=category,
                    function=function,
                    department=department,
                    fte=fte,
                )
            )
    StaffMember.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def demo_load(stdout=None) -> dict:
    """Create (or leave as is) the demo board, its schools, staff, roles and process."""
    rng = random.Random(2026)  # noqa: S311 - demo names, not security
    year = SchoolYear.objects.current()
    board, _ = Board.objects.get_or_create(name="Stichting Voortgezet Onderwijs Rijnstreek")
    main, _ = School.objects.get_or_create(
        brin="12AB",
        # The demo speaks the site's language (decisions are written in the school's).
        defaults={
            "board": board,
            "name": "Erasmus College",
            "city": "Leiden",
            "language": settings.LANGUAGE_CODE,
        },
    )
    second, _ = School.objects.get_or_create(
        brin="34CD",
        defaults={
            "board": board,
            "name": "Het Baken Lyceum",
            "city": "Alphen aan den Rijn",
            "language": settings.LANGUAGE_CODE,
        },
    )
    for school, pupils in ((main, 1450), (second, 620)):
        for y in (year.previous(), year):
            PupilCount.objects.get_or_create(
                school=school, school_year=y, defaults={"pupil_count": pupils}
            )

    users = {}
    for local, name, role, category, function in DEMO_USERS:
        user = users[local] = _user(local, name)
        if role:
            SchoolRole.objects.get_or_create(user=user, school=main, role=role)
        StaffMember.objects.get_or_create(
            school=main,
            email=user.email,
            defaults={
                "name": name,
                "category": category,
                "function": function,
                "fte": Decimal("1.0") if category == "MT" else Decimal("0.8"),
                "user": user,
                "department": "directie" if category == "MT" else "",
            },
        )
    # The PMR member also teaches a few hours at the second school of the board.
    StaffMember.objects.get_or_create(
        school=second,
        email=users["pmr"].email,
        defaults={
            "name": users["pmr"].name,
            "category": "OP",
            "function": "docent",
            "fte": Decimal("0.2"),
            "user": users["pmr"],
        },
    )
    second_director = _user("directeur.baken", "Wim Hoogendoorn")
    SchoolRole.objects.get_or_create(
        user=second_director, school=second, role=SchoolRole.Role.DIRECTOR
    )
    board_admin = _user("bestuur", "Carla Zwart")
    BoardAdministrator.objects.get_or_create(user=board_admin, board=board)
    demo_gmr_member(board)
    _user("admin", "Beheerder", staff=True, superuser=True)

    # About 120 staff at the main school (5 demo users included), 40 at the second.
    added = _staff(
        main,
        rng,
        [(StaffCategory.OP, 84), (StaffCategory.OOP, 25), (StaffCategory.MT, 6)],
        "erasmus",
    )
    added += _staff(
        second,
        rng,
        [(StaffCategory.OP, 30), (StaffCategory.OOP, 9), (StaffCategory.MT, 1)],
        "baken",
    )

    process = Process.objects.filter(school=main, school_year=year).first()
    if process is None:
        process = _demo_process(main, year, board, users, board_admin)
    return {
        "board": board,
        "schools": [main, second],
        "process": process,
        "staff_added": added,
        "users": users,
    }


# The main school's units (step 1): name, kind, description.
DEMO_UNITS = [
    (
        "OP onderbouw",
        OrganisationalUnit.Kind.DEPARTMENT,
        "Docenten die vooral in leerjaar 1-3 lesgeven.",
    ),
    (
        "OP bovenbouw",
        OrganisationalUnit.Kind.DEPARTMENT,
        "Docenten die vooral in havo 4-5 en vwo 4-6 lesgeven.",
    ),
    ("OOP", OrganisationalUnit.Kind.FUNCTION_GROUP, "Onderwijsondersteunend personeel."),
    ("MT", OrganisationalUnit.Kind.FUNCTION_GROUP, "Schoolleiding en teamleiders."),
    (
        "Leerlingzaken",
        OrganisationalUnit.Kind.FUNCTION_GROUP,
        "Kleine eenheid van zorg- en leerlingcoördinatoren.",
    ),
]

# Step 3: six frameworks (text, kind, severity, machine check and its parameter).
DEMO_FRAMEWORKS = [
    (
        "Het plan van een eenheid blijft binnen het budget van de eenheid.",
        "financial",
        "must",
        {"machine_check": "within_unit_budget"},
    ),
    (
        "Vaste aanstellingen en andere structurele verplichtingen beslaan hoogstens de helft "
        "van de "
        "kosten van een plan.",
        "financial",
        "must",
        {"machine_check": "max_structural_share", "max_percentage": Decimal("50")},
    ),
    (
        "Een maatregel van meer dan € 40.000 bespreken we eerst met directie en PMR.",
        "financial",
        "warning",
        {"machine_check": "max_cost_per_measure", "max_amount": Decimal("40000")},
    ),
    (
        "Een maatregel komt ten goede aan het grootste deel van de eenheid.",
        "procedural",
        "warning",
        {"machine_check": "majority_benefit"},
    ),
    (
        "Het gebouw zit vol: maatregelen die extra lokalen vragen, zijn dit jaar niet uitvoerbaar.",
        "organisational",
        "warning",
        {},
    ),
    (
        "Maatregelen passen bij de pedagogische visie uit het schoolplan 2024-2028.",
        "pedagogical",
        "information",
        {},
    ),
]


def demo_gmr_member(board):
    """The demo board's GMR member (gmr@demo.werkdruk.nl)."""
    member = _user("gmr", "Joke Verbeek")
    GmrMember.objects.get_or_create(user=member, board=board)
    return member


def demo_allocation_final(*, board, school_year, total, board_office_fte, actor):
    """Step 0 as the demo shows it: the board administrator fixes the distribution and submits
    it to the GMR, and the demo GMR member records the GMR's consent of a week ago."""
    allocation.allocation_fix(
        board=board,
        school_year=school_year,
        total=total,
        board_office_fte=board_office_fte,
        actor=actor,
    )
    return allocation.allocation_gmr_record(
        board=board,
        school_year=school_year,
        actor=demo_gmr_member(board),
        decision=BoardAllocation.GmrDecision.CONSENT,
        meeting_date=timezone.localdate() - datetime.timedelta(days=7),
        reasons="De GMR stemt in: de verdeling naar leerlingaantal is navolgbaar.",
    )


def _demo_process(school, year, board, users, board_admin):
    """Steps 0-2 agreed, step 3 signed by the director and waiting for the PMR."""
    director, pmr = users["directeur"], users["pmr"]
    demo_allocation_final(
        board=board,
        school_year=year,
        total=Decimal("687450.00"),
        board_office_fte=Decimal("4.2"),
        actor=board_admin,
    )
    process = process_services.process_create(school=school, school_year=year, actor=director)
    for number, actor in ((5, "steering"), (6, "director"), (9, "steering"), (10, "pmr")):
        # One side proposes, the other agrees (both sign off who carries it out).
        process_services.step_propose_actor(
            step=process.steps.get(number=number), actor=director, agreed_actor=actor
        )
        process_services.step_agree_actor(step=process.steps.get(number=number), actor=pmr)
    budget.budget_line_from_allocation(process=process, actor=director)
    budget.budget_line_add(
        process=process,
        actor=director,
        kind=BudgetLine.Kind.CARRY_OVER,
        description="Niet besteed in 2025-2026",
        amount=Decimal("23480.00"),
    )

    made = {
        name: unit_services.unit_create(
            process=process, actor=director, name=name, kind=kind, description=description
        )
        for name, kind, description in DEMO_UNITS
    }
    op = list(staff_select(process=process, category=StaffCategory.OP).order_by("email"))
    support = staff_select(process=process, category=StaffCategory.OOP, department="leerlingzaken")
    unit_services.unit_members_assign(
        unit=made["Leerlingzaken"], actor=director, staff_members=support
    )
    unit_services.unit_members_assign(
        unit=made["OOP"],
        actor=director,
        staff_members=staff_select(
            process=process, category=StaffCategory.OOP, unassigned_only=True
        ),
    )
    unit_services.unit_members_assign(
        unit=made["MT"],
        actor=director,
        staff_members=staff_select(process=process, category=StaffCategory.MT),
    )
    half = len(op) // 2
    unit_services.unit_members_assign(
        unit=made["OP onderbouw"], actor=director, staff_members=op[:half]
    )
    unit_services.unit_members_assign(
        unit=made["OP bovenbouw"], actor=director, staff_members=op[half:]
    )
    for unit_name, groups in (
        ("OP onderbouw", ("Brugklas", "Leerjaar 2-3")),
        ("OP bovenbouw", ("Havo", "Vwo")),
    ):
        for group in groups:
            unit_services.group_create(unit=made[unit_name], actor=director, name=group)
    _sign_both(process, 1, director, pmr, "Indeling besproken in de PMR-vergadering.")

    split.split_save(
        process=process,
        actor=director,
        method=BudgetSplit.Method.FTE,
        reserve_kind=BudgetSplit.Reserve.PERCENTAGE,
        reserve_value=Decimal("10"),
        weights={},
        fixed_amounts={},
    )
    _sign_both(process, 2, director, pmr, "Verdeling naar fte, met 10% centrale reserve.")

    for text, kind, severity, check in DEMO_FRAMEWORKS:
        framework_rule_create(
            process=process, actor=director, text=text, kind=kind, severity=severity, **check
        )
    process_services.step_sign_off(step=process.steps.get(number=3), actor=director)
    return process


def _sign_both(process, number, director, pmr, grounds):
    for actor in (director, pmr):
        process_services.step_sign_off(
            step=process.steps.get(number=number), actor=actor, grounds=grounds
        )
