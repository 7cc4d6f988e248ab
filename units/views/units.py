"""Pages of step 1: the units of a process and one unit with its members and groups.

Everyone who may see the process sees its units (read-only); the director and PMR members
change them. Every POST resolves the object (404 for another school), checks the permission
(403), validates a form and calls one service; a refusal re-renders the page with status 400.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from processes import registry
from processes.selectors import current_sign_offs, process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.units import AssignForm, GroupForm, MemberForm, MembersForm, StaffFilterForm, UnitForm
from ..models import OrganisationalUnit, StaffCategory, StaffMember
from ..selectors import units as selectors
from ..services import units as services

MANAGE = "processes.manage_process"


class _NoFields(forms.Form):
    """A form without fields, for actions that need only the button (and the CSRF token)."""


def _managed_unit(request, pk, unit_pk):
    process, unit = selectors.unit_get_for_user(user=request.user, process_pk=pk, unit_pk=unit_pk)
    if not request.user.has_perm(MANAGE, process):
        raise PermissionDenied
    return process, unit


def _errors_of(form, refusal=()) -> list[str]:
    """The form's errors, then the lines of a service's refusal, for the page's error list."""
    return [message for messages_ in form.errors.values() for message in messages_] + [*refusal]


def _step_context(process, *, with_blockers=False) -> dict:
    step = process_step(process, 1)
    signed = current_sign_offs(step)
    return {
        "step": step,
        "signed": signed,
        # Changing the units now reopens step 1 (and undoes its sign-offs), on record.
        "changes_reopen": step.is_finished or bool(signed),
        # Exactly what a sign-off would check now (the staff list, the units).
        "blockers": registry.step_blockers(step) if with_blockers and step.state == "open" else [],
    }


# --- the list of units ----------------------------------------------------------------


def _totals(summaries) -> dict:
    return {
        "staff_count": sum(s.staff_count for s in summaries),
        "fte": sum((s.fte for s in summaries), Decimal(0)),
        "category_counts": [
            (category.value, sum(s.categories[category.value] for s in summaries))
            for category in StaffCategory
        ],
    }


def _filtered(staff, criteria):
    return [
        member
        for member in staff
        if all(not value or getattr(member, key) == value for key, value in criteria.items())
    ]


def _list_page(request, process, *, status=200, forms=None, errors=()):
    can_manage = request.user.has_perm(MANAGE, process)
    summaries = selectors.unit_summaries(process=process)
    context = {
        "process": process,
        "summaries": summaries,
        "totals": _totals(summaries),
        "theme_units": [
            s.unit.name for s in summaries if s.unit.kind == OrganisationalUnit.Kind.THEME
        ],
        "can_manage": can_manage,
        "errors": list(errors),
        "categories": StaffCategory.choices,
        **_step_context(process, with_blockers=True),
    }
    if can_manage:
        options = selectors.staff_filter_options(process=process)
        forms = forms or {}
        filter_form = StaffFilterForm(request.GET or None, options=options)
        criteria = filter_form.criteria()
        unassigned = list(selectors.unassigned_staff(process=process))
        context.update(
            {
                "options": options,
                "filter_form": filter_form,
                "criteria": criteria,
                "criteria_query": urlencode({k: v for k, v in criteria.items() if v}),
                "unassigned_count": len(unassigned),
                "unassigned": _filtered(unassigned, criteria),
                "unit_form": forms.get("unit") or UnitForm(),
                "assign": _assign_values(forms.get("assign")),
                "previous": None
                if summaries
                else selectors.previous_process_with_units(process=process),
            }
        )
    return render(request, "units/unit_list.html", context, status=status)


def _assign_values(form) -> dict:
    """What was entered in a refused assignment, to show it again (strings, as posted)."""
    if form is None:
        return {"mode": "", "unit": "", "staff": [], "include_assigned": False}
    data = form.data
    return {
        "mode": data.get("mode", ""),
        "unit": data.get("unit", ""),
        "staff": data.getlist("staff"),
        "category": data.get("category", ""),
        "function": data.get("function", ""),
        "department": data.get("department", ""),
        "include_assigned": bool(data.get("include_assigned")),
    }


