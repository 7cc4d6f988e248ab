from allauth.account import app_settings
from allauth.account.app_settings import LoginMethod
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .selectors import email_owner


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, signing in by password through a verified address only.

    allauth tries the password on every account that listed the address, verified or not.
    Django's ModelBackend (also configured) matches ``User.email``, which is verified too.
    """

    def _authenticate_by_email(self, email, password):
        if not email or LoginMethod.EMAIL not in app_settings.LOGIN_METHODS:
            return None
        return self._check_password(email_owner(email), password)
