from django.urls import path

from ..views import working_method as views

urlpatterns = [
    path(
        "process/<int:pk>/working-methods/",
        views.working_method_overview,
        name="working-method-overview",
    ),
    path(
        "process/<int:pk>/working-methods/unit/<int:unit_pk>/",
        views.working_method_unit,
        name="working-method-unit",
    ),
]
