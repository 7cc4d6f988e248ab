"""Removal of a person who left: a confirmation page with the reason, then the removal."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from werkdruk.domain_errors import shows_domain_error

from ..forms import RemovalForm
from ..services.removal import removal_refusals, staff_member_remove
from .export import member_for

REMOVE = "privacy.remove_staff_data"


def staff_remove(request, school_id, pk):
    member = member_for(request.user, school_id, pk, REMOVE)
    form = RemovalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                member = staff_member_remove(
                    member=member, actor=request.user, reason=form.cleaned_data["reason"]
                )
            if attempt.succeeded:
                messages.success(
                    request,
                    _("The personal data were removed; the records now show %(placeholder)s.")
                    % {"placeholder": member.name},
                )
                return redirect("privacy:staff", school_id=member.school_id)
        status = 400
    context = {
        "school": member.school,
        "member": member,
        "form": form,
        "refusals": removal_refusals(member),
    }
    return render(request, "privacy/remove.html", context, status=status)
