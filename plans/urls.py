from django.urls import path

from . import views

app_name = "plans"

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

# Step 6: the announcement to each unit.
from . import views_announcements  # noqa: E402

urlpatterns += [
    path(
        "process/<int:pk>/announcements/",
        views_announcements.announcement_overview,
        name="announcement-overview",
    ),
    path(
        "process/<int:pk>/announcements/unit/<int:unit_pk>/",
        views_announcements.announcement_unit,
        name="announcement-unit",
    ),
]
