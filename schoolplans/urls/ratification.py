from django.urls import path

from ..views import ratification

urlpatterns = [
    # step 11: the evaluation agreement and the ratification
    path("process/<int:pk>/evaluation/", ratification.evaluation_detail, name="evaluation"),
    path("process/<int:pk>/ratification/", ratification.ratification_detail, name="ratification"),
    path(
        "process/<int:pk>/ratification/pmr/", ratification.ratification_pmr, name="ratification-pmr"
    ),
    path(
        "process/<int:pk>/ratification/director/",
        ratification.ratification_director,
        name="ratification-director",
    ),
]
