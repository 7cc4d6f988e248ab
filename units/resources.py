"""The staff list as a django-import-export resource: one school per import, rows by e-mail.

Used by the staff import service (``units.services.staff.staff_import``) and by the admin's import
and export. The resource itself enforces what an import must respect, whoever calls it:

- the school is fixed per import (a constructor argument, never a column) and the importing user
  needs ``units.import_staff`` on it;
- every value is parsed as schools write it (``0,8``, ``oop``) and validated with a message that
  names the problem; e-mail addresses must be unique within the file;
- rows are matched by e-mail address, case-insensitively, within the school;
- after a clean import, staff of the school missing from the file are deactivated, never deleted.

Whether anything is kept when some row is wrong is up to the caller's transaction: the service
and the admin both roll back on any error.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from werkdruk.numbers import NumberError, parse_number
from werkdruk.spreadsheets import FormulaSafeResourceMixin
from werkdruk.tabular import normalise_header

from .importing import REQUIRED_COLUMNS, StaffFileError
from .models import FTE_MAX, FTE_MIN, StaffCategory, StaffMember

# The code of validation errors whose message already says which value is wrong.
ERROR_CODE = "staff_import"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed in a workbook cell: 12.0 -> "12"
    return " ".join(str(value).split())


class TextWidget(widgets.CharWidget):
    """Text with surrounding and repeated spaces removed; optionally required; length checked."""

    def __init__(self, *, max_length, required=False, missing=None, too_long=None):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.max_length = max_length
        self.required = required
        self.missing = missing
        self.too_long = too_long

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if self.required and not text:
            raise ValueError(str(self.missing))
        if len(text) > self.max_length:
            raise ValueError(str(self.too_long % {"max": self.max_length}))
        return text


class EmailWidget(widgets.CharWidget):
    """An e-mail address, lower-cased (``Piet@School.NL`` and ``piet@school.nl`` are one person)."""

    max_length = StaffMember._meta.get_field("email").max_length

    def clean(self, value, row=None, **kwargs):
        email = normalise_email(value)
        if not email:
            raise ValueError(_("The e-mail address is missing."))
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(
                _("“%(value)s” is not a valid e-mail address.") % {"value": _text(value)}
            ) from None
        if len(email) > self.max_length:
            raise ValueError(
                _("The e-mail address is longer than %(max)s characters.")
                % {"max": self.max_length}
            )
        return email


def normalise_email(value) -> str:
    email = _text(value).lower()
    if email.startswith("mailto:"):  # a hyperlink copied from a workbook
        email = email.removeprefix("mailto:")
    return email


CATEGORY_ALIASES = {
    normalise_header(alias): category
    for category, aliases in {
        StaffCategory.OP: (
            "op",
            "onderwijzend personeel",
            "onderwijsgevend personeel",
            "teaching staff",
            "teaching",
        ),
        StaffCategory.OOP: (
            "oop",
            "obp",
            "onderwijsondersteunend personeel",
            "ondersteunend personeel",
            "onderwijs ondersteunend personeel",
            "support staff",
            "support",
        ),
        StaffCategory.MT: (
            "mt",
            "management",
            "managementteam",
            "management team",
            "directie",
            "schoolleiding",
        ),
    }.items()
    for alias in aliases
}


class StaffCategoryWidget(widgets.Widget):
    """OP, OOP or MT in any case; also the Dutch words (``onderwijsondersteunend personeel``)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            raise ValueError(_("The staff category is missing."))
        category = CATEGORY_ALIASES.get(normalise_header(text))
        if category is None:
            raise ValueError(
                _("Unknown staff category “%(value)s”: use OP, OOP or MT.") % {"value": text}
            )
        return category.value

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DutchDecimalWidget(widgets.NumberWidget):
    """A decimal number written either way: ``0,8`` (Dutch) or ``0.8``; numbers from workbooks.

    Read by ``werkdruk.numbers.parse_number``, the parser of every form and import.
    """

    decimal_places = 4
    max_value = None  # the largest value the column takes: settles "1,000" (1 or 1000)

    def parse(self, value) -> Decimal | None:
        if not isinstance(value, int | float | Decimal) and not _text(value):
            return None
        number = parse_number(value, max_value=self.max_value)
        try:
            return number.quantize(Decimal(1).scaleb(-self.decimal_places), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # too many digits to hold
            raise NumberError(_("“%(value)s” is not a number.") % {"value": _text(value)}) from None

    def clean(self, value, row=None, **kwargs):
        try:
            return self.parse(value)
        except NumberError as error:
            raise ValueError(error.message) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):  # a workbook: a number cell, not text
            return value.normalize() if isinstance(value, Decimal) else value
        return formats.number_format(value.normalize() if isinstance(value, Decimal) else value)


class FteWidget(DutchDecimalWidget):
    """The part-time factor: required, more than 0 and at most FTE_MAX."""

    max_value = FTE_MAX

    def clean(self, value, row=None, **kwargs):
        try:
            number = self.parse(value)
        except NumberError as error:
            if error.code == "ambiguous":
                raise ValueError(error.message) from None
            raise ValueError(
                _("The fte “%(value)s” is not a number.") % {"value": _text(value)}
            ) from None
        if number is None:
            raise ValueError(_("The fte is missing."))
        if not FTE_MIN <= number <= FTE_MAX:
            raise ValueError(
                _("The fte %(value)s is out of range: it must be more than 0 and at most %(max)s.")
                % {"value": _text(value), "max": formats.number_format(FTE_MAX)}
            )
        return number


