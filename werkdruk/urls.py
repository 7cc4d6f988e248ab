from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from werkdruk import views as site_views

urlpatterns = [
    # The voting app's first, its ballot before the rest (voting/urls): the ballot is the page
    # with the most requests at once. Only voting's routes start with vote/ or
    # process/<pk>/vote/, so the order changes no other address (a test keeps it so).
    path("", include("voting.urls")),
    path("", include("processes.urls")),
    path("", include("organisation.urls")),
    path("", include("units.urls")),
    path("", include("plans.urls")),
    path("", include("schoolplans.urls")),
    path("", include("spending.urls")),
    path("", include("surveys.urls")),
    path("", include("reporting.urls")),
    path("", include("privacy.urls")),
    # accounts' own pages first: they replace allauth's e-mail page and the admin's sign-in.
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlanguage/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("health/", site_views.health_ready, name="health"),
    path("health/live/", site_views.health_live, name="health-live"),
    path("help/", site_views.user_guide, name="user-guide"),
]

# The site's own 403 and 404 pages (werkdruk/errors.py); the 500 page is templates/500.html.
handler403 = "werkdruk.errors.permission_denied"
handler404 = "werkdruk.errors.page_not_found"
