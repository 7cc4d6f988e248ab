"""URLs of the schoolplans app, one module per sub-domain."""

from . import (
    concerns,
    decision_list,
    evaluation,
    merge,
    next_year,
    publication,
    ratification,
    task_policy,
)

app_name = "schoolplans"

urlpatterns = [
    *merge.urlpatterns,
    *publication.urlpatterns,
    *ratification.urlpatterns,
    *decision_list.urlpatterns,
    *next_year.urlpatterns,
    *task_policy.urlpatterns,
    *concerns.urlpatterns,
    *evaluation.urlpatterns,
]
