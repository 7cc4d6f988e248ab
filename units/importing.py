"""Reading a school's staff list (CSV, XLSX or ODS, as schools export them) into a tablib Dataset.

The file is read by ``werkdruk.tabular.read_rows`` (the spending import reads through it too);
``read_staff_file`` turns its rows into rows with canonical headers (``name``, ``email``,
``category``, ``function``, ``department``, ``fte``); validating the values is the resource's
job (``units.resources``).

Rows keep their position: data row ``i`` of the Dataset (1-based) is row ``i + 1`` in Excel, so
error messages can name the row the user sees. Blank rows inside the file stay in the Dataset
(the resource skips them); only trailing blank rows are dropped.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from werkdruk.exceptions import DomainError
from werkdruk.numbers import format_number
from werkdruk.tabular import ImportFileError, is_blank, normalise_header, read_rows

from . import hr_layouts
from .models import FTE_MAX, FTE_MIN, StaffMember

# Canonical column -> accepted headers, compared after normalise_header().
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("naam", "name", "volledige naam", "naam medewerker", "full name"),
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
    "category": ("categorie", "category", "personeelscategorie", "staff category"),
    "function": ("functie", "function", "functienaam", "job title"),
    "department": ("afdeling", "sectie", "vaksectie", "team", "department", "section"),
    "fte": ("wtf", "fte", "werktijdfactor", "part-time factor"),
}
REQUIRED_COLUMNS = ("name", "email", "category", "fte")
COLUMNS = tuple(HEADER_ALIASES)
# HR exports often split the name; when there is no name column these parts make it up.
NAME_PART_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("voornaam", "roepnaam", "first name", "given name"),
    "infix": ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "infix"),
    "last_name": ("achternaam", "geslachtsnaam", "last name", "surname", "family name"),
}
# Headers of the downloadable template: the first alias of each column, in this order.
TEMPLATE_HEADERS = ("naam", "e-mail", "categorie", "functie", "afdeling", "wtf")

COLUMN_LABELS = {
    "name": StaffMember._meta.get_field("name").verbose_name,
    "email": StaffMember._meta.get_field("email").verbose_name,
    "category": StaffMember._meta.get_field("category").verbose_name,
    "function": StaffMember._meta.get_field("function").verbose_name,
    "department": StaffMember._meta.get_field("department").verbose_name,
    "fte": gettext_lazy("fte (part-time factor)"),
}


@dataclass(frozen=True)
class ImportRowError:
    """What is wrong with one row of the file, or with the file itself (``row_number`` None).

    ``row_number`` is the row as the user sees it in Excel: the header row is row 1.
    """

    row_number: int | None
    messages: tuple[str, ...]

    @property
    def reason(self) -> str:
        return " ".join(self.messages)

    def __str__(self):
        if self.row_number is None:
            return self.reason
        return _("Row %(row)s: %(reason)s") % {"row": self.row_number, "reason": self.reason}


class ImportRejected(DomainError):
    """Nothing was imported; ``errors`` (ImportRowError) says what is wrong, row by row."""

    def __init__(self, errors: list[ImportRowError]):
        rows = [error for error in errors if error.row_number is not None]
        if rows:
            message = ngettext(
                "Nothing was imported: %(count)s row has an error.",
                "Nothing was imported: %(count)s rows have errors.",
                len(rows),
            ) % {"count": len(rows)}
        else:
            message = _("Nothing was imported: the file cannot be used.")
        super().__init__(message, details=errors)
        self.errors = list(errors)


class StaffFileError(ImportFileError):
    """The staff list as a whole cannot be imported."""


_ALIAS_TO_COLUMN = {
    normalise_header(alias): column
    for column, aliases in HEADER_ALIASES.items()
    for alias in aliases
}


def canonical_column(header) -> str | None:
    """The canonical column a header means, or None for a column the import does not use."""
    return _ALIAS_TO_COLUMN.get(normalise_header(header))


_NAME_PART_BY_HEADER = {
    normalise_header(alias): part
    for part, aliases in NAME_PART_ALIASES.items()
    for alias in aliases
}


def read_staff_file(content: bytes, filename: str = "") -> tablib.Dataset:
    """Read an uploaded staff list into a Dataset with canonical headers.

    Raises StaffFileError (with user-facing messages) when the file cannot be read, has no
    header row or data, misses a required column, or has more than
    ``werkdruk.tabular.MAX_ROWS`` rows. Columns
    the import does not use are left out.
    """
    try:
        rows = read_rows(content, filename)
    except ImportFileError as error:
        raise StaffFileError(error.messages) from error
    return _dataset_from_rows(rows)


def _dataset_from_rows(rows: list[list], *, require_category: bool = True) -> tablib.Dataset:
    header = _header_row(rows)
    positions, name_parts = _column_positions(header, require_category=require_category)

    data = []
    for values in rows[1:]:
        row = [_cell(values, position) for position in positions.values()]
        if name_parts:
            parts = (_cell(values, position) for position in name_parts)
            row.insert(0, " ".join(str(part) for part in parts if part))
        data.append(row)
    while data and is_blank(data[-1]):
        data.pop()
    if not data:
        raise StaffFileError(
            [_("The file contains no staff: add one row per person below the headers.")]
        )

    dataset = tablib.Dataset(headers=(["name"] if name_parts else []) + list(positions))
    for values in data:
        dataset.append(values)
    return dataset


def _header_row(rows: list[list]) -> list:
    header = rows[0] if rows else None
    if header is None or is_blank(header):
        raise StaffFileError(
            [_("The first row must contain the column headers, such as naam;e-mail;categorie.")]
        )
    return header


def _column_positions(header, *, require_category=True) -> tuple[dict[str, int], list[int]]:
    """Canonical column -> index in the file's rows, and the indexes of the name parts when
    the name is split (first name, infix, last name); file-level errors for missing/double
    columns."""
    found: dict[str, list[int]] = {}
    parts: dict[str, int] = {}
    for index, title in enumerate(header):
        column = canonical_column(title)
        if column is not None:
            found.setdefault(column, []).append(index)
        elif normalise_header(title) in _NAME_PART_BY_HEADER:
            parts.setdefault(_NAME_PART_BY_HEADER[normalise_header(title)], index)
    name_parts = []
    if "name" not in found and {"first_name", "last_name"} <= set(parts):
        name_parts = [parts[p] for p in NAME_PART_ALIASES if p in parts]

    errors = []
    for column in REQUIRED_COLUMNS:
        if column == "category" and not require_category and "function" in found:
            continue  # the category comes from the function (units.FunctionCategory)
        if column not in found and not (column == "name" and name_parts):
            errors.append(
                _("Column missing: %(column)s. Use one of these headers: %(headers)s.")
                % {"column": COLUMN_LABELS[column], "headers": ", ".join(HEADER_ALIASES[column])}
            )
    for column, indexes in found.items():
        if len(indexes) > 1:
            titles = ", ".join(f"“{str(header[index]).strip()}”" for index in indexes)
            errors.append(
                _("The columns %(columns)s all mean %(column)s: keep only one of them.")
                % {"columns": titles, "column": COLUMN_LABELS[column]}
            )
    if errors:
        raise StaffFileError(errors)
    return {column: found[column][0] for column in COLUMNS if column in found}, name_parts


def _cell(values: list, position: int):
    value = values[position] if position < len(values) else None
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return value  # numbers from a workbook stay numbers (fte)
    return str(value).strip()


# Staff lists as HR systems export them: one row per appointment, in a recognised layout.


@dataclass
class PersonRead:
    """One person as read from the file: in an HR export, the rows of their appointments taken
    together (fte summed; function and department of the largest appointment); in the product's
    own template, one row. ``fte`` is a Decimal when the reader computed it, else the cell as
    the file has it (the resource reads it). ``category`` is the file's category cell, or ""
    when the file has no category column (it then comes from the function)."""

    rows: tuple[int, ...]
    name: str
    email: str
    fte: object
    category: str = ""
    function: str = ""
    department: str = ""
    personnel_number: str = ""
    email_source: str = ""  # "work", "private" or "" (the file's one e-mail column)

    @property
    def row(self) -> int:
        return self.rows[0]

    @property
    def appointments(self) -> int:
        return len(self.rows)

    def as_json(self) -> dict:
        fte = str(self.fte) if isinstance(self.fte, Decimal) else self.fte
        return {
            "rows": list(self.rows),
            "name": self.name,
            "email": self.email,
            "fte": fte,
            "decimal": isinstance(self.fte, Decimal),
            "category": self.category,
            "function": self.function,
            "department": self.department,
            "number": self.personnel_number,
            "source": self.email_source,
        }

    @classmethod
    def from_json(cls, data: dict) -> "PersonRead":
        return cls(
            rows=tuple(data["rows"]),
            name=data["name"],
            email=data["email"],
            fte=Decimal(data["fte"]) if data["decimal"] else data["fte"],
            category=data["category"],
            function=data["function"],
            department=data["department"],
            personnel_number=data["number"],
            email_source=data["source"],
        )


@dataclass(frozen=True)
class LeftOutRow:
    """A row of the file that is not imported: the appointment ended before the import date."""

    row: int
    name: str
    ended: datetime.date


@dataclass
class StaffReading:
    """A staff list as read, before categories are settled and anything is imported."""

    layout_key: str
    has_category: bool
    people: list[PersonRead]
    left_out: list[LeftOutRow]
    errors: list[ImportRowError]

    @property
    def layout(self):
        return hr_layouts.LAYOUTS_BY_KEY[self.layout_key]

    @property
    def merged(self) -> bool:
        return self.layout_key != hr_layouts.OWN_TEMPLATE

    def as_json(self) -> dict:
        return {
            "layout": self.layout_key,
            "has_category": self.has_category,
            "people": [person.as_json() for person in self.people],
            "left_out": [[out.row, out.name, out.ended.isoformat()] for out in self.left_out],
        }

    @classmethod
    def from_json(cls, data: dict) -> "StaffReading":
        return cls(
            layout_key=data["layout"],
            has_category=data["has_category"],
            people=[PersonRead.from_json(person) for person in data["people"]],
            left_out=[
                LeftOutRow(row, name, datetime.date.fromisoformat(ended))
                for row, name, ended in data["left_out"]
            ],
            errors=[],
        )


def read_staff_list(content: bytes, filename: str = "", *, today: datetime.date) -> StaffReading:
    """Read a staff list in any supported layout (``units.hr_layouts``).

    The product's own template is read row by row as ``read_staff_file`` reads it, except that
    the category column may be missing when there is a function column. Any other layout is read
    one row per appointment: rows whose appointment ended before ``today`` are left out, and the
    rows of one person (personnel number, else e-mail address) are taken together.

    Raises StaffFileError for a file that cannot be used; errors in rows are in ``errors``.
    """
    try:
        rows = read_rows(content, filename)
    except ImportFileError as error:
        raise StaffFileError(error.messages) from error
    header = _header_row(rows)
    layout = hr_layouts.detect_layout(header)
    if layout.key == hr_layouts.OWN_TEMPLATE:
        return _read_own_template(rows)
    return _read_appointments(rows, layout, today=today)


def _read_own_template(rows: list[list]) -> StaffReading:
    dataset = _dataset_from_rows(rows, require_category=False)
    has_category = "category" in dataset.headers
    people = []
    for number, values in enumerate(dataset.dict, 2):
        if all(_is_empty(value) for value in values.values()):
            continue
        people.append(
            PersonRead(
                rows=(number,),
                name=values["name"],
                email=values["email"],
                fte=values["fte"],
                category=values.get("category", ""),
                function=values.get("function", ""),
                department=values.get("department", ""),
            )
        )
    return StaffReading(hr_layouts.OWN_TEMPLATE, has_category, people, [], [])


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "email": gettext_lazy("e-mail address"),
    "fte": gettext_lazy("fte, percentage or hours per week"),
    "category": gettext_lazy("staff category or function"),
}


def _appointment_columns(header, layout) -> dict[str, int]:
    found: dict[str, list[int]] = {}
    for index, title in enumerate(header):
        name = hr_layouts.header_field(title, layout)
        if name is not None:
            found.setdefault(name, []).append(index)
    errors = []
    for indexes in found.values():
        if len(indexes) > 1:
            titles = ", ".join(f"“{str(header[index]).strip()}”" for index in indexes)
            errors.append(
                _("The columns %(columns)s all mean the same: keep only one of them.")
                % {"columns": titles}
            )
    has = set(found)
    missing = []
    if "name" not in has and not ({"last_name"} <= has and has & {"first_name", "initials"}):
        missing.append(("name", ("naam", "roepnaam + achternaam", "voorletters + achternaam")))
    if not has & set(hr_layouts.EMAIL_FIELDS):
        missing.append(("email", ("e-mail", "e-mail werk", "e-mailadres zakelijk")))
    if not has & set(hr_layouts.FTE_FIELDS):
        missing.append(("fte", ("wtf", "werktijdfactor", "parttimepercentage", "uren per week")))
    if not has & {"category", "function"}:
        missing.append(("category", ("categorie", "functie")))
    for name, headers in missing:
        errors.append(
            _("Column missing: %(column)s. Use one of these headers: %(headers)s.")
            % {"column": _FIELD_LABELS[name], "headers": ", ".join(headers)}
        )
    if errors:
        raise StaffFileError(errors)
    return {name: indexes[0] for name, indexes in found.items()}


@dataclass
class _Appointment:
    row: int
    key: str
    values: dict
    fte: Decimal


def _read_appointments(rows: list[list], layout, *, today: datetime.date) -> StaffReading:
    columns = _appointment_columns(rows[0], layout)
    fte_field = next(name for name in hr_layouts.FTE_FIELDS if name in columns)
    errors: dict[int, list[str]] = {}
    left_out: list[LeftOutRow] = []
    appointments: list[_Appointment] = []
    data = rows[1:]
    while data and is_blank(data[-1]):
        data.pop()
    if not data:
        raise StaffFileError(
            [_("The file contains no staff: add one row per person below the headers.")]
        )
    for number, raw in enumerate(data, 2):
        if is_blank(raw):
            continue
        cells = {name: raw[index] if index < len(raw) else None for name, index in columns.items()}
        values = {name: hr_layouts.cell_text(value) for name, value in cells.items()}
        values["name"] = values.get("name") or " ".join(
            part
            for part in (
                values.get("first_name") or values.get("initials"),
                values.get("infix"),
                values.get("last_name"),
            )
            if part
        )
        problems = []
        dates = {}
        for name in ("start_date", "end_date"):
            try:
                dates[name] = hr_layouts.parse_date(cells.get(name))
            except hr_layouts.ValueProblem as problem:
                problems.append(str(problem))
        if dates.get("end_date") and dates["end_date"] < today:
            left_out.append(LeftOutRow(number, values["name"], dates["end_date"]))
            continue
        fte = _appointment_fte(cells.get(fte_field), fte_field, problems)
        email, source = "", ""
        for name in hr_layouts.EMAIL_FIELDS:
            if values.get(name):
                email = values[name]
                source = {"email_work": "work", "email_private": "private"}.get(name, "")
                break
        values["email"], values["source"] = email, source
        if "category" not in columns and not values.get("function"):
            problems.append(
                _(
                    "The function is missing: without a category column, the category comes "
                    "from the function."
                )
            )
        if problems:
            errors[number] = problems
            continue
        key = values.get("personnel_number") or _email_key(email) or f"row {number}"
        appointments.append(_Appointment(number, key, values, fte))

    people = []
    by_person: dict[str, list[_Appointment]] = {}
    for appointment in appointments:
        by_person.setdefault(appointment.key, []).append(appointment)
    for group in by_person.values():
        largest = max(group, key=lambda appointment: appointment.fte)  # the first of equals
        total = sum((appointment.fte for appointment in group), Decimal(0))
        numbers = tuple(appointment.row for appointment in group)
        if total > FTE_MAX:
            errors.setdefault(numbers[0], []).append(
                _(
                    "Rows %(rows)s are appointments of one person with %(total)s fte together; "
                    "the most is %(max)s."
                )
                % {
                    "rows": ", ".join(str(row) for row in numbers),
                    "total": format_number(total),
                    "max": format_number(FTE_MAX),
                }
            )
            continue
        values = largest.values
        people.append(
            PersonRead(
                rows=numbers,
                name=values["name"],
                email=values["email"],
                fte=total,
                category=values.get("category", ""),
                function=values.get("function", ""),
                department=values.get("department", ""),
                personnel_number=values.get("personnel_number", ""),
                email_source=values["source"],
            )
        )
    row_errors = [ImportRowError(row, tuple(errors[row])) for row in sorted(errors)]
    return StaffReading(layout.key, "category" in columns, people, left_out, row_errors)


def _appointment_fte(value, form: str, problems: list[str]) -> Decimal:
    """The fte of one appointment; a problem added (and 0 returned) when it cannot be used."""
    try:
        fte = hr_layouts.parse_fte(value, form)
    except hr_layouts.ValueProblem as problem:
        problems.append(str(problem))
        return Decimal(0)
    if fte is None:
        problems.append(_("The fte is missing."))
        return Decimal(0)
    if not FTE_MIN <= fte <= FTE_MAX:
        problems.append(
            _("The fte %(value)s is out of range: it must be more than 0 and at most %(max)s.")
            % {"value": format_number(fte), "max": format_number(FTE_MAX)}
        )
        return Decimal(0)
    return fte


def _email_key(value) -> str:
    email = " ".join(str(value or "").split()).lower()
    return email.removeprefix("mailto:")
