from django.urls import path

from . import views_ratification as views

urlpatterns = [
    # step 10: the published school plan
    path("process/<int:pk>/school-plan/published/", views.publication_detail, name="publication"),
    path(
        "process/<int:pk>/school-plan/publish/",
        views.publication_publish,
        name="publication-publish",
    ),
    path(
        "process/<int:pk>/school-plan/comment/",
        views.publication_comment,
        name="publication-comment",
    ),
    path(
        "process/<int:pk>/school-plan/v<int:number>.pdf",
        views.school_plan_pdf,
        name="school-plan-pdf",
    ),
    # step 11: the evaluation agreement and the ratification
    path("process/<int:pk>/evaluation/", views.evaluation_detail, name="evaluation"),
    path("process/<int:pk>/ratification/", views.ratification_detail, name="ratification"),
    path("process/<int:pk>/ratification/pmr/", views.ratification_pmr, name="ratification-pmr"),
    path(
        "process/<int:pk>/ratification/director/",
        views.ratification_director,
        name="ratification-director",
    ),
    # the decision list (besluitenlijst)
    path("process/<int:pk>/decision-list/", views.decision_list_detail, name="decision-list"),
    path("process/<int:pk>/decision-list.pdf", views.decision_list_pdf, name="decision-list-pdf"),
]
