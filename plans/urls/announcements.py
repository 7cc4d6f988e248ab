"""Step 6: the announcement to each unit."""

from django.urls import path

from ..views import announcements as views

urlpatterns = [
    path(
        "process/<int:pk>/announcements/",
        views.announcement_overview,
        name="announcement-overview",
    ),
    path(
        "process/<int:pk>/announcements/unit/<int:unit_pk>/",
        views.announcement_unit,
        name="announcement-unit",
    ),
]
