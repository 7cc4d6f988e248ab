from django.urls import path

from .views import answers, results, rounds, sheets

app_name = "surveys"

urlpatterns = [
    path("process/<int:pk>/survey/", rounds.survey_manage, name="survey-manage"),
    path("process/<int:pk>/survey/edit/", rounds.questionnaire_edit, name="questionnaire-edit"),
    path("process/<int:pk>/survey/send/", rounds.round_send, name="round-send"),
    path("process/<int:pk>/survey/results/", results.results, name="results"),
    path("survey/round/<int:round_pk>/close/", rounds.round_close, name="round-close"),
    path("survey/round/<int:round_pk>/sheets/", sheets.code_sheets, name="code-sheets"),
    path(
        "survey/round/<int:round_pk>/answer/", answers.SignedInAnswerView.as_view(), name="answer"
    ),
    path("survey/code/<str:token>/", answers.TokenAnswerView.as_view(), name="answer-token"),
]
