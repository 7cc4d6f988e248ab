from django.urls import path

from ..views import task_policy

urlpatterns = [
    # steps 9-11: the PMR's separate consent on changes of the task policy
    path("process/<int:pk>/task-policy/", task_policy.task_policy_detail, name="task-policy"),
    path(
        "process/<int:pk>/task-policy/<int:key>/",
        task_policy.task_policy_record,
        name="task-policy-record",
    ),
]
