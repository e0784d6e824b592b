"""`GET /api/v1/metrics/`: the metrics document of spec/metrics.md for the caller's
organization (from the API token or the session membership, never the request)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, views
from rest_framework.response import Response

from analytics.metrics import (
    MetricFilterError,
    compute_metrics,
    parse_date,
    report_document,
    resolve_filters,
)
from clinics.models import Clinic, Organization
from clinics.permissions import Capability
from ptrevops.tenancy.api import OrganizationScopedMixin


def _list(request, name: str) -> list[str]:
    """``?clinic=C1&clinic=C2`` or ``?clinic=C1,C2``."""
    return [
        item.strip()
        for value in request.query_params.getlist(name)
        for item in value.split(",")
        if item.strip()
    ]


class MetricsView(OrganizationScopedMixin, views.APIView):
    """Every metric of the spec over [start, end] (clinic-local dates, inclusive)."""

    capability = Capability.VIEW_DASHBOARDS

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
            OpenApiParameter("as_of", OpenApiTypes.DATE),
            OpenApiParameter("clinic", OpenApiTypes.STR, many=True),
            OpenApiParameter("payer", OpenApiTypes.STR, many=True),
            OpenApiParameter("clinician", OpenApiTypes.STR, many=True),
            OpenApiParameter("source", OpenApiTypes.STR, many=True),
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                enum=["month", "week", "clinic", "clinician", "payer", "source"],
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = request.query_params
        try:
            if not params.get("start") or not params.get("end"):
                raise MetricFilterError("start and end are required (YYYY-MM-DD)")
            start = parse_date(params["start"], "start")
            end = parse_date(params["end"], "end")
            as_of = parse_date(params["as_of"], "as_of") if params.get("as_of") else None
            clinics = self._allowed_clinics(request, _list(request, "clinic"))
            filters = resolve_filters(
                organization_id=request.organization_id,
                start=start,
                end=end,
                clinics=clinics,
                payers=_list(request, "payer"),
                clinicians=_list(request, "clinician"),
                sources=_list(request, "source"),
                as_of=as_of,
                group_by=params.get("group_by"),
            )
        except MetricFilterError as error:
            raise exceptions.ValidationError({"detail": str(error)}) from None
        organization = Organization.objects.get(pk=request.organization_id)
        # The daily rollups (refreshed first if a write left days dirty): the same
        # numbers as the direct computation, proved by tests/rollups.
        report = compute_metrics(filters, organization_slug=organization.slug, source="rollup")
        return Response(report_document(report))

    def _allowed_clinics(self, request, requested: list[str]) -> list[str]:
        """A member limited to some clinics sees only those: no clinic asked → theirs."""
        membership = getattr(request._request, "membership", None)
        if membership is None or request.auth is not None:
            return requested
        linked = set(
            Clinic.objects.filter(
                pk__in=membership.clinic_links.values_list("clinic_id", flat=True)
            ).values_list("external_id", flat=True)
        )
        if not linked:
            return requested
        if not requested:
            return sorted(linked)
        outside = [item for item in requested if item not in linked]
        if outside:
            raise MetricFilterError(f"unknown clinic id(s): {', '.join(outside)}")
        return requested
