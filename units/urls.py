from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("school/<int:school_id>/", views.staff_list, name="staff-list"),
    path("school/<int:school_id>/import/", views.StaffImportView.as_view(), name="staff-import"),
    path(
        "school/<int:school_id>/import/template.csv",
        views.staff_import_template,
        name="staff-import-template",
    ),
]
