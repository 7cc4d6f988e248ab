from django.urls import path

from ..views import meetings as views

urlpatterns = [
    path(
        "process/<int:pk>/working-methods/unit/<int:unit_pk>/meetings/<int:meeting_pk>/",
        views.unit_meeting,
        name="unit-meeting",
    ),
    path("process/<int:pk>/pmr-record/", views.pmr_record, name="pmr-record"),
]
