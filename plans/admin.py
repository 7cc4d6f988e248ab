from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from werkdruk.admin import ReadOnlyAdminMixin
from werkdruk.money import format_euro

from .models import (
    FrameworkRule,
    FunctionCost,
    Measure,
    MeasureCategory,
    UnitPlan,
    WorkloadCause,
)


@admin.register(MeasureCategory)
class MeasureCategoryAdmin(admin.ModelAdmin):
    """Reference data the administrator keeps."""

    list_display = ["code", "name_nl", "name_en", "costs_money", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(WorkloadCause)
class WorkloadCauseAdmin(admin.ModelAdmin):
    """Reference data the administrator keeps: the causes units tick in their plans."""

    list_display = ["code", "theme", "name_nl", "name_en", "order"]
    list_editable = ["order"]
    list_filter = ["theme"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(FrameworkRule)
class FrameworkRuleAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: rules change only through the frameworks page, whose services reopen a
    signed-off step 3 and record the change."""

    list_display = ["__str__", "process", "kind", "severity", "machine_check", "order"]
    list_filter = ["kind", "severity", "machine_check", "process__school_year"]
    list_select_related = ["process__school", "process__school_year"]
    search_fields = ["text", "process__school__name"]
    readonly_fields = [
        "process",
        "text",
        "kind",
        "severity",
        "machine_check",
        "max_amount",
        "max_percentage",
        "deadline",
        "categories",
        "order",
    ]


@admin.register(FunctionCost)
class FunctionCostAdmin(SimpleHistoryAdmin):
    """Reference data the administrator keeps: the yearly cost of each function per school year.
    Rows marked as examples were seeded with made-up values and should be replaced."""

    list_display = [
        "function",
        "school_year",
        "school",
        "yearly_cost",
        "hourly_cost_shown",
        "is_example",
        "source",
        "order",
    ]
    list_filter = ["school_year", "is_example", ("school", admin.EmptyFieldListFilter)]
    list_select_related = ["school_year", "school"]
    raw_id_fields = ["school"]
    search_fields = ["function", "source"]
    ordering = ["-school_year__start_year", "order", "function"]

    @admin.display(description=_("hourly cost (used)"))
    def hourly_cost_shown(self, obj):
        return format_euro(obj.effective_hourly_cost)


class MeasureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Measure
    fields = ["order", "title", "category", "cost_type", "first_year", "last_year", "total_cost"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(UnitPlan)
class UnitPlanAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: plans change only through the plan pages, whose services check who may edit,
    keep the costs computed and record submissions and returns as decisions."""

    list_display = ["unit", "process", "state", "revision", "submitted_at"]
    list_filter = ["state", "process__school_year"]
    list_select_related = ["unit", "process__school", "process__school_year"]
    search_fields = ["unit__name", "process__school__name"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only, like the plans: the history shows every change."""

    list_display = ["title", "plan", "category", "cost_type", "total_cost"]
    list_filter = ["category", "cost_type", "structural", "changes_task_policy"]
    list_select_related = ["plan__unit", "category"]
    search_fields = ["title", "description", "plan__unit__name"]
