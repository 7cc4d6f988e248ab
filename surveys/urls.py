from django.urls import path

from . import views, views_sheets

app_name = "surveys"

urlpatterns = [
    path("process/<int:pk>/survey/", views.survey_manage, name="survey-manage"),
    path("process/<int:pk>/survey/edit/", views.questionnaire_edit, name="questionnaire-edit"),
    path("process/<int:pk>/survey/send/", views.round_send, name="round-send"),
    path("process/<int:pk>/survey/results/", views.results, name="results"),
    path("survey/round/<int:round_pk>/close/", views.round_close, name="round-close"),
    path("survey/round/<int:round_pk>/sheets/", views_sheets.code_sheets, name="code-sheets"),
    path("survey/round/<int:round_pk>/answer/", views.SignedInAnswerView.as_view(), name="answer"),
    path("survey/code/<str:token>/", views.TokenAnswerView.as_view(), name="answer-token"),
]
