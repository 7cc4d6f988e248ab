"""Step 8: a unit chooses its measures by vote within its budget."""

from django.urls import path

from ..views import measure_votes as views

MEASURES_VOTE = "process/<int:pk>/unit-plans/unit/<int:unit_pk>/measures-vote/"

urlpatterns = [
    path(MEASURES_VOTE, views.measures_vote, name="measures-vote"),
    path(MEASURES_VOTE + "start/", views.measures_vote_start, name="measures-vote-start"),
    path(MEASURES_VOTE + "close/", views.measures_vote_close, name="measures-vote-close"),
    path(MEASURES_VOTE + "cancel/", views.measures_vote_cancel, name="measures-vote-cancel"),
    path(MEASURES_VOTE + "apply/", views.measures_choice_apply, name="measures-vote-apply"),
]
