from django.urls import path

from .views import export, removal

app_name = "privacy"

urlpatterns = [
    path("privacy/school/<int:school_id>/", export.privacy_staff, name="staff"),
    path(
        "privacy/school/<int:school_id>/staff/<int:pk>/export.json",
        export.export_json,
        name="export-json",
    ),
    path(
        "privacy/school/<int:school_id>/staff/<int:pk>/export.pdf",
        export.export_pdf,
        name="export-pdf",
    ),
    path(
        "privacy/school/<int:school_id>/staff/<int:pk>/remove/",
        removal.staff_remove,
        name="remove",
    ),
]
