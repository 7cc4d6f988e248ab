"""Step 3: the frameworks for the unit plans."""

from django.urls import path

from ..views import frameworks as views

urlpatterns = [
    path("process/<int:pk>/frameworks/", views.framework_list, name="framework-list"),
    path(
        "process/<int:pk>/frameworks/add/",
        views.FrameworkRuleCreateView.as_view(),
        name="framework-create",
    ),
    path(
        "process/<int:pk>/frameworks/standard-set/",
        views.framework_standard_set,
        name="framework-standard-set",
    ),
    path(
        "process/<int:pk>/frameworks/<int:rule_pk>/edit/",
        views.FrameworkRuleUpdateView.as_view(),
        name="framework-update",
    ),
    path(
        "process/<int:pk>/frameworks/<int:rule_pk>/delete/",
        views.FrameworkRuleDeleteView.as_view(),
        name="framework-delete",
    ),
    path(
        "process/<int:pk>/frameworks/<int:rule_pk>/move/",
        views.framework_rule_move,
        name="framework-move",
    ),
]
