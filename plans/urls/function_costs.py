"""A school's own function costs, and the board's for all its schools."""

from django.urls import path

from ..views import function_costs as views

SCHOOL = "school/<int:pk>/function-costs/"

urlpatterns = [
    path(SCHOOL, views.school_function_costs, name="function-costs"),
    path(f"{SCHOOL}add/", views.school_function_cost_add, name="function-cost-add"),
    path(
        f"{SCHOOL}<int:cost_pk>/edit/",
        views.school_function_cost_edit,
        name="function-cost-edit",
    ),
    path(
        f"{SCHOOL}<int:cost_pk>/delete/",
        views.school_function_cost_delete,
        name="function-cost-delete",
    ),
    path("board/<int:pk>/function-costs/", views.board_function_costs, name="board-function-costs"),
    path(
        "board/<int:pk>/function-costs/all-schools/",
        views.board_function_cost_set,
        name="board-function-cost-set",
    ),
]
