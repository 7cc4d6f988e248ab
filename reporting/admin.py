from django.contrib import admin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("board", "school_year", "format", "state", "created_at", "finished_at")
    list_filter = ("state", "format", "school_year")
    list_select_related = ("board", "school_year")
    # The file is not shown: it is downloaded through the board report page, which checks who.
    exclude = ("file",)
    readonly_fields = [f.name for f in ReportJob._meta.fields if f.name not in ("id", "file")]

    def has_add_permission(self, request):
        return False
