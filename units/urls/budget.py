from django.urls import path

from ..views import budget

ALLOCATION = "board/<int:board_id>/allocation/<int:start_year>/"
BUDGET = "process/<int:pk>/budget/"

urlpatterns = [
    # Step 0: the board administrator divides the board's funds over its schools.
    path(ALLOCATION, budget.allocation_detail, name="allocation"),
    path(f"{ALLOCATION}preview/", budget.allocation_preview, name="allocation-preview"),
    path(f"{ALLOCATION}fix/", budget.allocation_fix, name="allocation-fix"),
    path(f"{ALLOCATION}reopen/", budget.allocation_reopen, name="allocation-reopen"),
    # ... and a member of its GMR records the GMR's consent or advice.
    path(f"{ALLOCATION}gmr/", budget.allocation_gmr_record, name="allocation-gmr"),
    path(
        "board/<int:board_id>/allocation/<slug:which>/",
        budget.allocation_for,
        name="allocation-for",
    ),
    # The school budget: the lines that make up the total that step 2 splits.
    path(BUDGET, budget.budget_detail, name="budget"),
    path(f"{BUDGET}add/", budget.budget_line_add, name="budget-line-add"),
    path(f"{BUDGET}take-over/", budget.budget_take_over, name="budget-take-over"),
    path(
        f"{BUDGET}<int:line_id>/edit/",
        budget.BudgetLineEditView.as_view(),
        name="budget-line-edit",
    ),
    path(f"{BUDGET}<int:line_id>/remove/", budget.budget_line_remove, name="budget-line-remove"),
]
