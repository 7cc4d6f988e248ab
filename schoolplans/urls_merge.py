from django.urls import path

from . import views_merge as views

SCHOOL_PLAN = "process/<int:pk>/school-plan/merge/"

# Step 9: the school plan merged from the unit plans.
urlpatterns = [
    path(SCHOOL_PLAN, views.school_plan_merge, name="merge"),
    path(SCHOOL_PLAN + "create/", views.school_plan_create, name="merge-create"),
    path(
        SCHOOL_PLAN + "introduction/",
        views.school_plan_introduction,
        name="merge-introduction",
    ),
    path(SCHOOL_PLAN + "combine/", views.school_measures_combine, name="merge-combine"),
    path(
        SCHOOL_PLAN + "measures/<int:measure_pk>/",
        views.school_measure_edit,
        name="merge-measure",
    ),
    path(SCHOOL_PLAN + "final/", views.school_plan_mark_final, name="merge-final"),
]
