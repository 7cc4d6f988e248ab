from django.contrib.auth import get_user_model, login
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import include, path


def sign_in_as(request):
    """The provider's sign-in: the test names the user (?user=...); no password."""
    user = get_user_model().objects.get(username=request.GET["user"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return (
        HttpResponseRedirect(request.GET["next"]) if "next" in request.GET else HttpResponse("ok")
    )


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("as/", sign_in_as),
]
