from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm
from simple_history.admin import SimpleHistoryAdmin

from processes.models import School
from werkdruk.admin import ReadOnlyAdminMixin

from .forms.staff import validate_staff_upload
from .importing import StaffFileError, read_staff_file
from .models import StaffMember
from .resources import StaffMemberResource


class StaffFileFormat(base_formats.Format):
    """The admin's import format: CSV (any separator, encoding, decimal comma) or XLSX.

    It reads the file exactly as the staff import page does (``units.importing``, which reads
    through ``werkdruk.tabular``).
    """

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return gettext_lazy("staff list (CSV or XLSX)")

    def create_dataset(self, in_stream):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return read_staff_file(in_stream)

    def can_import(self):
        return True

    def get_extension(self):
        return "csv"


class StaffImportAdminForm(ImportForm):
    """import-export's import form with the school the list belongs to."""

    school = forms.ModelChoiceField(queryset=School.objects.all(), label=gettext_lazy("School"))
    field_order = ["school", "resource", "import_file", "format"]

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        validate_staff_upload(upload)
        return upload


class StaffConfirmImportAdminForm(ConfirmImportForm):
    school = forms.ModelChoiceField(queryset=School.objects.all(), widget=forms.HiddenInput)


@admin.register(StaffMember)
class StaffMemberAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [StaffMemberResource]
    import_form_class = StaffImportAdminForm
    confirm_form_class = StaffConfirmImportAdminForm
    import_formats = [StaffFileFormat]
    export_formats = [base_formats.CSV, base_formats.XLSX]

    list_display = [
        "name",
        "email",
        "school",
        "category",
        "function",
        "department",
        "fte",
        "active",
    ]
    list_filter = ["school", "category", "active"]
    list_select_related = ["school"]
    search_fields = ["name", "email", "function", "department"]
    autocomplete_fields = ["user"]

    def has_import_permission(self, request):
        return request.user.has_perm("units.add_staffmember") and request.user.has_perm(
            "units.change_staffmember"
        )

    def create_import_form(self, request):
        form = super().create_import_form(request)
        # Only the schools this user may import for; the resource checks again.
        allowed = [
            school.pk
            for school in School.objects.all()
            if request.user.has_perm("units.import_staff", school)
        ]
        form.fields["school"].queryset = School.objects.filter(pk__in=allowed)
        return form

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["school"] = import_form.cleaned_data["school"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {"school": cleaned.get("school")}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {}

    def get_import_data_kwargs(self, **kwargs):
        # As on the staff import page: any wrong row keeps the whole file out.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, StaffFileError):
            for message in e.messages:
                form.add_error("import_file", message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The file changed between preview and confirmation; nothing was kept.
            messages.error(request, _("Nothing was imported: the file has errors."))
            return HttpResponseRedirect(
                reverse("admin:units_staffmember_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(
            request,
            _(
                "The staff list has been imported: %(added)s added, %(changed)s changed, "
                "%(unchanged)s unchanged, %(deactivated)s deactivated."
            )
            % {
                "added": result.totals["new"],
                "changed": result.totals["update"],
                "unchanged": result.unchanged,
                "deactivated": result.deactivated,
            },
        )


# --- step 0 and the school budget: written by units.services.budget, shown read-only here,
# because a change outside the services would skip the recorded decision.
from .models import BoardAllocation, BudgetLine, SchoolAllocation  # noqa: E402


class SchoolAllocationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SchoolAllocation
    fields = ["school", "pupil_count", "amount"]
    readonly_fields = fields
    extra = 0


@admin.register(BoardAllocation)
class BoardAllocationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "board",
        "school_year",
        "total",
        "board_office_amount",
        "submitted_at",
        "gmr_decision",
        "gmr_meeting_date",
        "fixed_at",
        "fixed_by",
    ]
    list_filter = ["board", "school_year", "gmr_decision"]
    list_select_related = ["board", "school_year", "fixed_by"]
    inlines = [SchoolAllocationInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["process", "kind", "description", "amount", "source"]
    list_filter = ["kind", "process__school_year"]
    list_select_related = ["process__school", "process__school_year", "source"]
    search_fields = ["description", "process__school__name"]


# --- step 1: organisational units, written by units.services.units and shown read-only here,
# because a change outside the services would not reopen a signed-off step 1 on record.
from .models import ConversationGroup, OrganisationalUnit, UnitMembership  # noqa: E402


class ConversationGroupInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ConversationGroup
    fields = ["name"]
    readonly_fields = fields
    extra = 0


@admin.register(OrganisationalUnit)
class OrganisationalUnitAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "process", "kind"]
    list_filter = ["kind", "process__school_year"]
    list_select_related = ["process__school", "process__school_year"]
    search_fields = ["name", "process__school__name"]
    inlines = [ConversationGroupInline]


@admin.register(UnitMembership)
class UnitMembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["staff_member", "unit", "group", "process"]
    list_filter = ["process__school_year"]
    list_select_related = [
        "staff_member",
        "unit",
        "group",
        "process__school",
        "process__school_year",
    ]
    search_fields = ["staff_member__name", "staff_member__email", "unit__name"]
