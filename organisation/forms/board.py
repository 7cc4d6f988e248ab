"""Forms of the board's administration pages. They validate; services save."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from processes.models import Board, School, SchoolYear, brin_validator


def school_year_choices():
    """This school year, the next and the five before it (pupil counts of the past count for
    step 0's history)."""
    current = SchoolYear.objects.current().start_year
    return [(year, f"{year}-{year + 1}") for year in range(current + 1, current - 6, -1)]


class BrinField(forms.CharField):
    """A BRIN code as typed: spaces dropped and capitals made before it is checked."""

    def to_python(self, value):
        return super().to_python(value).replace(" ", "").upper()


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    brin = BrinField(
        label=_("BRIN code"),
        max_length=6,
        validators=[brin_validator],
        help_text=_("Two digits and two capital letters, optionally two more digits: 01AB."),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        initial="nl",
        help_text=_("The language of the school's documents, decisions and e-mails."),
    )

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "brin", "city", "language")}


class PupilCountForm(forms.Form):
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int, choices=())
    pupil_count = forms.IntegerField(
        label=_("Pupil count"),
        min_value=0,
        required=False,
        help_text=_("On 1 October of the school year. Leave empty to remove the count."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices()
        self.fields["school_year"].initial = SchoolYear.objects.current().start_year

    def chosen_school_year(self) -> SchoolYear:
        return SchoolYear.objects.get_or_create(start_year=self.cleaned_data["school_year"])[0]


class SchoolCreateForm(SchoolForm):
    """A new school, with the pupil count of one school year (more on the school's page)."""

    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int, choices=())
    pupil_count = forms.IntegerField(
        label=_("Pupil count"),
        min_value=0,
        required=False,
        help_text=_("On 1 October of that school year. You can add other years later."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices()
        self.fields["school_year"].initial = SchoolYear.objects.current().start_year

    def service_kwargs(self) -> dict:
        kwargs = super().service_kwargs()
        count = self.cleaned_data.get("pupil_count")
        if count is not None:
            year = SchoolYear.objects.get_or_create(start_year=self.cleaned_data["school_year"])[0]
            kwargs["pupil_counts"] = {year: count}
        return kwargs


class BoardSettingsForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["sender_name", "reply_to", "retention_years"]

    def service_kwargs(self) -> dict:
        return {
            "sender_name": self.cleaned_data["sender_name"],
            "reply_to": self.cleaned_data["reply_to"],
            "retention_years": self.cleaned_data["retention_years"],
        }


def school_initial(school: School) -> dict:
    return {
        "name": school.name,
        "brin": school.brin,
        "city": school.city,
        "language": school.language,
    }
