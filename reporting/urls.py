from django.urls import path

from .views import compare, dashboard, factsheet, report, spreadsheet

app_name = "reporting"

urlpatterns = [
    # before step 1: the factsheet (page and PDF)
    path("process/<int:pk>/factsheet/", factsheet.factsheet_detail, name="factsheet"),
    path("process/<int:pk>/factsheet.pdf", factsheet.factsheet_pdf, name="factsheet-pdf"),
    path("process/<int:pk>/annual-report/", report.school_report, name="school-report"),
    path(
        "process/<int:pk>/annual-report/staff/",
        report.school_report_staff,
        name="school-report-staff",
    ),
    path("process/<int:pk>/annual-report/years/", compare.school_years, name="school-years"),
    path(
        "process/<int:pk>/annual-report.pdf",
        report.school_report_file,
        {"fmt": "pdf"},
        name="school-report-pdf",
    ),
    path(
        "process/<int:pk>/annual-report.docx",
        report.school_report_file,
        {"fmt": "docx"},
        name="school-report-docx",
    ),
    path("board/<int:pk>/dashboard/", dashboard.board_dashboard, name="board-dashboard"),
    path("board/<int:pk>/annual-report/", report.board_report_latest, name="board-report-latest"),
    path("board/<int:pk>/annual-report/<int:year>/", report.board_report, name="board-report"),
    path(
        "board/<int:pk>/annual-report/<int:year>/figures.xlsx",
        spreadsheet.board_figures_xlsx,
        name="board-figures-xlsx",
    ),
    path(
        "board/<int:pk>/annual-report/<int:year>/start/",
        report.board_report_start,
        name="board-report-start",
    ),
    path(
        "board/<int:pk>/annual-report/<int:year>/jobs/",
        report.board_report_jobs,
        name="board-report-jobs",
    ),
    path(
        "board/<int:pk>/annual-report/job/<int:job_pk>/download/",
        report.job_download,
        name="job-download",
    ),
]
