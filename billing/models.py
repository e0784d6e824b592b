"""Payers, charges and claims, and the 835 remittances posted against them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from billing.choices import (
    AdjustmentGroup,
    DenialStatus,
    PatientPaymentKind,
    PayerRank,
    PayerType,
    PaymentMethod,
    RootCause,
    UnitRule,
)
from episodes.models import organization_fk, reference
from ptrevops.tenancy.models import ImportedModel, TenantModel

MONEY = {"max_digits": 12, "decimal_places": 2}

# Payer, FeeSchedule, Claim, ChargeLine and PatientPayment are written by the EMR
# bundle importer, which resolves every reference before writing a row: their foreign
# keys have no database constraint (`reference`, `organization_fk(db_constraint=False)`;
# billing 0006). So no index needs to lead with their `visit_id` or `claim_id`: it was
# the constraint's check, once per deleted visit or claim, that looked rows up by that
# column alone (a scan of the whole table each); Django's `on_delete` and the vendor
# removals look them up by the set of deleted ids, within the organization.


class Payer(ImportedModel):
    """An insurer (or self-pay). Its unit rule decides how minutes become units."""

    organization = organization_fk(db_constraint=False)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=PayerType.choices)
    unit_rule = models.CharField(
        max_length=20, choices=UnitRule.choices, default=UnitRule.CMS_8_MINUTE
    )
    requires_auth = models.BooleanField(default=False)
    payer_code = models.CharField(
        max_length=80, blank=True, help_text="The payer's identifier in its 835 files."
    )
    timely_filing_days = models.PositiveIntegerField(default=365)

    class Meta(ImportedModel.Meta):
        indexes = [models.Index(fields=["organization", "payer_code"], name="payer_org_code")]

    def __str__(self) -> str:
        return self.name


class FeeSchedule(TenantModel):
    """The contracted allowed amount per unit for a payer, CPT code and modifier."""

    organization = organization_fk(db_constraint=False)
    payer = reference(Payer, on_delete=models.CASCADE, related_name="fees", db_index=False)
    cpt_code = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True, default="")
    allowed_amount = models.DecimalField(**MONEY)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "payer", "cpt_code", "modifier", "effective_from"],
                name="fee_schedule_unique_rate",
            )
        ]


class Claim(ImportedModel):
    """An 837 claim for one visit; `external_id` is the patient control number (CLP01)."""

    organization = organization_fk(db_constraint=False)
    visit = reference(
        "episodes.Visit", on_delete=models.PROTECT, related_name="claims", db_index=False
    )
    payer = reference(Payer, on_delete=models.PROTECT, related_name="claims")
    submitted_on = models.DateField()
    billed_amount = models.DecimalField(**MONEY)
    payer_rank = models.CharField(
        max_length=10, choices=PayerRank.choices, default=PayerRank.PRIMARY
    )

    class Meta(ImportedModel.Meta):
        indexes = [models.Index(fields=["organization", "visit"], name="claim_org_visit")]


class ChargeLine(ImportedModel):
    """One CPT line of a visit; `external_id` is the line item control number (REF*6R)."""

    organization = organization_fk(db_constraint=False)
    visit = reference(
        "episodes.Visit", on_delete=models.PROTECT, related_name="charges", db_index=False
    )
    claim = reference(
        Claim,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="charges",
        db_index=False,
    )
    cpt_code = models.CharField(max_length=5)
    modifiers = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    units = models.PositiveIntegerField()
    charge_amount = models.DecimalField(**MONEY)
    diagnosis_pointers = ArrayField(models.CharField(max_length=8), default=list, blank=True)

    class Meta(ImportedModel.Meta):
        indexes = [
            models.Index(fields=["organization", "visit"], name="charge_org_visit"),
            models.Index(fields=["organization", "claim"], name="charge_org_claim"),
        ]


class Remittance(TenantModel):
    """One 835 transaction (ST..SE): a payment (or zero-pay notice) from a payer."""

    payer = models.ForeignKey(
        Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="remittances"
    )
    payer_identifier = models.CharField(max_length=80, blank=True)
    payer_name = models.CharField(max_length=200, blank=True)
    trace_number = models.CharField(max_length=80)
    payment_date = models.DateField(null=True, blank=True)
    total_paid = models.DecimalField(**MONEY)
    credit_debit = models.CharField(max_length=1, blank=True)
    payment_method = models.CharField(max_length=3, blank=True)
    payee_name = models.CharField(max_length=200, blank=True)
    payee_npi = models.CharField(max_length=10, blank=True)
    source_file = models.CharField(max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    # Position in the file: the "file order" that breaks payment-date ties.
    file_sequence = models.PositiveIntegerField(default=0)
    import_run_id = models.BigIntegerField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The same payment (payer, trace, amount, date) is never posted twice.
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "payer_identifier",
                    "trace_number",
                    "total_paid",
                    "payment_date",
                ],
                name="remittance_unique_payment",
                # A payment without a date (BPR16 absent) is still the same payment.
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["organization", "payment_date"], name="remit_org_payment_date")
        ]


# Why the foreign keys of the posted rows have no database constraint
# (``db_constraint=False``): PostgreSQL checks each FK of each inserted row with a
# per-row trigger at commit (a ``SELECT … FOR KEY SHARE`` of the referenced row),
# which was half of the database's CPU time of an 835 posting. Integrity is
# guaranteed otherwise: ``organization`` by row-level security's WITH CHECK; the
# parents written by the same posting (remittance → claim payment → service payment
# → adjustment) come from the same staging rows; ``ClaimPayment.claim`` and
# ``ServicePayment.charge_line`` are only ever set from a join on the organization's
# claims and charge lines (``billing.remittances.matching``), and postings hold the
# bundle imports' advisory lock in shared mode (``billing.remittances.tenancy``), so
# the only raw-SQL removal of claims and charge lines (vendor removals, inside a bundle
# import, which checks every dependant first) never runs between a posting's join and
# its commit (billing 0007). Django still applies ``on_delete`` for ORM deletes.
# Indexes: one per lookup. The single-column indexes Django adds are dropped where a
# composite index led by ``organization_id`` serves the same lookups (RLS binds the
# organization): ``claimpay_org_claim`` serves every lookup of claim payments by claim
# (the single-column ``claim_id`` index was there for the constraint's check when a
# claim is deleted). No query looks claim payments up by ``patient_control_number``
# (late matching goes through ``claim_id IS NULL``; the admin's search is a substring
# match), so it has no index. ``charge_line_id`` keeps its own: the analytics look
# service payments up by charge line.


class ClaimPayment(TenantModel):
    """A CLP loop. `claim` is empty while no claim matches CLP01 (kept as unmatched and
    matched when the claim arrives)."""

    organization = organization_fk(db_constraint=False)
    remittance = models.ForeignKey(
        Remittance, on_delete=models.CASCADE, related_name="claims", db_constraint=False
    )
    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
        db_constraint=False,
        db_index=False,
    )
    patient_control_number = models.CharField(max_length=64)
    status_code = models.CharField(max_length=2)
    charge_amount = models.DecimalField(**MONEY)
    paid_amount = models.DecimalField(**MONEY)
    patient_responsibility = models.DecimalField(null=True, blank=True, **MONEY)
    payer_claim_control_number = models.CharField(max_length=64, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    # Claim-level remark codes (RARCs of MOA03..07 / MIA05, MIA20..23).
    remark_codes = ArrayField(models.CharField(max_length=8), default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "claim"], name="claimpay_org_claim"),
        ]


class ServicePayment(TenantModel):
    """An SVC loop, posted to a charge line by REF*6R or by CPT + modifiers + units."""

    organization = organization_fk(db_constraint=False)
    claim_payment = models.ForeignKey(
        ClaimPayment,
        on_delete=models.CASCADE,
        related_name="services",
        db_index=False,
        db_constraint=False,
    )
    charge_line = models.ForeignKey(
        ChargeLine,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
        db_constraint=False,
    )
    cpt_code = models.CharField(max_length=8)
    modifiers = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    charge_amount = models.DecimalField(**MONEY)
    paid_amount = models.DecimalField(**MONEY)
    units = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    line_item_control_number = models.CharField(max_length=64, blank=True)
    service_date = models.DateField(null=True, blank=True)
    allowed_amount = models.DecimalField(null=True, blank=True, **MONEY)
    remark_codes = ArrayField(models.CharField(max_length=8), default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "claim_payment"], name="svcpay_org_claimpay"),
        ]


class Adjustment(TenantModel):
    """One CAS (group, reason, amount) at claim level or, with a service, line level."""

    organization = organization_fk(db_constraint=False)
    claim_payment = models.ForeignKey(
        ClaimPayment,
        on_delete=models.CASCADE,
        related_name="adjustments",
        db_index=False,
        db_constraint=False,
    )
    service_payment = models.ForeignKey(
        ServicePayment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="adjustments",
        db_constraint=False,
    )
    group_code = models.CharField(max_length=2, choices=AdjustmentGroup.choices)
    reason_code = models.CharField(max_length=5)
    amount = models.DecimalField(**MONEY)
    quantity = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "claim_payment"], name="adj_org_claimpay"),
        ]


class ProviderAdjustment(TenantModel):
    """A PLB entry: positive reduces the payment, interest is negative. Organization
    level only — never attributed to a clinic or a visit."""

    remittance = models.ForeignKey(
        Remittance, on_delete=models.CASCADE, related_name="provider_adjustments"
    )
    provider_identifier = models.CharField(max_length=80, blank=True)
    fiscal_period_date = models.DateField(null=True, blank=True)
    reason_code = models.CharField(max_length=4)
    reference = models.CharField(max_length=80, blank=True)
    amount = models.DecimalField(**MONEY)


class Denial(TenantModel):
    """A denied claim or line (derived at posting) and the biller's work on it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="denials")
    claim_payment = models.ForeignKey(
        ClaimPayment, on_delete=models.CASCADE, related_name="denials"
    )
    service_payment = models.ForeignKey(
        ServicePayment, null=True, blank=True, on_delete=models.CASCADE, related_name="denials"
    )
    group_code = models.CharField(max_length=2)
    reason_code = models.CharField(max_length=5)
    root_cause = models.CharField(max_length=24, choices=RootCause.choices)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=12, choices=DenialStatus.choices, default="open")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(blank=True)
    appeal_deadline = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "claim_payment", "service_payment"],
                name="denial_unique_per_payment",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "root_cause"], name="denial_org_queue"),
        ]


