from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms.staff import ALLOWED_EXTENSIONS, validate_staff_upload
from werkdruk.edit_conflicts import VersionField
from werkdruk.forms import AmountField, LocalDecimalField

from .models import FTE_MAX, MeasureSpending
from .services.spending import SpendingData


class SpendingForm(forms.Form):
    actual = AmountField(label=_("Actual spending"))
    status = forms.ChoiceField(label=_("Status"), choices=MeasureSpending.Status.choices)
    fte_hired = LocalDecimalField(
        label=_("fte actually hired"),
        required=False,
        min_value=0,
        max_value=FTE_MAX,
        max_digits=5,
        decimal_places=2,
        help_text=_("For measures that hire staff; leave empty otherwise."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()

    @staticmethod
    def initial_for(figures) -> dict:
        return {
            "actual": figures.actual,
            "status": figures.status,
            "fte_hired": figures.fte_hired,
            "note": figures.note,
            "version": figures.version,
        }

    def data_for_service(self) -> SpendingData:
        data = self.cleaned_data
        return SpendingData(
            actual=data["actual"],
            status=data["status"],
            fte_hired=data["fte_hired"],
            note=data["note"].strip(),
        )


class SpendingImportForm(forms.Form):
    file = forms.FileField(
        label=_("Finance export"),
        help_text=_(
            "A CSV file, an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods) of at "
            "most 5 MB."
        ),
        validators=[validate_staff_upload],
        widget=forms.FileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
