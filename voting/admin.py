"""Read-only admin for votes: they change only through the services, which record decisions.

Ballots, participations and personal codes have no admin: there is nothing to see there that
anyone should see. Paper batches are shown without their list of voters (kept only until the
second teller confirms), so that a small batch is not linked to names here.
"""

from django.contrib import admin

from werkdruk.admin import ReadOnlyAdminMixin

from .models import PaperBatch, Vote, VoteOption


class VoteOptionInline(admin.TabularInline):
    """A choice of measures' options, as fixed at opening (read-only)."""

    model = VoteOption
    fields = ["position", "title", "cost", "measure_id"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "process",
        "unit",
        "round",
        "state",
        "outcome",
        "opens_at",
        "closes_at",
    ]
    list_filter = ["state", "outcome", "kind", "process__school_year"]
    list_select_related = ["process__school", "process__school_year", "unit"]
    search_fields = ["process__school__name"]
    fields = [
        "process",
        "agreement",
        "unit",
        "subject_revision",
        "kind",
        "round",
        "state",
        "opens_at",
        "closes_at",
        "base",
        "majority_numerator",
        "majority_denominator",
        "quorum_percentage",
        "reminder_days",
        "key_custody",
        "created_by",
        "eligible_count",
        "cast_count",
        "yes_count",
        "no_count",
        "abstain_count",
        "outcome",
        "closed_at",
        "appreciation_result",
        "budget",
        "measures_result",
    ]
    readonly_fields = fields
    inlines = [VoteOptionInline]


@admin.register(PaperBatch)
class PaperBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "vote", "state", "ballot_count", "entered_by", "confirmed_by"]
    list_filter = ["state"]
    list_select_related = ["vote__process__school", "entered_by", "confirmed_by"]
    fields = [
        "vote",
        "state",
        "description",
        "ballot_count",
        "entered_by",
        "confirmed_by",
    ]
    readonly_fields = fields
