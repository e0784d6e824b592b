"""Base classes for organization-scoped pages."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from clinics.permissions import Capability, role_can


class OrganizationViewMixin(LoginRequiredMixin):
    """A page inside the current organization that needs one capability.

    Objects are looked up through tenant-scoped managers, so another
    organization's object answers 404 exactly like a missing one; a role without
    the capability gets 403.
    """

    capability: Capability = Capability.VIEW_HOME

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.membership is None:
            raise Http404("You are not a member of any organization.")
        if not role_can(request.membership.role, self.capability):
            raise PermissionDenied("Your role does not allow this page.")
        self.organization = request.organization
        self.membership = request.membership
        return super().dispatch(request, *args, **kwargs)
