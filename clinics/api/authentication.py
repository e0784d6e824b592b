from rest_framework import authentication, exceptions

from clinics.tokens import api_token_resolve


class TokenUser:
    """The identity of an API token: authenticated, tied to one organization."""

    is_authenticated = True
    is_anonymous = False
    pk = None
    id = None

    def __init__(self, token):
        self.token = token

    def __str__(self) -> str:
        return f"api-token:{self.token.prefix}"


class OrganizationTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ptr_…` — a key created for one organization."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] not in (self.keyword, "Token"):
            return None
        token = api_token_resolve(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.")
        return TokenUser(token), token

    def authenticate_header(self, request):
        return self.keyword
