from django.urls import path

from ..views import concerns

urlpatterns = [
    # the meldpunt: staff report that an agreement is not carried out; answered on record
    path("process/<int:pk>/meldpunt/", concerns.meldpunt, name="meldpunt"),
    path("process/<int:pk>/meldpunt/report/", concerns.concern_report, name="meldpunt-report"),
    path("process/<int:pk>/meldpunt/inbox/", concerns.meldpunt_inbox, name="meldpunt-inbox"),
    path(
        "process/<int:pk>/meldpunt/<int:concern_pk>/answer/",
        concerns.concern_answer,
        name="meldpunt-answer",
    ),
]
