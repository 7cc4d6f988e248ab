"""Forms of step 1. They validate input; the services in ``units.services.units`` decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ConversationGroup, OrganisationalUnit, StaffCategory, StaffMember

CATEGORY_CHOICES = [("", _("all categories")), *StaffCategory.choices]


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind of unit"),
        choices=OrganisationalUnit.Kind.choices,
        initial=OrganisationalUnit.Kind.FUNCTION_GROUP,
        help_text=_(
            "Units are groups whose causes of workload differ: a function group (all OOP), "
            "a department, a theme, or staff sharing a situation."
        ),
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the conversation group"), max_length=100)


class StaffFilterForm(forms.Form):
    """Narrow a list of staff by category, function and department (all optional)."""

    category = forms.ChoiceField(label=_("Category"), choices=CATEGORY_CHOICES, required=False)
    function = forms.ChoiceField(label=_("Function"), required=False)
    department = forms.ChoiceField(label=_("Department or team"), required=False)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].choices = [("", _("all functions"))] + [
            (value, value) for value in options.functions
        ]
        self.fields["department"].choices = [("", _("all departments"))] + [
            (value, value) for value in options.departments
        ]

    def criteria(self) -> dict:
        """The chosen criteria (empty strings for "all"); only after ``is_valid()``."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {key: data.get(key, "") for key in ("category", "function", "department")}


class AssignForm(StaffFilterForm):
    """Place staff in a unit: ticked by hand, or everyone matching category/function/department."""

    HAND = "hand"
    FILTER = "filter"

    mode = forms.ChoiceField(
        choices=[(HAND, HAND), (FILTER, FILTER)], widget=forms.HiddenInput, initial=HAND
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrganisationalUnit.objects.none())
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff members"), queryset=StaffMember.objects.none(), required=False
    )
    include_assigned = forms.BooleanField(
        label=_("Also move people who are already in another unit"), required=False
    )

    def __init__(self, *args, process, options, **kwargs):
        super().__init__(*args, options=options, **kwargs)
        self.fields["unit"].queryset = OrganisationalUnit.objects.filter(process=process)
        # The whole school: the service refuses the inactive with a clear message.
        self.fields["staff"].queryset = StaffMember.objects.filter(school_id=process.school_id)

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == self.HAND and not data.get("staff"):
            raise forms.ValidationError(_("Tick at least one person."), code="empty")
        if mode == self.FILTER and not any(
            data.get(key) for key in ("category", "function", "department")
        ):
            raise forms.ValidationError(
                _("Choose a category, a function or a department."), code="no_criteria"
            )
        return data


class MembersForm(forms.Form):
    """Act on ticked members of one unit: move them, put them in a group, or take them out."""

    MOVE = "move"
    GROUP = "group"
    REMOVE = "remove"

    action = forms.ChoiceField(
        choices=[
            (MOVE, _("Move to another unit")),
            (GROUP, _("Put in a conversation group")),
            (REMOVE, _("Take out of this unit")),
        ]
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=StaffMember.objects.none(), required=True
    )
    target_unit = forms.ModelChoiceField(
        label=_("To unit"), queryset=OrganisationalUnit.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Conversation group"), queryset=ConversationGroup.objects.none(), required=False
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = StaffMember.objects.filter(unit_memberships__unit=unit)
        self.fields["staff"].error_messages["required"] = _("Tick at least one member.")
        self.fields["target_unit"].queryset = OrganisationalUnit.objects.filter(
            process_id=unit.process_id
        ).exclude(pk=unit.pk)
        self.fields["group"].queryset = ConversationGroup.objects.filter(unit=unit)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.MOVE and not data.get("target_unit"):
            self.add_error("target_unit", _("Choose the unit to move them to."))
        if data.get("action") == self.GROUP and not data.get("group"):
            self.add_error("group", _("Choose the conversation group."))
        return data


class MemberForm(forms.Form):
    """One staff member, for a button that acts on a single person."""

    staff_member = forms.ModelChoiceField(queryset=StaffMember.objects.none())

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = queryset