class PatientPayment(ImportedModel):
    """Money from the patient: copays at the desk, later balances, refunds (positive
    amount, counted negative)."""

    organization = organization_fk(db_constraint=False)
    patient = reference("episodes.Patient", on_delete=models.PROTECT, related_name="+")
    visit = reference(
        "episodes.Visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_payments",
        db_index=False,
    )
    # A copay logged at the front desk before the visit exists records its
    # appointment; ``billing.copays.link_desk_copays`` sets the visit once an import
    # brings it. Imported payments leave it empty.
    appointment = reference(
        "episodes.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    amount = models.DecimalField(**MONEY)
    collected_at = models.DateTimeField()
    # The clinic-local date of collection ("at time of service" compares it to the DOS).
    collected_on = models.DateField()
    kind = models.CharField(max_length=12, choices=PatientPaymentKind.choices)
    method = models.CharField(max_length=8, choices=PaymentMethod.choices, blank=True)
    collected_by = models.CharField(max_length=100, blank=True)

    class Meta(ImportedModel.Meta):
        indexes = [
            models.Index(fields=["organization", "visit"], name="patpay_org_visit"),
            models.Index(fields=["organization", "collected_on"], name="patpay_org_collected"),
            models.Index(
                fields=["organization", "appointment"],
                name="patpay_desk_unlinked",
                condition=models.Q(visit__isnull=True, appointment__isnull=False),
            ),
        ]
