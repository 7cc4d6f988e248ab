from django.urls import path

from ..views import evaluation

MOMENT = "process/<int:pk>/evaluation/moments/<int:moment_pk>/"

urlpatterns = [
    # the evaluation cycle: moments, outcomes per measure, sharing with the staff
    path(
        "process/<int:pk>/evaluation/moments/add/",
        evaluation.moment_add,
        name="evaluation-moment-add",
    ),
    path(MOMENT, evaluation.moment_detail, name="evaluation-moment"),
    path(MOMENT + "edit/", evaluation.moment_edit, name="evaluation-moment-edit"),
    path(MOMENT + "delete/", evaluation.moment_delete, name="evaluation-moment-delete"),
    path(MOMENT + "share/", evaluation.moment_share, name="evaluation-moment-share"),
    # next year, step 8: a unit carries over a measure of last year's ratified plan
    path(
        "process/<int:pk>/unit-plans/unit/<int:unit_pk>/carry-over/",
        evaluation.carry_over_measures,
        name="carry-over-measures",
    ),
]
