"""Forms of the school's roles page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from processes.models import SchoolRole


class _CandidateField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})" if obj.name else obj.email


class SchoolRoleAppointForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=SchoolRole.Role.choices, initial=SchoolRole.Role.PMR
    )
    user = _CandidateField(
        label=_("Staff member"),
        queryset=None,
        help_text=_("Active staff members of the school who have an account."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class SchoolRoleReplaceForm(forms.Form):
    user = _CandidateField(label=_("New holder"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
