from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import StaffCategory

ALLOWED_EXTENSIONS = (".csv", ".xlsx", ".ods")


def validate_staff_upload(upload) -> None:
    """A staff list (or finance export) is a .csv, .xlsx or .ods file of at most
    UPLOAD_MAX_BYTES."""
    if Path(upload.name or "").suffix.lower() not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _(
                "Upload a CSV file (.csv), an Excel workbook (.xlsx) or an OpenDocument "
                "spreadsheet (.ods)."
            ),
            code="extension",
        )
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the maximum is %(max)s."),
            code="size",
            params={"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
        )


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list"),
        help_text=_(
            "A CSV file, an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods) of at "
            "most 5 MB."
        ),
        validators=[validate_staff_upload],
        widget=forms.FileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )


class StaffImportConfirmForm(forms.Form):
    """The preview's form: the rows as read (signed, ``token``) and a category for each function
    the school has not confirmed yet (a file without category column)."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, functions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.function_fields = []
        for index, choice in enumerate(functions):
            name = f"function_{index}"
            self.fields[name] = forms.ChoiceField(
                label=choice.function,
                choices=[("", _("Choose…")), *StaffCategory.choices],
                initial=choice.category or "",
                help_text=_("Proposed from the function's name.") if choice.category else "",
            )
            self.function_fields.append((name, choice))

    def choices(self) -> dict[str, str]:
        """Function (its key) -> the chosen category."""
        return {choice.key: self.cleaned_data[name] for name, choice in self.function_fields}
