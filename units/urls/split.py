from django.urls import path

from ..views import split

urlpatterns = [
    path("process/<int:pk>/split/", split.split_detail, name="split"),
    path("process/<int:pk>/split/preview/", split.split_preview_view, name="split-preview"),
    path("process/<int:pk>/split/save/", split.split_save_view, name="split-save"),
]
