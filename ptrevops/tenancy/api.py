"""Base classes for organization-scoped API endpoints."""

from __future__ import annotations

from rest_framework import exceptions, permissions, viewsets

from clinics.models import ApiToken
from clinics.permissions import Capability, role_can
from clinics.selectors import clinic_limit
from clinics.services import actor_identity, audit_record
from clinics.tokens import api_token_touch
from ptrevops.tenancy.context import activate_organization


class HasCapability(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        role = getattr(request, "organization_role", None)
        return role is not None and role_can(role, view.capability)


class OrganizationScopedMixin:
    """Resolve the organization from the API token or the session membership.

    Querysets come from tenant-scoped managers (and RLS underneath), so another
    organization's object is a 404. Subclasses declare `capability`.
    """

    capability: Capability = Capability.VIEW_DASHBOARDS
    permission_classes = [permissions.IsAuthenticated, HasCapability]
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema: no request
            return self.model.objects.none()
        # Built per request: a queryset built at import time would carry no scope.
        return self.build_queryset()

    def build_queryset(self):
        return self.model.objects.all()

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        auth = request.auth
        if isinstance(auth, ApiToken):
            activate_organization(auth.organization_id)
            api_token_touch(auth)
            request.organization_id = auth.organization_id
            request.organization_role = auth.role
            request.membership = None  # the whole organization: every clinic
        elif request.user.is_authenticated and getattr(request._request, "membership", None):
            membership = request._request.membership
            request.organization_id = membership.organization_id
            request.organization_role = membership.role
            request.membership = membership  # limits reads to the member's clinics
        elif request.user.is_authenticated:
            raise exceptions.NotFound("You are not a member of any organization.")
        super().initial(request, *args, **kwargs)


class OrganizationViewSet(OrganizationScopedMixin, viewsets.GenericViewSet):
    pass


class OrganizationReadOnlyViewSet(OrganizationScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class AuditedReadsMixin:
    """Reads of patient records over the API leave an audit event, one per response
    (as the pages log theirs): who (user, or token by name), the path with its query,
    and the ids returned."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            data = response.data
            rows = data.get("results", [data]) if isinstance(data, dict) else data
            actor, by = actor_identity(request.user)
            audit_record(
                action=f"api.{self.basename}.{self.action}",
                actor=actor,
                detail={
                    "by": by,
                    "path": request.get_full_path()[:500],
                    "ids": [row["id"] for row in rows if isinstance(row, dict) and "id" in row],
                },
            )
        return response


class ClinicScopedReadOnlyViewSet(AuditedReadsMixin, OrganizationReadOnlyViewSet):
    """Rows of one clinic each: a member limited to some clinics reads only theirs.

    ``clinic_field`` is the lookup from the row to its clinic; ``related`` what each
    row's serializer follows, prefetched: one query per relation at any page size.
    Joined instead, the planner joined every row of the organization before taking
    the page (``ORDER BY id LIMIT``): 0.4 s for 90,000 visits against milliseconds.
    """

    clinic_field = "clinic"
    related: tuple[str, ...] = ()

    def build_queryset(self):
        rows = self.model.objects.prefetch_related(*self.related)
        if (limit := clinic_limit(self.request.membership)) is not None:
            rows = rows.filter(**{f"{self.clinic_field}__in": limit})
        return rows
