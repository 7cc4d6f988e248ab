"""Step 8: the units' plans."""

from django.urls import path

from ..views import unit_plans as views

UNIT_PLAN = "process/<int:pk>/unit-plans/unit/<int:unit_pk>/"
MEASURE = UNIT_PLAN + "measures/<int:measure_pk>/"

urlpatterns = [
    path(
        "process/<int:pk>/unit-plans/",
        views.unit_plan_overview,
        name="unit-plan-overview",
    ),
    path(
        "process/<int:pk>/unit-plans/close/",
        views.unit_plan_close,
        name="unit-plan-close",
    ),
    path(UNIT_PLAN, views.unit_plan_detail, name="unit-plan"),
    path(UNIT_PLAN + "analysis/", views.unit_plan_analysis, name="unit-plan-analysis"),
    path(
        UNIT_PLAN + "acknowledge/",
        views.unit_plan_acknowledge,
        name="unit-plan-acknowledge",
    ),
    path(UNIT_PLAN + "submit/", views.unit_plan_submit, name="unit-plan-submit"),
    path(UNIT_PLAN + "return/", views.unit_plan_return, name="unit-plan-return"),
    path(UNIT_PLAN + "history/", views.unit_plan_history_view, name="unit-plan-history"),
    path(UNIT_PLAN + "measures/add/", views.measure_edit, name="measure-create"),
    path(
        UNIT_PLAN + "measures/preview/",
        views.measure_preview,
        name="measure-create-preview",
    ),
    path(MEASURE + "edit/", views.measure_edit, name="measure-update"),
    path(MEASURE + "preview/", views.measure_preview, name="measure-update-preview"),
    path(MEASURE + "delete/", views.measure_delete, name="measure-delete"),
    path(MEASURE + "comments/", views.measure_comment, name="measure-comment"),
]