def _is_blank_row(row) -> bool:
    return all(_text(value) == "" for value in row.values())


class StaffImportExportResult(Result):
    """import-export's Result with what the staff import adds: unchanged and deactivated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unchanged = 0
        self.deactivated = 0


class StaffMemberResource(FormulaSafeResourceMixin, resources.ModelResource):
    name = fields.Field(
        attribute="name",
        column_name="name",
        widget=TextWidget(
            max_length=200,
            required=True,
            missing=gettext_lazy("The name is missing."),
            too_long=gettext_lazy("The name is longer than %(max)s characters."),
        ),
    )
    email = fields.Field(attribute="email", column_name="email", widget=EmailWidget())
    category = fields.Field(
        attribute="category", column_name="category", widget=StaffCategoryWidget()
    )
    function = fields.Field(
        attribute="function",
        column_name="function",
        widget=TextWidget(
            max_length=100,
            too_long=gettext_lazy("The function is longer than %(max)s characters."),
        ),
    )
    department = fields.Field(
        attribute="department",
        column_name="department",
        widget=TextWidget(
            max_length=100,
            too_long=gettext_lazy("The department is longer than %(max)s characters."),
        ),
    )
    fte = fields.Field(attribute="fte", column_name="fte", widget=FteWidget())

    class Meta:
        model = StaffMember
        fields = ("name", "email", "category", "function", "department", "fte")
        import_id_fields = ("email",)
        clean_model_instances = True
        use_transactions = True
        report_skipped = True
        name = gettext_lazy("Staff list of one school")

    def __init__(self, *, school=None, row_numbers=None, **kwargs):
        super().__init__(**kwargs)
        self.school = school
        # Data row i of the dataset (1-based) is Excel row row_numbers[i - 1], when the dataset
        # was made from a file read by appointments (units.importing.read_staff_list).
        self.row_numbers = row_numbers
        self._existing: dict[str, StaffMember] = {}
        self._emails_in_file: set[str] = set()
        self._duplicate_of: dict[int, int] = {}
        self._blank_rows = 0
        self._user = None

    def excel_row_number(self, row_number: int) -> int:
        """Data row ``i`` of the dataset is row ``i + 1`` in Excel: the headers are row 1 (or
        the row ``row_numbers`` says)."""
        if self.row_numbers:
            return self.row_numbers[row_number - 1]
        return row_number + 1

    def get_result_class(self):
        return StaffImportExportResult

    def get_queryset(self):
        return StaffMember.objects.filter(school=self.school)

    def before_import(self, dataset, **kwargs):
        if self.school is None:
            raise StaffFileError([_("Choose the school the staff list belongs to.")])
        self._user = kwargs.get("user")
        if self._user is None or not self._user.has_perm("units.import_staff", self.school):
            raise PermissionDenied
        missing = [column for column in REQUIRED_COLUMNS if column not in (dataset.headers or [])]
        if missing:
            raise StaffFileError(
                [_("Column missing: %(column)s.") % {"column": column} for column in missing]
            )

        self._existing = {member.email.lower(): member for member in self.get_queryset()}
        first_row: dict[str, int] = {}
        for number, email in enumerate(dataset["email"], 1):
            key = normalise_email(email)
            if not key:
                continue
            self._emails_in_file.add(key)
            if key in first_row:
                self._duplicate_of[number] = first_row[key]
            else:
                first_row[key] = number

    def get_instance(self, instance_loader, row):
        return self._existing.get(normalise_email(row.get("email")))

    def init_instance(self, row=None):
        return StaffMember(school=self.school)

    def import_instance(self, instance, row, **kwargs):
        # Like import-export's own loop, but the errors keep a code that says "this message
        # names its value", so the service can tell them from Django's generic messages.
        errors = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code=ERROR_CODE)
        first = self._duplicate_of.get(kwargs.get("row_number"))
        if first is not None and "email" not in errors:
            errors["email"] = ValidationError(
                _("The e-mail address %(email)s also appears in row %(row)s.")
                % {"email": instance.email, "row": self.excel_row_number(first)},
                code=ERROR_CODE,
            )
        # Someone on the list is active, also when an earlier import deactivated them.
        instance.active = True
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if _is_blank_row(row):
            self._blank_rows += 1
            return True
        if import_validation_errors or original is None or original.pk is None:
            return False
        compared = [field.attribute for field in self.get_import_fields()] + ["active"]
        return all(getattr(instance, name) == getattr(original, name) for name in compared)

    def before_save_instance(self, instance, row, **kwargs):
        instance.school = self.school
        instance._history_user = self._user

    def after_import(self, dataset, result, **kwargs):
        # Report the rows as the user sees them in Excel, in the admin as in the service.
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number = self.excel_row_number(row.number)
        super().after_import(dataset, result, **kwargs)
        result.unchanged = result.totals[RowResult.IMPORT_TYPE_SKIP] - self._blank_rows
        if result.has_errors() or result.has_validation_errors():
            return
        missing = [
            member
            for key, member in self._existing.items()
            if member.active and key not in self._emails_in_file
        ]
        result.deactivated = len(missing)
        if self._is_dry_run(kwargs):
            return
        for member in missing:
            member.active = False
            member._history_user = self._user
            member.save(update_fields=["active"])
