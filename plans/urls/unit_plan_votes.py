"""Step 8: the unit's approval vote on its plan."""

from django.urls import path

from ..views import unit_plan_votes as views

UNIT_PLAN_VOTE = "process/<int:pk>/unit-plans/unit/<int:unit_pk>/vote/"

urlpatterns = [
    path(UNIT_PLAN_VOTE + "start/", views.plan_vote_start, name="unit-plan-vote-start"),
    path(UNIT_PLAN_VOTE + "close/", views.plan_vote_close, name="unit-plan-vote-close"),
    path(
        UNIT_PLAN_VOTE + "cancel/",
        views.plan_vote_cancel,
        name="unit-plan-vote-cancel",
    ),
]
