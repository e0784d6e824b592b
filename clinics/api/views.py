from clinics.api.serializers import ClinicSerializer
from clinics.models import Clinic
from clinics.permissions import Capability
from ptrevops.tenancy.api import OrganizationReadOnlyViewSet


class ClinicViewSet(OrganizationReadOnlyViewSet):
    """The organization's clinics."""

    model = Clinic
    serializer_class = ClinicSerializer
    capability = Capability.VIEW_HOME
    filterset_fields = ["external_id"]
    ordering = "id"
