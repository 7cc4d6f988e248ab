from django.urls import path

from . import views

app_name = "spending"

urlpatterns = [
    path("process/<int:pk>/spending/", views.spending_overview, name="overview"),
    path(
        "process/<int:pk>/spending/<int:year>/measure/<int:number>/",
        views.spending_measure,
        name="measure",
    ),
    path("process/<int:pk>/spending/import/", views.spending_import_page, name="import"),
    path(
        "process/<int:pk>/spending/import/example.csv",
        views.spending_import_example,
        name="import-example",
    ),
]
