"""The organisation's pages: the board's set-up and invitations (board), the school's roles
(roles), sign-in with the school's own account (signin)."""

from django.urls import include, path

app_name = "organisation"

urlpatterns = [
    path("", include("organisation.urls.board")),
    path("", include("organisation.urls.roles")),
    path("", include("organisation.urls.signin")),
]
