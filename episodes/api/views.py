"""The clinical records over the API, read-only: the EMR stays their source of truth
and bundle imports are how they change."""

from __future__ import annotations

from clinics.permissions import Capability
from episodes.api import filters, serializers
from episodes.models import Appointment, Episode, Referral, Visit
from ptrevops.tenancy.api import ClinicScopedReadOnlyViewSet


class ReferralViewSet(ClinicScopedReadOnlyViewSet):
    model = Referral
    capability = Capability.READ_RECORDS
    serializer_class = serializers.ReferralSerializer
    filterset_class = filters.ReferralFilter
    related = ("patient", "clinic", "source")


class EpisodeViewSet(ClinicScopedReadOnlyViewSet):
    model = Episode
    capability = Capability.READ_RECORDS
    serializer_class = serializers.EpisodeSerializer
    filterset_class = filters.EpisodeFilter
    related = ("patient", "clinic", "referral", "primary_payer", "secondary_payer")


class AppointmentViewSet(ClinicScopedReadOnlyViewSet):
    model = Appointment
    capability = Capability.READ_RECORDS
    serializer_class = serializers.AppointmentSerializer
    filterset_class = filters.AppointmentFilter
    related = ("patient", "clinic", "clinician", "episode")


class VisitViewSet(ClinicScopedReadOnlyViewSet):
    model = Visit
    capability = Capability.READ_RECORDS
    serializer_class = serializers.VisitSerializer
    filterset_class = filters.VisitFilter
    related = ("episode__patient", "clinic", "clinician", "episode", "appointment")
