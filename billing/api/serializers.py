"""Denials (with their claim's remittances) and copays as the API shows them.

Money is a decimal string ("125.00"), never a float. Related rows are named by the
external ids the organization's EMR and payers use, beside our ids.
"""

from __future__ import annotations

from rest_framework import serializers

from billing.choices import PaymentMethod
from billing.models import (
    Adjustment,
    ChargeLine,
    Claim,
    ClaimPayment,
    Denial,
    PatientPayment,
    Payer,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from ptrevops.api_fields import external_id_field


class AdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Adjustment
        fields = ["group_code", "reason_code", "amount", "quantity"]


class ServicePaymentSerializer(serializers.ModelSerializer):
    charge_line = external_id_field("charge_line")
    adjustments = AdjustmentSerializer(many=True)

    class Meta:
        model = ServicePayment
        fields = [
            "id",
            "charge_line",
            "line_item_control_number",
            "cpt_code",
            "modifiers",
            "units",
            "service_date",
            "charge_amount",
            "allowed_amount",
            "paid_amount",
            "remark_codes",
            "adjustments",
        ]


class ClaimPaymentSerializer(serializers.ModelSerializer):
    """One CLP of a remittance, with the remittance it came in."""

    remittance = serializers.SerializerMethodField()
    adjustments = AdjustmentSerializer(many=True, source="claim_adjustments")
    services = ServicePaymentSerializer(many=True)

    class Meta:
        model = ClaimPayment
        fields = [
            "id",
            "remittance",
            "patient_control_number",
            "payer_claim_control_number",
            "status_code",
            "charge_amount",
            "paid_amount",
            "patient_responsibility",
            "remark_codes",
            "adjustments",
            "services",
        ]

    def get_remittance(self, payment: ClaimPayment) -> dict:
        # Only what says which payment this was: a remittance's totals and file span
        # clinics, which a member limited to some clinics may not read.
        remittance = payment.remittance
        return {
            "id": remittance.pk,
            "payer": remittance.payer_name or remittance.payer_identifier,
            "trace_number": remittance.trace_number,
            "payment_date": remittance.payment_date,
        }


class DenialSerializer(serializers.ModelSerializer):
    """A row of the denial work queue."""

    claim = external_id_field("claim")
    payer = external_id_field("claim.payer")
    payer_name = serializers.CharField(source="claim.payer.name")
    clinic = external_id_field("claim.visit.clinic")
    patient = external_id_field("claim.visit.episode.patient")
    date_of_service = serializers.DateField(source="claim.visit.date_of_service")
    cpt_code = serializers.CharField(source="service_payment.cpt_code", default=None)
    assignee = serializers.EmailField(source="assignee.email", default=None)
    denied_on = serializers.DateField(source="aged_from")
    age_days = serializers.IntegerField()

    class Meta:
        model = Denial
        fields = [
            "id",
            "claim",
            "payer",
            "payer_name",
            "clinic",
            "patient",
            "date_of_service",
            "cpt_code",
            "group_code",
            "reason_code",
            "root_cause",
            "amount",
            "status",
            "assignee",
            "appeal_deadline",
            "denied_on",
            "age_days",
            "created_at",
            "updated_at",
        ]


class DenialDetailSerializer(DenialSerializer):
    """A denial with its notes and every remittance posted against its claim."""

    claim_payments = ClaimPaymentSerializer(many=True, source="claim_payments_posted")

    class Meta(DenialSerializer.Meta):
        fields = [*DenialSerializer.Meta.fields, "notes", "claim_payments"]


class CopaySerializer(serializers.ModelSerializer):
    patient = external_id_field("patient")
    visit = external_id_field("visit")

    class Meta:
        model = PatientPayment
        fields = [
            "id",
            "external_id",
            "patient",
            "appointment",
            "visit",
            "amount",
            "method",
            "collected_at",
            "collected_on",
            "collected_by",
        ]
        read_only_fields = fields


class CopayCreateSerializer(serializers.Serializer):
    appointment = serializers.IntegerField(min_value=1, help_text="The appointment's id.")
    # Text: the copay service parses the amount and explains every refusal.
    amount = serializers.CharField(max_length=20, help_text='Dollars and cents, e.g. "25.00".')
    method = serializers.ChoiceField(choices=PaymentMethod.choices)


class PayerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payer
        fields = [
            "id",
            "external_id",
            "name",
            "type",
            "payer_code",
            "unit_rule",
            "requires_auth",
            "timely_filing_days",
        ]


class ChargeLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChargeLine
        fields = ["id", "external_id", "cpt_code", "modifiers", "minutes", "units", "charge_amount"]


class ClaimSerializer(serializers.ModelSerializer):
    """A claim with its charge lines (those the export tied to it)."""

    visit = external_id_field("visit")
    clinic = external_id_field("visit.clinic")
    payer = external_id_field("payer")
    charges = ChargeLineSerializer(many=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "external_id",
            "visit",
            "clinic",
            "payer",
            "payer_rank",
            "submitted_on",
            "billed_amount",
            "charges",
        ]


class ProviderAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderAdjustment
        fields = ["provider_identifier", "fiscal_period_date", "reason_code", "reference", "amount"]


class RemittanceSerializer(serializers.ModelSerializer):
    """An 835 payment (BPR/TRN), with its PLB entries."""

    payer = external_id_field("payer")
    provider_adjustments = ProviderAdjustmentSerializer(many=True)

    class Meta:
        model = Remittance
        fields = [
            "id",
            "payer",
            "payer_identifier",
            "payer_name",
            "trace_number",
            "payment_date",
            "total_paid",
            "credit_debit",
            "payment_method",
            "payee_name",
            "payee_npi",
            "source_file",
            "import_run_id",
            "warnings",
            "imported_at",
            "provider_adjustments",
        ]


class RemittanceClaimPaymentSerializer(ClaimPaymentSerializer):
    """A CLP of a remittance's listing: the claim it posted to instead of the remittance."""

    claim = external_id_field("claim")

    class Meta(ClaimPaymentSerializer.Meta):
        fields = [
            "claim" if name == "remittance" else name for name in ClaimPaymentSerializer.Meta.fields
        ]
