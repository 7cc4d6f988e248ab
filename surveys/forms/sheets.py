"""The choice of people who get a printed sheet with a personal code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Invitee

NOT_ON_ROLL = _("Choose people on the roll of this round.")


class SheetForm(forms.Form):
    """The people on the roll who get a printed sheet with a personal code."""

    invitees = forms.ModelMultipleChoiceField(
        label=_("Staff members"),
        queryset=Invitee.objects.none(),
        error_messages={
            "required": _("Tick the people who need a personal survey sheet."),
            "invalid_choice": NOT_ON_ROLL,
            "invalid_pk_value": NOT_ON_ROLL,
        },
    )

    mark_unusable = forms.BooleanField(
        label=_(
            "Also record that the e-mail address of the ticked people does not work: they "
            "are listed first next time."
        ),
        required=False,
    )

    def __init__(self, *args, survey_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = (
            Invitee.objects.filter(round=survey_round)
            .select_related("staff_member")
            .order_by("staff_member__name", "pk")
        )

    def selected(self) -> set[str]:
        if not self.is_bound:
            return set()
        return {str(value) for value in self.data.getlist("invitees")}
