"""The board's set-up (administration pages) and invitations."""

from django.urls import path

from ..views import board as views
from ..views import invitations as invitation_views

urlpatterns = [
    path("board/<int:pk>/manage/", views.board_manage, name="board-manage"),
    path("board/<int:pk>/schools/add/", views.SchoolCreateView.as_view(), name="school-create"),
    path("board/<int:pk>/settings/", views.BoardSettingsView.as_view(), name="board-settings"),
    path("board/<int:pk>/invite/<str:role>/", views.BoardInviteView.as_view(), name="board-invite"),
    path(
        "board/<int:pk>/administrators/<int:admin_pk>/remove/",
        views.board_admin_remove,
        name="board-admin-remove",
    ),
    path(
        "board/<int:pk>/gmr/<int:member_pk>/remove/",
        views.gmr_member_remove,
        name="gmr-member-remove",
    ),
    path("school/<int:pk>/edit/", views.SchoolEditView.as_view(), name="school-edit"),
    path(
        "school/<int:pk>/invitations/",
        invitation_views.SchoolInvitationsView.as_view(),
        name="school-invitations",
    ),
    path(
        "invitations/<int:pk>/resend/",
        invitation_views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "invitations/<int:pk>/withdraw/",
        invitation_views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path(
        "invitation/<str:token>/",
        invitation_views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("start/<str:role>/", invitation_views.start, name="start"),
]
