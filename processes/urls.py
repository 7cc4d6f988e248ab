from django.urls import path

from . import views

app_name = "processes"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("board/<int:pk>/", views.board_detail, name="board-detail"),
    path(
        "school/<int:school_id>/process/new/",
        views.ProcessCreateView.as_view(),
        name="process-create",
    ),
    path("process/<int:pk>/", views.process_detail, name="process-detail"),
    path("process/<int:pk>/decisions/", views.decision_list, name="decision-list"),
    path("process/<int:pk>/agreement/", views.agreement_detail, name="agreement"),
    path("process/<int:pk>/agreement/freeze/", views.agreement_freeze, name="agreement-freeze"),
    path("process/<int:pk>/agreement/v<int:number>.pdf", views.agreement_pdf, name="agreement-pdf"),
    path("process/<int:pk>/step/<int:number>/", views.step_detail, name="step-detail"),
    path("process/<int:pk>/step/<int:number>/sign-off/", views.step_sign_off, name="step-sign-off"),
    path("process/<int:pk>/step/<int:number>/complete/", views.step_complete, name="step-complete"),
    path(
        "process/<int:pk>/step/<int:number>/actor/",
        views.step_assign_actor,
        name="step-assign-actor",
    ),
    path(
        "process/<int:pk>/step/<int:number>/actor/agree/",
        views.step_agree_actor,
        name="step-agree-actor",
    ),
    path(
        "process/<int:pk>/step/<int:number>/actor/reject/",
        views.step_reject_actor,
        name="step-reject-actor",
    ),
    path("process/<int:pk>/step/<int:number>/plan/", views.step_plan, name="step-plan"),
    path("process/<int:pk>/step/<int:number>/reopen/", views.step_reopen, name="step-reopen"),
    path("process/<int:pk>/step/<int:number>/skip/", views.step_skip, name="step-skip"),
]
