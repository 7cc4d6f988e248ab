from django.urls import path

from ..views import decision_list

urlpatterns = [
    # the decision list (besluitenlijst)
    path(
        "process/<int:pk>/decision-list/", decision_list.decision_list_detail, name="decision-list"
    ),
    path(
        "process/<int:pk>/decision-list.pdf",
        decision_list.decision_list_pdf,
        name="decision-list-pdf",
    ),
]
