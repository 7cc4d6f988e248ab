from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("process/<int:pk>/frameworks/", views.framework_list, name="framework-list"),
    path(
        "process/<int:pk>/frameworks/add/",
        views.FrameworkRuleCreateView.as_view(),
        name="framework-create",
    ),
    path(
        "process/<int:pk>/frameworks/standard-set/",
        views.framework_standard_set,
        name="framework-standard-set",
    ),
    path(
        "process/<int:pk>/frameworks/<int:rule_pk>/edit/",
        views.FrameworkRuleUpdateView.as_view(),
        name="framework-update",
    ),
    path(
        "process/<int:pk>/frameworks/<int:rule_pk>/delete/",
        views.FrameworkRuleDeleteView.as_view(),
        name="framework-delete",
    ),
    path(
        "process/<int:pk>/frameworks/<int:rule_pk>/move/",
        views.framework_rule_move,
        name="framework-move",
    ),
]

# Step 6: the announcement to each unit.
from . import views_announcements  # noqa: E402

urlpatterns += [
    path(
        "process/<int:pk>/announcements/",
        views_announcements.announcement_overview,
        name="announcement-overview",
    ),
    path(
        "process/<int:pk>/announcements/unit/<int:unit_pk>/",
        views_announcements.announcement_unit,
        name="announcement-unit",
    ),
]

# Step 8: the units' plans (pages: plans/unit_plan_views.py).
from . import unit_plan_views  # noqa: E402

UNIT_PLAN = "process/<int:pk>/unit-plans/unit/<int:unit_pk>/"
MEASURE = UNIT_PLAN + "measures/<int:measure_pk>/"

urlpatterns += [
    path(
        "process/<int:pk>/unit-plans/",
        unit_plan_views.unit_plan_overview,
        name="unit-plan-overview",
    ),
    path(
        "process/<int:pk>/unit-plans/close/",
        unit_plan_views.unit_plan_close,
        name="unit-plan-close",
    ),
    path(UNIT_PLAN, unit_plan_views.unit_plan_detail, name="unit-plan"),
    path(UNIT_PLAN + "analysis/", unit_plan_views.unit_plan_analysis, name="unit-plan-analysis"),
    path(
        UNIT_PLAN + "acknowledge/",
        unit_plan_views.unit_plan_acknowledge,
        name="unit-plan-acknowledge",
    ),
    path(UNIT_PLAN + "submit/", unit_plan_views.unit_plan_submit, name="unit-plan-submit"),
    path(UNIT_PLAN + "return/", unit_plan_views.unit_plan_return, name="unit-plan-return"),
    path(UNIT_PLAN + "history/", unit_plan_views.unit_plan_history_view, name="unit-plan-history"),
    path(UNIT_PLAN + "measures/add/", unit_plan_views.measure_edit, name="measure-create"),
    path(
        UNIT_PLAN + "measures/preview/",
        unit_plan_views.measure_preview,
        name="measure-create-preview",
    ),
    path(MEASURE + "edit/", unit_plan_views.measure_edit, name="measure-update"),
    path(MEASURE + "preview/", unit_plan_views.measure_preview, name="measure-update-preview"),
    path(MEASURE + "delete/", unit_plan_views.measure_delete, name="measure-delete"),
    path(MEASURE + "comments/", unit_plan_views.measure_comment, name="measure-comment"),
]
# End of step 8's plan pages.

# Step 8: the unit's approval vote on its plan (plans/unit_plan_vote_views.py).
from . import unit_plan_vote_views  # noqa: E402

UNIT_PLAN_VOTE = "process/<int:pk>/unit-plans/unit/<int:unit_pk>/vote/"

urlpatterns += [
    path(
        UNIT_PLAN_VOTE + "start/", unit_plan_vote_views.plan_vote_start, name="unit-plan-vote-start"
    ),
    path(
        UNIT_PLAN_VOTE + "close/", unit_plan_vote_views.plan_vote_close, name="unit-plan-vote-close"
    ),
    path(
        UNIT_PLAN_VOTE + "cancel/",
        unit_plan_vote_views.plan_vote_cancel,
        name="unit-plan-vote-cancel",
    ),
]
