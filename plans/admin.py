from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from werkdruk.admin import ReadOnlyAdminMixin

from .models import FrameworkRule, MeasureCategory


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
