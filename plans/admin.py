from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from werkdruk.admin import ReadOnlyAdminMixin
from werkdruk.money import format_euro

from .models import FrameworkRule, FunctionCost, MeasureCategory


@admin.register(MeasureCategory)
class MeasureCategoryAdmin(admin.ModelAdmin):
    """Reference data the administrator keeps."""

    list_display = ["code", "name_nl", "name_en", "costs_money", "order"]
    list_editable = ["order"]
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
        "yearly_cost",
        "hourly_cost_shown",
        "is_example",
        "source",
        "order",
    ]
    list_filter = ["school_year", "is_example"]
    list_select_related = ["school_year"]
    search_fields = ["function", "source"]
    ordering = ["-school_year__start_year", "order", "function"]

    @admin.display(description=_("hourly cost (used)"))
    def hourly_cost_shown(self, obj):
        return format_euro(obj.effective_hourly_cost)
