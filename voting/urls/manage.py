"""The PMR's pages for the vote on the agreement (step 4), and its result."""

from django.urls import path

from ..views import key
from ..views import manage as views

urlpatterns = [
    path("process/<int:pk>/vote/", views.vote_manage, name="vote-manage"),
    path("process/<int:pk>/vote/new/", views.vote_create, name="vote-create"),
    path("vote/<int:vote_pk>/edit/", views.vote_edit, name="vote-edit"),
    path("vote/<int:vote_pk>/open/", views.vote_open, name="vote-open"),
    path("vote/<int:vote_pk>/close/", views.vote_close, name="vote-close"),
    path("vote/<int:vote_pk>/cancel/", views.vote_cancel, name="vote-cancel"),
    path("vote/<int:vote_pk>/void/", views.vote_void, name="vote-void"),
    path("vote/<int:vote_pk>/key/", key.key_share, name="key-share"),
    path("vote/<int:vote_pk>/turnout/", views.vote_turnout, name="vote-turnout"),
    path("vote/<int:vote_pk>/result/", views.vote_result, name="vote-result"),
    path("vote/<int:vote_pk>/roll/", views.vote_roll, name="vote-roll"),
    path("vote/<int:vote_pk>/roll/add/", views.voter_add, name="voter-add"),
    path(
        "vote/<int:vote_pk>/roll/<int:voter_pk>/remove/",
        views.voter_remove,
        name="voter-remove",
    ),
]
