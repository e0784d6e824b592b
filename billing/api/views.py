"""Billing over the API: the biller's denials (read), the front desk's copays (read,
log), and the payers, claims and remittances (read).

Both go through the same selectors and services as the pages: a member limited to
some clinics sees only theirs, an API token acts for its whole organization, and a
copay logged here is refused or recorded exactly as one logged at the desk.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from billing.api.filters import ClaimFilter, CopayFilter, DenialFilter, RemittanceFilter
from billing.api.serializers import (
    ClaimPaymentSerializer,
    ClaimSerializer,
    CopayCreateSerializer,
    CopaySerializer,
    DenialDetailSerializer,
    DenialSerializer,
    PayerSerializer,
    RemittanceClaimPaymentSerializer,
    RemittanceSerializer,
)
from billing.choices import PatientPaymentKind
from billing.copays.services import CopayError, copay_log
from billing.denials import selectors as denial_selectors
from billing.models import (
    ChargeLine,
    Claim,
    ClaimPayment,
    Denial,
    PatientPayment,
    Payer,
    ProviderAdjustment,
    Remittance,
)
from clinics.models import Organization
from clinics.permissions import Capability
from clinics.selectors import clinic_limit
from episodes.frontdesk.selectors import appointment_for_member
from ptrevops.tenancy.api import (
    AuditedReadsMixin,
    ClinicScopedReadOnlyViewSet,
    OrganizationReadOnlyViewSet,
    OrganizationViewSet,
)


class DenialViewSet(AuditedReadsMixin, OrganizationReadOnlyViewSet):
    """Denials derived from the 835s, by root cause, with their claim's remittances.

    The list has every status unless `status` is given (the queue's "to work" is
    `status=open&status=in_progress&status=appealed`). `denied_on` is the payment
    date of the remittance that denied the claim.
    """

    model = Denial
    capability = Capability.WORK_DENIALS
    filterset_class = DenialFilter

    def build_queryset(self):
        # Prefetched rather than joined: see ClinicScopedReadOnlyViewSet.
        return denial_selectors.denials_visible_to(self.request.membership).prefetch_related(
            "claim__payer",
            "claim__visit__episode__patient",
            "claim__visit__clinic",
            "service_payment",
            "assignee",
        )

    def get_serializer_class(self):
        return DenialDetailSerializer if self.action == "retrieve" else DenialSerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = denial_selectors.with_age(page, self._today())
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        denial = denial_selectors.with_age([self.get_object()], self._today())[0]
        denial.claim_payments_posted = denial_selectors.claim_remittances(
            denial.claim, with_denials=False
        )
        return Response(self.get_serializer(denial).data)

    def _today(self):
        organization = Organization.objects.get(pk=self.request.organization_id)
        return denial_selectors.organization_today(organization)


class CopayViewSet(
    AuditedReadsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    OrganizationViewSet,
):
    """Copays: those collected at the desk and those the EMR's exports brought.

    `POST` logs one collected now for an appointment of today (the clinic's today),
    as the front-desk page does: refused, with the reason, for another day's or a
    cancelled appointment, a bad amount, or the same amount again within a minute.
    """

    model = PatientPayment
    capability = Capability.FRONT_DESK
    serializer_class = CopaySerializer
    filterset_class = CopayFilter

    def build_queryset(self):
        # Prefetched rather than joined: see ClinicScopedReadOnlyViewSet.
        copays = PatientPayment.objects.filter(kind=PatientPaymentKind.COPAY).prefetch_related(
            "patient", "visit"
        )
        if (limit := clinic_limit(self.request.membership)) is not None:
            copays = copays.filter(
                Q(visit__clinic_id__in=limit) | Q(appointment__clinic_id__in=limit)
            )
        return copays

    @extend_schema(request=CopayCreateSerializer, responses={201: CopaySerializer})
    def create(self, request, *args, **kwargs):
        payload = CopayCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        appointment = appointment_for_member(request.membership, data["appointment"])
        try:
            payment = copay_log(
                appointment=appointment,
                amount=data["amount"],
                method=data["method"],
                acting_user=request.user,
                organization=Organization.objects.get(pk=request.organization_id),
            )
        except CopayError as error:
            raise exceptions.ValidationError({"detail": str(error)}) from None
        return Response(CopaySerializer(payment).data, status=status.HTTP_201_CREATED)


class PayerViewSet(OrganizationReadOnlyViewSet):
    model = Payer
    capability = Capability.READ_RECORDS
    serializer_class = PayerSerializer
    filterset_fields = ["external_id", "type", "payer_code"]


class ClaimViewSet(ClinicScopedReadOnlyViewSet):
    """Claims with their charge lines; `GET …/{id}/payments/` has every remittance
    posted against the claim."""

    model = Claim
    capability = Capability.READ_RECORDS
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    clinic_field = "visit__clinic"
    related = ("visit__clinic", "payer")

    def build_queryset(self):
        claims = super().build_queryset()
        if self.action == "payments":  # only the claim itself is needed
            return claims.prefetch_related(None)
        charges = Prefetch("charges", queryset=ChargeLine.objects.order_by("external_id"))
        return claims.prefetch_related(charges)

    @extend_schema(responses={200: ClaimPaymentSerializer(many=True)})
    @action(detail=True, pagination_class=None, filterset_class=None)
    def payments(self, request, pk=None):
        payments = denial_selectors.claim_remittances(self.get_object(), with_denials=False)
        return Response(ClaimPaymentSerializer(payments, many=True).data)


class RemittanceViewSet(AuditedReadsMixin, OrganizationReadOnlyViewSet):
    """835 payments. One remittance pays claims of many clinics: only API tokens and
    members of every clinic read them. `GET …/{id}/claim-payments/` pages through its
    claim payments (CLP) with their lines, CAS and RARCs."""

    model = Remittance
    capability = Capability.READ_RECORDS
    filterset_class = RemittanceFilter

    def build_queryset(self):
        if clinic_limit(self.request.membership) is not None:
            raise exceptions.PermissionDenied(
                "A remittance pays claims of every clinic: ask for access to all clinics."
            )
        if self.action == "claim_payments":  # only the remittance itself is needed
            return Remittance.objects.all()
        return Remittance.objects.prefetch_related(
            "payer",
            Prefetch("provider_adjustments", queryset=ProviderAdjustment.objects.order_by("pk")),
        )

    def get_serializer_class(self):
        if self.action == "claim_payments":
            return RemittanceClaimPaymentSerializer
        return RemittanceSerializer

    @extend_schema(responses={200: RemittanceClaimPaymentSerializer(many=True)})
    @action(detail=True, url_path="claim-payments", filterset_class=None)
    def claim_payments(self, request, pk=None):
        # A large 835 has tens of thousands of claims: paged like every list.
        payments = denial_selectors.with_payment_detail(
            ClaimPayment.objects.filter(remittance=self.get_object()).prefetch_related("claim"),
            with_remittance=False,
            with_denials=False,
        )
        page = self.paginate_queryset(payments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
