from django.urls import path

from ..views import units as views

UNIT = "process/<int:pk>/units/<int:unit_pk>/"
GROUP = UNIT + "groups/<int:group_pk>/"

urlpatterns = [
    path("process/<int:pk>/units/", views.unit_list, name="unit-list"),
    path("process/<int:pk>/units/new/", views.unit_create, name="unit-create"),
    path("process/<int:pk>/units/assign/", views.unit_assign, name="unit-assign"),
    path("process/<int:pk>/units/copy/", views.unit_copy, name="unit-copy"),
    path(UNIT, views.unit_detail, name="unit-detail"),
    path(UNIT + "edit/", views.unit_update, name="unit-update"),
    path(UNIT + "delete/", views.unit_delete, name="unit-delete"),
    path(UNIT + "members/", views.unit_members, name="unit-members"),
    path(UNIT + "groups/new/", views.group_create, name="group-create"),
    path(GROUP + "rename/", views.group_rename, name="group-rename"),
    path(GROUP + "delete/", views.group_delete, name="group-delete"),
    path(GROUP + "remove-member/", views.group_member_remove, name="group-member-remove"),
]

# The conversation-group generator (issue 18, item 5).
from ..views import conversations as conversation_views  # noqa: E402

urlpatterns += [
    path(
        "process/<int:pk>/units/conversation-groups/",
        conversation_views.conversation_groups,
        name="conversation-groups",
    ),
]
