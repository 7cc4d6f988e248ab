from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the school (staff import) or the administrator."""

    def is_open_for_signup(self, request):
        return False
