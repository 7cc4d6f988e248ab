from django.contrib import admin

from werkdruk.admin import ReadOnlyAdminMixin

from .models import (
    Board,
    BoardAdministrator,
    BoardProcess,
    Decision,
    Process,
    ProcessStep,
    PupilCount,
    School,
    SchoolRole,
    SchoolYear,
)


class PupilCountInline(admin.TabularInline):
    model = PupilCount
    extra = 0


class SchoolRoleInline(admin.TabularInline):
    model = SchoolRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "brin", "board", "city"]
    list_filter = ["board"]
    search_fields = ["name", "brin"]
    inlines = [PupilCountInline, SchoolRoleInline]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["__str__"]


@admin.register(BoardAdministrator)
class BoardAdministratorAdmin(admin.ModelAdmin):
    list_display = ["user", "board"]
    autocomplete_fields = ["user"]


@admin.register(SchoolRole)
class SchoolRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role"]
    list_filter = ["role", "school"]
    autocomplete_fields = ["user"]


class ProcessStepInline(admin.TabularInline):
    """Steps change only through the procedure's services; the admin shows them."""

    model = ProcessStep
    extra = 0
    can_delete = False
    fields = [
        "number",
        "state",
        "planned_date",
        "opened_at",
        "completed_at",
        "agreed_actor",
        "revision",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["school", "school_year", "kind", "created_at"]
    list_filter = ["school_year", "kind"]
    readonly_fields = ["school", "school_year", "created_from", "created_at"]
    inlines = [ProcessStepInline]

    def has_add_permission(self, request):
        return False  # processes start through the application, which records the decision


@admin.register(BoardProcess)
class BoardProcessAdmin(admin.ModelAdmin):
    list_display = ["board", "school_year", "state", "planned_date"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: recorded decisions are never edited or deleted."""

    list_display = ["created_at", "school", "step_number", "summary", "actor_name"]
    list_filter = ["action", "school"]
    search_fields = ["summary", "grounds", "actor_name"]
