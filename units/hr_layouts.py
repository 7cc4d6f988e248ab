"""The layouts in which schools' HR systems export their staff, and the values they write.

A school exports its staff from AFAS, Youforce (Raet/Visma), Cumlaude or the personnel module of
Somtoday or Magister, or keeps an Excel list of its own. Each ``Layout`` is a set of headers for
the same few facts: personnel number, the name (whole or in parts), e-mail addresses (work and
private), function, department, the size of the appointment (a part-time factor, a percentage or
hours per week) and its start and end date. Headers are compared case-, space-, punctuation- and
accent-insensitively (``header_key``). The layout is recognised by the headers only its system
writes (``Layout.signature``); the other headers of every layout are understood in every file, so
a file that mixes them is still read.

The headers are those the systems' standard exports commonly use; an export that a school has
configured differently is read as the generic "own list" when its headers are among the known
ones. Nothing here reads the database.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkdruk.numbers import NumberError, parse_number
from werkdruk.tabular import normalise_header

from .models import StaffCategory

# The normal full-time week in the CAO VO: an appointment in hours is divided by this.
FULL_TIME_HOURS = Decimal(40)
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def header_key(value) -> str:
    """``" E-mail privé "`` -> ``"emailprive"``: normalise_header, accents removed first."""
    text = unicodedata.normalize("NFKD", str(value if value is not None else ""))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return normalise_header(text)


# Field -> headers every layout understands. The fields of the fte and the e-mail address come
# in several forms; ``FTE_FIELDS`` and ``EMAIL_FIELDS`` give their order of preference.
COMMON_HEADERS: dict[str, tuple[str, ...]] = {
    "personnel_number": (
        "personeelsnummer",
        "personeelsnr",
        "persnr",
        "pers nr",
        "medewerkernummer",
        "medewerkernr",
        "werknemersnummer",
        "employee number",
        "employee id",
        "personnel number",
    ),
    "name": ("naam", "name", "volledige naam", "naam medewerker", "full name", "weergavenaam"),
    "first_name": ("voornaam", "roepnaam", "first name", "given name"),
    "initials": ("voorletters", "initialen", "initials"),
    "infix": ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "tussenv", "infix"),
    "last_name": ("achternaam", "geslachtsnaam", "last name", "surname", "family name"),
    "email": (
        "e-mail",
        "email",
        "e-mailadres",
        "e-mail adres",
        "mailadres",
        "mail",
        "e-mail address",
        "email address",
    ),
    "email_work": (
        "e-mail werk",
        "e-mailadres werk",
        "werk e-mail",
        "zakelijk e-mailadres",
        "e-mailadres zakelijk",
        "e-mail zakelijk",
        "e-mail school",
        "e-mailadres school",
        "work e-mail",
        "work email",
    ),
    "email_private": (
        "e-mail privé",
        "e-mailadres privé",
        "privé e-mail",
        "privé e-mailadres",
        "e-mail prive",
        "private e-mail",
        "personal e-mail",
    ),
    "category": ("categorie", "category", "personeelscategorie", "staff category"),
    "function": (
        "functie",
        "function",
        "functienaam",
        "omschrijving functie",
        "functieomschrijving",
        "job title",
    ),
    "department": (
        "afdeling",
        "sectie",
        "vaksectie",
        "team",
        "department",
        "section",
        "afdelingsnaam",
        "organisatorische eenheid",
        "omschrijving organisatorische eenheid",
        "organisatie-eenheid",
    ),
    "fte": (
        "wtf",
        "fte",
        "werktijdfactor",
        "part-time factor",
        "deeltijdfactor",
        "betrekkingsomvang",
    ),
    "fte_percent": (
        "parttimepercentage",
        "parttime percentage",
        "deeltijdpercentage",
        "percentage",
        "betrekkingspercentage",
    ),
    "hours": (
        "uren per week",
        "uren p/w",
        "uren pw",
        "contracturen",
        "contracturen per week",
        "aantal uren per week",
        "hours per week",
    ),
    "start_date": (
        "begindatum",
        "startdatum",
        "ingangsdatum",
        "datum in dienst",
        "in dienst",
        "begindatum dienstverband",
        "ingangsdatum dienstverband",
        "begindatum contract",
        "begindatum aanstelling",
        "start date",
    ),
    "end_date": (
        "einddatum",
        "datum uit dienst",
        "uit dienst",
        "einddatum dienstverband",
        "einddatum contract",
        "einddatum aanstelling",
        "end date",
    ),
}
FTE_FIELDS = ("fte", "fte_percent", "hours")
EMAIL_FIELDS = ("email_work", "email", "email_private")
NAME_PART_FIELDS = ("first_name", "initials", "infix", "last_name")
# Fields only an appointment list has: a file with one of them is read one row per appointment.
APPOINTMENT_FIELDS = (
    "personnel_number",
    "initials",
    "email_work",
    "email_private",
    "fte_percent",
    "hours",
    "start_date",
    "end_date",
)
# The product's own columns (units.importing.HEADER_ALIASES): a file with only these is read as
# before, one row per person.
OWN_TEMPLATE = "werkdruk"
GENERIC = "generic"


@dataclass(frozen=True)
class Layout:
    """One export layout. ``signature``: headers only this system writes, by which it is
    recognised; ``headers``: what its headers mean beyond COMMON_HEADERS."""

    key: str
    label: str
    signature: tuple[str, ...] = ()
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        key="afas",
        label=gettext_lazy("AFAS Profit (HRM export)"),
        signature=(
            "medewerker",
            "organisatorische eenheid",
            "omschrijving organisatorische eenheid",
            "parttimepercentage",
            "e-mail werk",
            "begindatum contract",
            "einddatum contract",
        ),
        # AFAS calls the personnel number "Medewerker"; elsewhere that may be a name.
        headers={"personnel_number": ("medewerker",)},
    ),
    Layout(
        key="youforce",
        label=gettext_lazy("Youforce (Raet/Visma)"),
        signature=(
            "persnr",
            "deeltijdfactor",
            "datum in dienst",
            "datum uit dienst",
            "e-mailadres zakelijk",
            "e-mailadres privé",
            "afdelingsnaam",
        ),
    ),
    Layout(
        key="cumlaude",
        label=gettext_lazy("Cumlaude"),
        signature=(
            "personeelsnr",
            "begindatum aanstelling",
            "einddatum aanstelling",
            "e-mail school",
            "soort aanstelling",
        ),
    ),
    Layout(
        key="somtoday",
        label=gettext_lazy("Somtoday (personnel)"),
        signature=("medewerkernummer", "afkorting", "vestiging", "contracturen", "ingangsdatum"),
    ),
    Layout(
        key="magister",
        label=gettext_lazy("Magister (personnel)"),
        signature=("stamnr", "code", "tussenv", "betrekkingsomvang", "vaksectie", "uren p/w"),
        headers={"personnel_number": ("stamnr",)},
    ),
)
GENERIC_LAYOUT = Layout(key=GENERIC, label=gettext_lazy("Own staff list (Excel)"))
OWN_TEMPLATE_LAYOUT = Layout(key=OWN_TEMPLATE, label=gettext_lazy("Werkdruk template"))
LAYOUTS_BY_KEY = {layout.key: layout for layout in (*LAYOUTS, GENERIC_LAYOUT, OWN_TEMPLATE_LAYOUT)}
# Headers of a layout's signature that must be present for it to be recognised.
MIN_SIGNATURE = 2


def detect_layout(headers) -> Layout:
    """The layout whose signature the file's headers match most (at least MIN_SIGNATURE of
    them); otherwise the generic own list, or the product's template when the file has none of
    the appointment columns."""
    keys = {header_key(header) for header in headers if header_key(header)}
    best, best_score = None, 0
    for layout in LAYOUTS:
        score = len(keys & {header_key(header) for header in layout.signature})
        if score > best_score:
            best, best_score = layout, score
    if best is not None and best_score >= MIN_SIGNATURE:
        return best
    fields = {header_field(header, GENERIC_LAYOUT) for header in headers}
    if fields & set(APPOINTMENT_FIELDS):
        return GENERIC_LAYOUT
    return OWN_TEMPLATE_LAYOUT


def _header_table(layout: Layout) -> dict[str, str]:
    table = {
        header_key(alias): name for name, aliases in COMMON_HEADERS.items() for alias in aliases
    }
    table.update(
        {header_key(alias): name for name, aliases in layout.headers.items() for alias in aliases}
    )
    return table


def header_field(header, layout: Layout) -> str | None:
    """The field a header means in ``layout``, or None for a column the import does not use."""
    return _header_table(layout).get(header_key(header))


# Reading values


class ValueProblem(ValueError):
    """A cell that cannot be read; the message names the value."""


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 1234.0 from a workbook: personnel number 1234
    return " ".join(str(value).split())


_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?")


def parse_date(value) -> datetime.date | None:
    """A date as HR exports write it: a date cell, an Excel serial number (45505), or text
    ``dd-mm-jjjj``, ``d-m-jjjj`` (also with / or .) or ``jjjj-mm-dd``. None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    try:
        if isinstance(value, int | float | Decimal) or re.fullmatch(r"\d{5}", text):
            serial = int(Decimal(str(value)))
            if 1 <= serial <= 2958465:  # 31-12-9999
                return EXCEL_EPOCH + datetime.timedelta(days=serial)
        elif match := _DMY.fullmatch(text):
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        elif match := _YMD.fullmatch(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except (ValueError, ArithmeticError):
        pass
    raise ValueProblem(_("“%(value)s” is not a date: write it as dd-mm-jjjj.") % {"value": text})


def parse_fte(value, form: str) -> Decimal | None:
    """The part-time factor in one of its forms; None when empty.

    ``fte``: a factor (``0,8``, ``0.8``), or a percentage when written with ``%``.
    ``fte_percent``: ``80%`` or ``80``; a number up to 1.2 is already a factor (Excel keeps a
    cell shown as 80 % as 0.8). ``hours``: hours per week, divided by FULL_TIME_HOURS.
    """
    text = cell_text(value)
    if not text:
        return None
    percent = text.endswith("%")
    try:
        number = parse_number(value if not percent else text.removesuffix("%"))
    except NumberError as error:
        if form == "hours":
            raise ValueProblem(
                _("The hours per week “%(value)s” are not a number.") % {"value": text}
            ) from error
        raise ValueProblem(_("The fte “%(value)s” is not a number.") % {"value": text}) from error
    if form == "hours":
        return number / FULL_TIME_HOURS
    if percent or (form == "fte_percent" and number > Decimal("1.2")):
        return number / 100
    return number


# Category from the function


# Keywords in a function, in the order they are tried: support staff first, so that
# "directiesecretaresse" and "onderwijsassistent" are not read as management or teaching.
# Whole words (a word of the function) for the short ones; parts of a word for the others.
CATEGORY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        StaffCategory.OOP,
        (
            "secretar",
            "assistent",
            "instructeur",
            "toa",
            "concierge",
            "administrat",
            "roostermaker",
            "rooster",
            "ondersteuner",
            "ict",
            "systeembeheer",
            "applicatiebeheer",
            "mediathec",
            "receptie",
            "receptionist",
            "telefonist",
            "facilitair",
            "beheerder",
            "controller",
            "financieel",
            "personeelszaken",
            "hr",
            "medewerker",
            "schoolmaatschappelijk",
            "examensecretaris",
        ),
    ),
    (
        StaffCategory.MT,
        (
            "directeur",
            "directie",
            "rector",
            "conrector",
            "teamleider",
            "afdelingsleider",
            "sectordirecteur",
            "bouwcoordinator",
            "mt",
            "schoolleider",
        ),
    ),
    (
        StaffCategory.OP,
        (
            "docent",
            "leraar",
            "lerares",
            "lio",
            "leerkracht",
            "mentor",
            "teacher",
            "zorgcoordinator",
            "decaan",
        ),
    ),
)
_WHOLE_WORDS = {"toa", "ict", "hr", "mt", "lio"}


def function_key(function) -> str:
    """The function as the mapping compares it: lower case, accents and spacing ignored."""
    text = unicodedata.normalize("NFKD", cell_text(function))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.lower().split())


def propose_category(function: str) -> str | None:
    """The category a function's name suggests (OP, OOP or MT), or None."""
    text = function_key(function)
    words = set(re.split(r"[^a-z]+", text))
    for category, keywords in CATEGORY_KEYWORDS:
        for keyword in keywords:
            if keyword in _WHOLE_WORDS:
                if keyword in words:
                    return category.value
            elif keyword in text:
                return category.value
    return None
