from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .selectors import email_owner
from .services import user_email_vouch


class _AddressNotConfirmedElsewhere:
    """The administrator vouches for the address they type, but not for one another account
    has confirmed: that account owns it."""

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        owner = email_owner(email)
        if owner is not None and owner.pk != self.instance.pk:
            raise forms.ValidationError(
                _("Another account has already confirmed this e-mail address.")
            )
        return email


class UserCreationForm(_AddressNotConfirmedElsewhere, AdminUserCreationForm):
    pass


class UserEditForm(_AddressNotConfirmedElsewhere, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    # Staff sign in with an e-mailed code, so a password is optional (as in Django's own admin).
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        """The administrator vouches for the address they typed: it becomes the account's
        verified primary address (the old one stays as an extra address of the account)."""
        super().save_model(request, obj, form, change)
        if not change or "email" in form.changed_data:
            user_email_vouch(user=obj)
