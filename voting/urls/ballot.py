from django.urls import path

from ..views import ballot

urlpatterns = [
    path("vote/", ballot.code_entry, name="code-entry"),
    path("vote/code/<str:token>/", ballot.ballot_token, name="ballot-token"),
    path("vote/<int:vote_pk>/ballot/", ballot.ballot, name="ballot"),
    path("vote/<int:vote_pk>/receipt/", ballot.receipt_check, name="receipt-check"),
]
