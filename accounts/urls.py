from django.urls import path

from . import views

# Mounted by the root URLconf ahead of allauth's and the admin's pages they replace.
urlpatterns = [
    # Ahead of allauth's own page of the same name: only a confirmed address becomes primary.
    path("accounts/email/", views.email, name="account_email"),
    # Before the admin's own URLs: administrators sign in through allauth (second factor).
    path("admin/login/", views.admin_login),
]
