from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Organizations are created by operators and their owners; no open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False
