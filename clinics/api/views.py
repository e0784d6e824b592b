from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from clinics.api.serializers import ClinicSerializer, ImportRunSerializer, ImportUploadSerializer
from clinics.choices import ImportSource
from clinics.import_runs import import_run_create, import_run_enqueue
from clinics.models import Clinic, ImportRun, Organization
from clinics.permissions import Capability
from ptrevops.tenancy.api import OrganizationReadOnlyViewSet, OrganizationViewSet


class ClinicViewSet(OrganizationReadOnlyViewSet):
    """The organization's clinics."""

    model = Clinic
    serializer_class = ClinicSerializer
    capability = Capability.VIEW_HOME
    filterset_fields = ["external_id"]


class ImportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Import runs: `POST` a bundle (.zip) or an 835 file; it runs in the background."""

    model = ImportRun
    serializer_class = ImportRunSerializer
    capability = Capability.IMPORT_DATA
    filterset_fields = ["status", "kind"]
    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportUploadSerializer, responses={202: ImportRunSerializer})
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        organization = get_object_or_404(Organization, pk=request.organization_id)
        user = request.user if getattr(request.user, "pk", None) else None
        run = import_run_create(
            organization=organization,
            fileobj=upload.validated_data["file"],
            filename=upload.validated_data["file"].name,
            source=ImportSource.API,
            kind=upload.validated_data.get("kind"),
            created_by=user,
            partial=upload.validated_data["partial"],
        )
        import_run_enqueue(run)
        return Response(ImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
