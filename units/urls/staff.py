from django.urls import path

from ..views import staff

urlpatterns = [
    path("staff/school/<int:school_id>/", staff.staff_list, name="staff-list"),
    path(
        "staff/school/<int:school_id>/import/",
        staff.StaffImportView.as_view(),
        name="staff-import",
    ),
    path(
        "staff/school/<int:school_id>/import/preview/",
        staff.StaffImportPreviewView.as_view(),
        name="staff-import-preview",
    ),
    path(
        "staff/school/<int:school_id>/import/confirm/",
        staff.StaffImportConfirmView.as_view(),
        name="staff-import-confirm",
    ),
    path(
        "staff/school/<int:school_id>/import/job/<int:pk>/",
        staff.staff_import_job,
        name="staff-import-job",
    ),
    path(
        "staff/school/<int:school_id>/import/template.csv",
        staff.staff_import_template,
        name="staff-import-template",
    ),
    path(
        "staff/school/<int:school_id>/<int:pk>/email-usable/",
        staff.staff_email_usable,
        name="staff-email-usable",
    ),
]
