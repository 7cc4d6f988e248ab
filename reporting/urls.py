from django.urls import path

from . import views, views_compare, views_spreadsheet

app_name = "reporting"

urlpatterns = [
    path("process/<int:pk>/annual-report/", views.school_report, name="school-report"),
    path("process/<int:pk>/annual-report/years/", views_compare.school_years, name="school-years"),
    path(
        "process/<int:pk>/annual-report.pdf",
        views.school_report_file,
        {"fmt": "pdf"},
        name="school-report-pdf",
    ),
    path(
        "process/<int:pk>/annual-report.docx",
        views.school_report_file,
        {"fmt": "docx"},
        name="school-report-docx",
    ),
    path("board/<int:pk>/dashboard/", views.board_dashboard, name="board-dashboard"),
    path("board/<int:pk>/annual-report/", views.board_report_latest, name="board-report-latest"),
    path("board/<int:pk>/annual-report/<int:year>/", views.board_report, name="board-report"),
    path(
        "board/<int:pk>/annual-report/<int:year>/figures.xlsx",
        views_spreadsheet.board_figures_xlsx,
        name="board-figures-xlsx",
    ),
    path(
        "board/<int:pk>/annual-report/<int:year>/start/",
        views.board_report_start,
        name="board-report-start",
    ),
    path(
        "board/<int:pk>/annual-report/<int:year>/jobs/",
        views.board_report_jobs,
        name="board-report-jobs",
    ),
    path(
        "board/<int:pk>/annual-report/job/<int:job_pk>/download/",
        views.job_download,
        name="job-download",
    ),
]
