"""Demo data: a board with two schools, realistic staff, roles and a running process.

Idempotent: running it again changes nothing. Names are generated deterministically.
"""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from processes import services as process_services
from processes.models import (
    Board,
    BoardAdministrator,
    Process,
    PupilCount,
    School,
    SchoolRole,
    SchoolYear,
)

from .models import StaffCategory, StaffMember

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
        brin="12AB", defaults={"board": board, "name": "Erasmus College", "city": "Leiden"}
    )
    second, _ = School.objects.get_or_create(
        brin="34CD",
        defaults={"board": board, "name": "Het Baken Lyceum", "city": "Alphen aan den Rijn"},
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
        director = users["directeur"]
        process = process_services.process_create(school=main, school_year=year, actor=director)
        step1 = process.steps.get(number=1)
        process_services.step_sign_off(
            step=step1, actor=director, grounds="Indeling besproken in het MT-overleg."
        )
        for number, actor in ((5, "steering"), (6, "director"), (9, "steering"), (10, "pmr")):
            process_services.step_assign_actor(
                step=process.steps.get(number=number), actor=director, agreed_actor=actor
            )
    return {"board": board, "schools": [main, second], "process": process, "staff_added": added}
