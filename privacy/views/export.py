"""The director's privacy page for a school's staff, and the export of one person's data (JSON
and a readable PDF)."""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy

from processes.models import School
from units.models import StaffMember
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf

from ..selectors.export import person_export, privacy_staff_list
from ..services.removal import removal_refusals

EXPORT = "privacy.export_staff_data"
FILE_EXPORT = pgettext_lazy("file name", "personal data")


def school_for(user, school_id, perm) -> School:
    """The school, 404 if it does not exist, 403 if ``user`` lacks ``perm`` on it."""
    school = get_object_or_404(School.objects.select_related("board"), pk=school_id)
    if not user.has_perm(perm, school):
        raise PermissionDenied
    return school


def member_for(user, school_id, pk, perm) -> StaffMember:
    school = school_for(user, school_id, perm)
    return get_object_or_404(
        StaffMember.objects.select_related("school", "user"), pk=pk, school=school
    )


def privacy_staff(request, school_id):
    school = school_for(request.user, school_id, EXPORT)
    members = list(privacy_staff_list(school=school))
    can_remove = request.user.has_perm("privacy.remove_staff_data", school)
    rows = [
        {
            "member": member,
            "refusals": removal_refusals(member) if can_remove and not member.active else [],
        }
        for member in members
    ]
    return render(
        request,
        "privacy/staff.html",
        {"school": school, "rows": rows, "can_remove": can_remove},
    )


def export_json(request, school_id, pk):
    member = member_for(request.user, school_id, pk, EXPORT)
    data = person_export(member=member)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = download_name(FILE_EXPORT, member.school.brin, member.pk, ext="json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _readable(value):
    """A JSON value as a person reads it: yes/no, a date and time in the school's format."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "j F Y H:i")
    return value


def export_pdf(request, school_id, pk):
    member = member_for(request.user, school_id, pk, EXPORT)
    data = person_export(member=member)
    sections = [
        {
            "label": label,
            "title": section["title"],
            "fields": section["fields"],
            "rows": [
                [
                    (section["labels"].get(name, name), _readable(row.get(name)))
                    for name in section["fields"]
                ]
                for row in section["rows"]
            ],
        }
        for label, section in data["records"].items()
        if section["rows"]
    ]
    empty = [section["title"] for section in data["records"].values() if not section["rows"]]
    pdf = render_pdf(
        "privacy/export_pdf.html",
        {
            "school": member.school,
            "data": data,
            "generated_at": _readable(data["generated_at"]),
            "sections": sections,
            "empty": empty,
        },
    )
    return pdf_response(pdf, download_name(FILE_EXPORT, member.school.brin, member.pk, ext="pdf"))
