"""The ideas round before the unit plans."""

from django.urls import path

from ..views import ideas as views

IDEA = "process/<int:pk>/ideas/<int:idea_pk>/"

urlpatterns = [
    path("process/<int:pk>/ideas/", views.ideas, name="ideas"),
    path("process/<int:pk>/ideas/round/", views.ideas_round, name="ideas-round"),
    path("process/<int:pk>/ideas/add/", views.idea_add, name="idea-add"),
    path(IDEA + "withdraw/", views.idea_withdraw, name="idea-withdraw"),
    path(IDEA + "support/", views.idea_support, name="idea-support"),
    path(
        "process/<int:pk>/unit-plans/unit/<int:unit_pk>/ideas/<int:idea_pk>/take-up/",
        views.idea_take_up,
        name="idea-take-up",
    ),
]
