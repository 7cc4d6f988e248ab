"""Paper ballots entered by two PMR tellers, and printed token sheets (PMR only)."""

from django.urls import path

from ..views import paper

urlpatterns = [
    path("vote/<int:vote_pk>/paper/", paper.paper_list, name="paper-list"),
    path("vote/<int:vote_pk>/paper/enter/", paper.paper_enter, name="paper-enter"),
    path(
        "vote/<int:vote_pk>/paper/<int:batch_pk>/confirm/",
        paper.paper_confirm,
        name="paper-confirm",
    ),
    path(
        "vote/<int:vote_pk>/paper/<int:batch_pk>/discard/",
        paper.paper_discard,
        name="paper-discard",
    ),
    path("vote/<int:vote_pk>/sheets/", paper.token_sheets, name="token-sheets"),
]