@require_GET
def unit_list(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    return _list_page(request, process)


@require_POST
@idempotent_post
def unit_create(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    form = UnitForm(request.POST)
    if form.is_valid():
        with shows_domain_error() as attempt:
            unit = services.unit_create(process=process, actor=request.user, **form.cleaned_data)
        if attempt.failed:
            return _list_page(
                request,
                process,
                status=400,
                forms={"unit": form},
                errors=_errors_of(form, attempt.lines),
            )
        messages.success(request, _("Unit %(name)s has been added.") % {"name": unit.name})
        return redirect("units:unit-detail", pk=process.pk, unit_pk=unit.pk)
    return _list_page(request, process, status=400, forms={"unit": form}, errors=_errors_of(form))


def _assign_message(result, unit) -> str:
    if not result.changed:
        return _("Everyone selected was already in %(unit)s.") % {"unit": unit.name}
    message = ngettext(
        "%(count)s person placed in %(unit)s.",
        "%(count)s people placed in %(unit)s.",
        result.changed,
    ) % {"count": result.changed, "unit": unit.name}
    if result.moved:
        message += " " + ngettext(
            "%(count)s of them moved from another unit.",
            "%(count)s of them moved from another unit.",
            len(result.moved),
        ) % {"count": len(result.moved)}
    return message


@require_POST
def unit_assign(request, pk):
    """Place staff in a unit: ticked by hand, or everyone matching a category, function or
    department (by default only those in no unit yet)."""
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    options = selectors.staff_filter_options(process=process)
    form = AssignForm(request.POST, process=process, options=options)
    refusal = []
    if form.is_valid():
        data = form.cleaned_data
        if data["mode"] == AssignForm.HAND:
            staff = data["staff"]
            back = {k: data[k] for k in ("category", "function", "department") if data[k]}
        else:
            staff = selectors.staff_select(
                process=process,
                category=data["category"],
                function=data["function"],
                department=data["department"],
                unassigned_only=not data["include_assigned"],
            )
            back = {}
        with shows_domain_error() as attempt:
            result = services.unit_members_assign(
                unit=data["unit"], actor=request.user, staff_members=staff
            )
        if attempt.succeeded:
            messages.success(request, _assign_message(result, data["unit"]))
            url = reverse("units:unit-list", args=[process.pk])
            return redirect(f"{url}?{urlencode(back)}" if back else url)
        refusal = attempt.lines
    return _list_page(
        request, process, status=400, forms={"assign": form}, errors=_errors_of(form, refusal)
    )


@require_POST
@idempotent_post
def unit_copy(request, pk):
    """Copy the previous school year's units, groups and memberships."""
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    source = selectors.previous_process_with_units(process=process)
    if source is None:
        return _list_page(
            request, process, status=400, errors=[_("There are no units of last year to copy.")]
        )
    with shows_domain_error() as attempt:
        result = services.units_copy_from(process=process, source=source, actor=request.user)
    if attempt.failed:
        return _list_page(request, process, status=400, errors=attempt.lines)
    messages.success(
        request,
        ngettext(
            "%(units)s unit copied from %(year)s",
            "%(units)s units copied from %(year)s",
            result.units,
        )
        % {"units": result.units, "year": source.school_year}
        + "; "
        + ngettext(
            "%(placed)s staff member placed.",
            "%(placed)s staff members placed.",
            result.placed,
        )
        % {"placed": result.placed},
    )
    if result.not_placed:
        messages.warning(
            request,
            ngettext(
                "Not placed (no longer on the staff list or no longer active): %(names)s.",
                "Not placed (no longer on the staff list or no longer active): %(names)s.",
                len(result.not_placed),
            )
            % {"names": services.names_text(result.not_placed)},
        )
    return redirect("units:unit-list", pk=process.pk)


# --- one unit -------------------------------------------------------------------------


def _detail_page(request, process, unit, *, status=200, forms=None, errors=(), units=None):
    """``units``: all units of ``process`` by name, when the caller has read them."""
    forms = forms or {}
    can_manage = request.user.has_perm(MANAGE, process)
    members = list(selectors.unit_member_list(unit=unit))
    groups = selectors.unit_group_list(unit=unit)
    group_members = {group.pk: [] for group in groups}
    for membership in members:
        if membership.group_id in group_members:
            group_members[membership.group_id].append(membership)
    # Names are for the director, the PMR and the unit's own members (domain.md section 10);
    # everyone else sees the numbers.
    members_hidden = not can_manage and not any(
        m.staff_member.user_id == request.user.pk for m in members
    )
    context = {
        "process": process,
        "unit": unit,
        "members": [] if members_hidden else members,
        "members_hidden": members_hidden and bool(members),
        "active_count": sum(1 for m in members if m.staff_member.active),
        "fte": sum((m.staff_member.fte for m in members if m.staff_member.active), Decimal(0)),
        "groups": [(group, [] if members_hidden else group_members[group.pk]) for group in groups],
        "ungrouped": [] if members_hidden else [m for m in members if m.group_id is None],
        # Members in a conversation group that spans several units (issue 18, item 5).
        "cross_unit": []
        if members_hidden
        else [m for m in members if m.group_id is not None and m.group_id not in group_members],
        "can_manage": can_manage,
        "errors": list(errors),
        **_step_context(process),
    }
    if can_manage:
        context.update(
            {
                "other_units": list(
                    OrganisationalUnit.objects.filter(process=process)
                    .exclude(pk=unit.pk)
                    .order_by("name")
                )
                if units is None
                else [other for other in units if other.pk != unit.pk],
                "edit_form": forms.get("edit")
                or UnitForm(
                    initial={"name": unit.name, "kind": unit.kind, "description": unit.description}
                ),
                "group_form": forms.get("group") or GroupForm(prefix="group"),
                "members_form": forms.get("members"),
            }
        )
    return render(request, "units/unit_detail.html", context, status=status)


@require_GET
def unit_detail(request, pk, unit_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    # The unit and, for the manager's "move to" choices, the other units: in one query.
    units = list(OrganisationalUnit.objects.filter(process=process).order_by("name"))
    unit = next((candidate for candidate in units if candidate.pk == unit_pk), None)
    if unit is None:
        raise Http404
    for candidate in units:
        candidate.process = process
    return _detail_page(request, process, unit, units=units)


def _unit_action(form_key, make_form, call):
    """A POST on one unit: resolve, check permission, validate the form, call one service."""

    @require_POST
    def view(request, pk, unit_pk):
        process, unit = _managed_unit(request, pk, unit_pk)
        form = make_form(request, unit)
        refusal = []
        if form.is_valid():
            with shows_domain_error() as attempt:
                message, target = call(request.user, unit, form.cleaned_data)
            if attempt.succeeded:
                messages.success(request, message)
                return redirect(target)
            refusal = attempt.lines
        return _detail_page(
            request,
            process,
            unit,
            status=400,
            forms={form_key: form},
            errors=_errors_of(form, refusal),
        )

    return view


def _detail_url(unit):
    return reverse("units:unit-detail", args=[unit.process_id, unit.pk])


def _update(user, unit, data):
    unit = services.unit_update(unit=unit, actor=user, **data)
    return _("Unit %(name)s has been saved.") % {"name": unit.name}, _detail_url(unit)


def _delete(user, unit, data):
    count = services.unit_delete(unit=unit, actor=user)
    message = ngettext(
        "Unit %(name)s has been deleted; %(count)s person is now in no unit.",
        "Unit %(name)s has been deleted; %(count)s people are now in no unit.",
        count,
    ) % {"name": unit.name, "count": count}
    return message, reverse("units:unit-list", args=[unit.process_id])


def _members(user, unit, data):
    staff = data["staff"]
    if data["action"] == MembersForm.MOVE:
        target = data["target_unit"]
        result = services.unit_members_assign(unit=target, actor=user, staff_members=staff)
        return _assign_message(result, target), _detail_url(unit)
    if data["action"] == MembersForm.GROUP:
        count = services.group_members_assign(group=data["group"], actor=user, staff_members=staff)
        message = ngettext(
            "%(count)s person put in conversation group %(group)s.",
            "%(count)s people put in conversation group %(group)s.",
            count,
        ) % {"count": count, "group": data["group"].name}
        return message, _detail_url(unit)
    count = services.unit_members_remove(unit=unit, actor=user, staff_members=staff)
    message = ngettext(
        "%(count)s person taken out of %(unit)s.",
        "%(count)s people taken out of %(unit)s.",
        count,
    ) % {"count": count, "unit": unit.name}
    return message, _detail_url(unit)


def _group_create(user, unit, data):
    group = services.group_create(unit=unit, actor=user, name=data["name"])
    return (
        _("Conversation group %(name)s has been added.") % {"name": group.name},
        _detail_url(unit),
    )


unit_update = _unit_action("edit", lambda request, unit: UnitForm(request.POST), _update)
unit_delete = _unit_action("delete", lambda request, unit: _NoFields(request.POST), _delete)
unit_members = _unit_action(
    "members", lambda request, unit: MembersForm(request.POST, unit=unit), _members
)
group_create = idempotent_post(
    _unit_action(
        "group", lambda request, unit: GroupForm(request.POST, prefix="group"), _group_create
    )
)


# --- one conversation group -------------------------------------------------------------


def _group_action(form_key, make_form, call):
    @require_POST
    def view(request, pk, unit_pk, group_pk):
        process, unit = _managed_unit(request, pk, unit_pk)
        group = selectors.unit_group_get(unit=unit, group_pk=group_pk)
        form = make_form(request, group)
        refusal = []
        if form.is_valid():
            with shows_domain_error() as attempt:
                message = call(request.user, group, form.cleaned_data)
            if attempt.succeeded:
                messages.success(request, message)
                return redirect("units:unit-detail", pk=process.pk, unit_pk=unit.pk)
            refusal = attempt.lines
        return _detail_page(
            request,
            process,
            unit,
            status=400,
            forms={form_key: form},
            errors=_errors_of(form, refusal),
        )

    return view


def _group_rename(user, group, data):
    group = services.group_rename(group=group, actor=user, name=data["name"])
    return _("The conversation group is now called %(name)s.") % {"name": group.name}


def _group_delete(user, group, data):
    services.group_delete(group=group, actor=user)
    return _("Conversation group %(name)s has been deleted; its members stay in the unit.") % {
        "name": group.name
    }


def _group_member_remove(user, group, data):
    staff_member = data["staff_member"]
    services.group_member_remove(group=group, actor=user, staff_member=staff_member)
    return _("%(name)s has been taken out of conversation group %(group)s.") % {
        "name": staff_member.name,
        "group": group.name,
    }


group_rename = _group_action(
    "rename", lambda request, group: GroupForm(request.POST, prefix="rename"), _group_rename
)
group_delete = _group_action(
    "group_delete", lambda request, group: _NoFields(request.POST), _group_delete
)
group_member_remove = _group_action(
    "group_member",
    lambda request, group: MemberForm(
        request.POST, queryset=StaffMember.objects.filter(unit_memberships__group=group)
    ),
    _group_member_remove,
)
