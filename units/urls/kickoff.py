from django.urls import path

from ..views import kickoff as views

# Step 5, the collective kick-off.
urlpatterns = [
    path("process/<int:pk>/kickoff/", views.kickoff, name="kickoff"),
    path(
        "process/<int:pk>/kickoff/add/",
        views.KickoffSessionCreateView.as_view(),
        name="kickoff-session-create",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>/edit/",
        views.KickoffSessionUpdateView.as_view(),
        name="kickoff-session-update",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>/delete/",
        views.KickoffSessionDeleteView.as_view(),
        name="kickoff-session-delete",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>/invite/",
        views.kickoff_invite,
        name="kickoff-invite",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>/attendance/",
        views.KickoffAttendanceView.as_view(),
        name="kickoff-attendance",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>/held/",
        views.kickoff_held,
        name="kickoff-held",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>/sign-up/",
        views.kickoff_sign_up,
        name="kickoff-sign-up",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>/withdraw/",
        views.kickoff_withdraw,
        name="kickoff-withdraw",
    ),
    path(
        "process/<int:pk>/kickoff/<int:session_pk>.ics",
        views.kickoff_ics,
        name="kickoff-ics",
    ),
]
