from django.urls import path

from ..views import merge

SCHOOL_PLAN = "process/<int:pk>/school-plan/merge/"

# Step 9: the school plan merged from the unit plans.
urlpatterns = [
    path(SCHOOL_PLAN, merge.school_plan_merge, name="merge"),
    path(SCHOOL_PLAN + "create/", merge.school_plan_create, name="merge-create"),
    path(
        SCHOOL_PLAN + "introduction/",
        merge.school_plan_introduction,
        name="merge-introduction",
    ),
    path(SCHOOL_PLAN + "combine/", merge.school_measures_combine, name="merge-combine"),
    path(
        SCHOOL_PLAN + "measures/<int:measure_pk>/",
        merge.school_measure_edit,
        name="merge-measure",
    ),
    path(SCHOOL_PLAN + "final/", merge.school_plan_mark_final, name="merge-final"),
]
