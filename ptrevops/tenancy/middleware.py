"""Resolve the current organization for each request and scope the request to it."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from ptrevops.tenancy.context import tenant_context

SESSION_KEY = "organization_id"
# Paths a member of an MFA-requiring organization may use before setting MFA up.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/healthz", "/static/")


class TenantMiddleware:
    """Runs the rest of the request in one transaction scoped to one organization.

    The organization comes from the session (chosen with the switcher) and must
    be one the user is a member of; otherwise the first membership is used. The
    request body never names the organization.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from clinics.selectors import memberships_of_user

        request.organization = None
        request.membership = None
        request.memberships = []
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            with tenant_context(None):
                return self.get_response(request)

        memberships = memberships_of_user(user_id=user.pk)
        chosen_id = request.session.get(SESSION_KEY)
        membership = next((m for m in memberships if m.organization_id == chosen_id), None)
        if membership is None and memberships:
            membership = memberships[0]
        request.memberships = memberships
        request.membership = membership
        request.organization = membership.organization if membership else None

        if request.organization and _mfa_setup_required(request):
            return redirect(reverse("mfa_activate_totp"))
        with tenant_context(request.organization.pk if membership else None, user_id=user.pk):
            return self.get_response(request)


def _mfa_setup_required(request) -> bool:
    if not request.organization.require_mfa:
        return False
    if request.path.startswith(_MFA_EXEMPT_PREFIXES) or request.path.startswith("/api/"):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
