"""Patients and their episodes of care: referral → evaluation → plan of care →
visits → discharge. Fields follow the EMR export contract (spec/emr-export.md)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from episodes.choices import (
    AppointmentStatus,
    DischargeReason,
    ReferralSourceKind,
    ReferralStatus,
    Sex,
    VisitType,
)
from ptrevops.tenancy.models import ImportedModel

MONEY = {"max_digits": 12, "decimal_places": 2}


def reference(to, **options) -> models.ForeignKey:
    """A foreign key of an imported table, without a database constraint.

    These tables are written in bulk by the EMR bundle importer, which resolves every
    reference set-based (a join on the organization's external ids) before it inserts
    a row, and reports the ones that do not resolve. PostgreSQL's per-row foreign-key
    trigger would only check again what the join proved — at 2–3 µs per reference
    per row, most of an INSERT of appointments or visits. Deleting a referenced row
    is guarded elsewhere: Django applies `on_delete` for ORM deletes, and vendor
    removals check the dependants first (episodes.vendor.removals). Billing's imported
    tables (payers, fee schedules, claims, charge lines, patient payments) use it too;
    the 835 posting's references have no constraint either (billing 0005, 0007).
    Organizations are never deleted while they have data (and row-level security, not
    the foreign key, is what keeps tenants apart).
    """
    return models.ForeignKey(to, db_constraint=False, **options)


def organization_fk(*, db_constraint: bool = True) -> models.ForeignKey:
    """`TenantModel.organization` without its own index: every imported table's unique
    `(organization, external_id)` and every composite index lead with it, so a
    single-column index only costs each import a btree insertion per row. (The
    imported tables, here and in billing, pass False: row-level security's WITH CHECK
    pins their rows to the organization.)"""
    return models.ForeignKey(
        "clinics.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=db_constraint,
    )


class Patient(ImportedModel):
    """Minimal PHI: name, birth date, sex, ZIP. Access is audit-logged."""

    organization = organization_fk(db_constraint=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    zip = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class ReferralSource(ImportedModel):
    """Who sends patients: a physician, a practice, direct access, marketing…"""

    organization = organization_fk(db_constraint=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ReferralSourceKind.choices)
    npi = models.CharField(max_length=10, blank=True)
    practice = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class Referral(ImportedModel):
    organization = organization_fk(db_constraint=False)
    patient = reference(Patient, on_delete=models.PROTECT, related_name="referrals")
    clinic = reference("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    source = reference(
        ReferralSource, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    diagnosis_codes = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)

    class Meta(ImportedModel.Meta):
        indexes = [
            models.Index(fields=["organization", "received_on"], name="referral_org_received"),
        ]


class Eligibility(ImportedModel):
    """A benefits check: copay, coinsurance, deductible, plan-year visit limits."""

    organization = organization_fk(db_constraint=False)
    patient = reference(
        Patient, on_delete=models.PROTECT, related_name="eligibility", db_index=False
    )
    payer = reference("billing.Payer", on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField()
    active = models.BooleanField()
    copay_amount = models.DecimalField(null=True, blank=True, **MONEY)
    coinsurance_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    deductible_remaining = models.DecimalField(null=True, blank=True, **MONEY)
    visit_limit = models.PositiveIntegerField(null=True, blank=True)
    visits_used = models.PositiveIntegerField(null=True, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)

    class Meta(ImportedModel.Meta):
        verbose_name_plural = "eligibility checks"
        indexes = [models.Index(fields=["organization", "patient"], name="eligibility_org_patient")]


class Episode(ImportedModel):
    """One episode of care — the unit of value — from evaluation to discharge."""

    organization = organization_fk(db_constraint=False)
    patient = reference(Patient, on_delete=models.PROTECT, related_name="episodes")
    clinic = reference("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    referral = reference(
        Referral,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="episodes",
        db_index=False,
    )
    primary_payer = reference(
        "billing.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secondary_payer = reference(
        "billing.Payer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discharge_date = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=24, choices=DischargeReason.choices, blank=True)

    class Meta(ImportedModel.Meta):
        indexes = [
            models.Index(fields=["organization", "discharge_date"], name="episode_org_discharge"),
            models.Index(fields=["organization", "referral"], name="episode_org_referral"),
        ]


class Authorization(ImportedModel):
    """Visits (sometimes units) a payer authorized for a patient over a date range."""

    organization = organization_fk(db_constraint=False)
    patient = reference(
        Patient, on_delete=models.PROTECT, related_name="authorizations", db_index=False
    )
    payer = reference("billing.Payer", on_delete=models.PROTECT, related_name="+")
    visits_authorized = models.PositiveIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    episode = reference(
        Episode, null=True, blank=True, on_delete=models.SET_NULL, related_name="authorizations"
    )
    units_authorized = models.PositiveIntegerField(null=True, blank=True)
    auth_number = models.CharField(max_length=64, blank=True)

    class Meta(ImportedModel.Meta):
        indexes = [
            models.Index(fields=["organization", "patient", "payer"], name="auth_org_patient_payer")
        ]


class PlanOfCare(ImportedModel):
    organization = organization_fk(db_constraint=False)
    episode = reference(
        Episode, on_delete=models.CASCADE, related_name="plans_of_care", db_index=False
    )
    cert_start = models.DateField()
    cert_end = models.DateField()
    planned_visits = models.PositiveIntegerField()
    visits_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    duration_weeks = models.PositiveIntegerField(null=True, blank=True)
    certified_on = models.DateField(null=True, blank=True)

    class Meta(ImportedModel.Meta):
        verbose_name_plural = "plans of care"
        indexes = [models.Index(fields=["organization", "episode"], name="poc_org_episode")]


class Appointment(ImportedModel):
    """A booked slot. `local_date` is the clinic-local date of `starts_at`, fixed at
    import, because every schedule metric is counted by the clinic's calendar."""

    organization = organization_fk(db_constraint=False)
    patient = reference(Patient, on_delete=models.PROTECT, related_name="appointments")
    clinic = reference("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    clinician = reference("clinics.Clinician", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    local_date = models.DateField()
    duration_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=AppointmentStatus.choices)
    episode = reference(
        Episode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        db_index=False,
    )
    visit_type = models.CharField(max_length=16, choices=VisitType.choices, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta(ImportedModel.Meta):
        indexes = [
            models.Index(fields=["organization", "local_date"], name="appt_org_local_date"),
            models.Index(fields=["organization", "episode"], name="appt_org_episode"),
            # Referral conversion looks up the evaluations of given episodes (a tenth of
            # the appointments; the index above fetched all of theirs).
            models.Index(
                fields=["organization", "episode"],
                condition=models.Q(visit_type="evaluation"),
                name="appt_org_episode_evaluation",
            ),
        ]


class Visit(ImportedModel):
    """A delivered (finalized) visit. `clinic` is the appointment's clinic, kept
    here because every visit metric breaks down by it."""

    organization = organization_fk(db_constraint=False)
    appointment = reference(Appointment, on_delete=models.PROTECT, related_name="visits")
    episode = reference(Episode, on_delete=models.PROTECT, related_name="visits", db_index=False)
    clinic = reference("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    date_of_service = models.DateField()
    clinician = reference("clinics.Clinician", on_delete=models.PROTECT, related_name="+")
    total_timed_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta(ImportedModel.Meta):
        indexes = [
            models.Index(fields=["organization", "date_of_service"], name="visit_org_dos"),
            # An episode's visits, in DOS order with their clinician: an episode's
            # clinician (who saw its first visit) is the first entry, without a sort.
            models.Index(
                fields=["organization", "episode", "date_of_service", "id"],
                include=["clinician"],
                name="visit_org_episode_dos",
            ),
        ]
