from django.urls import path

from ..views import signin as views

urlpatterns = [
    path("board/<int:pk>/sign-in/", views.signin_providers, name="signin-providers"),
    path(
        "board/<int:pk>/sign-in/add/",
        views.SignInProviderCreateView.as_view(),
        name="signin-provider-add",
    ),
    path(
        "board/<int:pk>/sign-in/<int:provider_pk>/",
        views.SignInProviderUpdateView.as_view(),
        name="signin-provider-edit",
    ),
    path(
        "board/<int:pk>/sign-in/<int:provider_pk>/remove/",
        views.signin_provider_delete,
        name="signin-provider-delete",
    ),
]
