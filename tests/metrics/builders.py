"""A small ORM builder for hand-computed metric fixtures: every row the metrics read,
with defaults, so a test states only what its arithmetic depends on."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.models import (
    Adjustment,
    ChargeLine,
    Claim,
    ClaimPayment,
    FeeSchedule,
    PatientPayment,
    Payer,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from clinics.models import Clinic, Clinician, ScheduleCapacity
from episodes.models import (
    Appointment,
    Eligibility,
    Episode,
    Patient,
    PlanOfCare,
    Referral,
    ReferralSource,
    Visit,
)

D = datetime.date
EPISODE_START = D(2026, 1, 1)


def dec(value) -> Decimal:
    return Decimal(str(value))


class Builder:
    """Creates rows in the current tenant scope (use inside ``tenant_context``)."""

    def __init__(self, organization) -> None:
        self.organization = organization
        self._ids = itertools.count(1)

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    # -- organization ------------------------------------------------------------------
    def clinic(self, external_id: str, timezone: str = "America/New_York") -> Clinic:
        clinic = Clinic.objects.get(external_id=external_id)
        clinic.timezone = timezone
        clinic.save(update_fields=["timezone"])
        return clinic

    def payer(self, external_id: str, type: str = "commercial") -> Payer:
        return Payer.objects.create(external_id=external_id, name=external_id, type=type)

    def clinician(self, external_id: str, clinic: Clinic) -> Clinician:
        return Clinician.objects.create(external_id=external_id, clinic=clinic, name=external_id)

    def source(self, external_id: str) -> ReferralSource:
        return ReferralSource.objects.create(
            external_id=external_id, name=external_id, kind="physician"
        )

    def patient(self, external_id: str | None = None) -> Patient:
        return Patient.objects.create(
            external_id=external_id or self._next("PT"),
            first_name="Pat",
            last_name="Ient",
            birth_date=D(1970, 1, 1),
        )

    def capacity(self, clinician, clinic, date, minutes) -> ScheduleCapacity:
        return ScheduleCapacity.objects.create(
            clinician=clinician, clinic=clinic, date=date, available_minutes=minutes
        )

    def fee(self, payer, cpt, allowed, effective_from, effective_to=None, modifier=""):
        return FeeSchedule.objects.create(
            payer=payer,
            cpt_code=cpt,
            allowed_amount=dec(allowed),
            effective_from=effective_from,
            effective_to=effective_to,
            modifier=modifier,
        )

    # -- episodes ------------------------------------------------------------------------
    def referral(self, clinic, received_on, *, source=None, patient=None, external_id=None):
        return Referral.objects.create(
            external_id=external_id or self._next("RF"),
            patient=patient or self.patient(),
            clinic=clinic,
            received_on=received_on,
            source=source,
        )

    def episode(
        self,
        clinic,
        *,
        patient=None,
        referral=None,
        payer=None,
        start_date=EPISODE_START,
        discharge_date=None,
        discharge_reason="",
        external_id=None,
    ) -> Episode:
        return Episode.objects.create(
            external_id=external_id or self._next("EP"),
            patient=patient or (referral.patient if referral else self.patient()),
            clinic=clinic,
            referral=referral,
            primary_payer=payer,
            start_date=start_date,
            discharge_date=discharge_date,
            discharge_reason=discharge_reason,
        )

    def plan_of_care(self, episode, planned_visits) -> PlanOfCare:
        return PlanOfCare.objects.create(
            external_id=self._next("POC"),
            episode=episode,
            cert_start=episode.start_date,
            cert_end=episode.start_date + datetime.timedelta(days=60),
            planned_visits=planned_visits,
        )

    def appointment(
        self,
        episode,
        clinician,
        starts_at,
        status="completed",
        *,
        minutes=45,
        visit_type="treatment",
        clinic=None,
    ) -> Appointment:
        """``starts_at``: a date (noon local) or an aware datetime; ``local_date`` is its
        date in the clinic's time zone, as the importer stores it."""
        clinic = clinic or episode.clinic
        zone = ZoneInfo(clinic.timezone or "America/New_York")
        if not isinstance(starts_at, datetime.datetime):
            starts_at = datetime.datetime.combine(starts_at, datetime.time(12), zone)
        return Appointment.objects.create(
            external_id=self._next("AP"),
            patient=episode.patient,
            clinic=clinic,
            clinician=clinician,
            starts_at=starts_at,
            local_date=starts_at.astimezone(zone).date(),
            duration_minutes=minutes,
            status=status,
            episode=episode,
            visit_type=visit_type,
        )

    def visit(self, episode, clinician, starts_at, *, visit_type="treatment", minutes=45):
        """An attended appointment and its visit (DOS = the appointment's local date)."""
        appointment = self.appointment(
            episode, clinician, starts_at, "completed", minutes=minutes, visit_type=visit_type
        )
        return Visit.objects.create(
            external_id=self._next("V"),
            appointment=appointment,
            episode=episode,
            clinic=appointment.clinic,
            date_of_service=appointment.local_date,
            clinician=clinician,
        )

    def eligibility(self, patient, payer, copay, *, active=True, start=None, end=None):
        return Eligibility.objects.create(
            external_id=self._next("EL"),
            patient=patient,
            payer=payer,
            checked_on=D(2026, 1, 2),
            active=active,
            copay_amount=None if copay is None else dec(copay),
            effective_from=start,
            effective_to=end,
        )

    # -- billing -------------------------------------------------------------------------
    def claim(self, visit, payer, billed, *, rank="primary", submitted_on=None) -> Claim:
        return Claim.objects.create(
            external_id=self._next("K"),
            visit=visit,
            payer=payer,
            submitted_on=submitted_on or visit.date_of_service,
            billed_amount=dec(billed),
            payer_rank=rank,
        )

    def charge(self, visit, cpt, units, amount, *, claim=None, modifiers=()) -> ChargeLine:
        return ChargeLine.objects.create(
            external_id=self._next("L"),
            visit=visit,
            claim=claim,
            cpt_code=cpt,
            modifiers=list(modifiers),
            units=units,
            charge_amount=dec(amount),
        )

    def remittance(self, payment_date, *, payer=None, file_sequence=1) -> Remittance:
        return Remittance.objects.create(
            payer=payer,
            payer_identifier="PAYER",
            trace_number=self._next("TRN"),
            payment_date=payment_date,
            total_paid=Decimal("0"),
            file_sequence=file_sequence,
        )

    def clp(self, remittance, claim, status, paid, *, sequence=1, pcn=None) -> ClaimPayment:
        return ClaimPayment.objects.create(
            remittance=remittance,
            claim=claim,
            patient_control_number=pcn or (claim.external_id if claim else "UNKNOWN"),
            status_code=status,
            charge_amount=claim.billed_amount if claim else Decimal("0"),
            paid_amount=dec(paid),
            sequence=sequence,
        )

    def svc(self, claim_payment, line, paid) -> ServicePayment:
        return ServicePayment.objects.create(
            claim_payment=claim_payment,
            charge_line=line,
            cpt_code=line.cpt_code if line else "97110",
            modifiers=list(line.modifiers) if line else [],
            charge_amount=line.charge_amount if line else Decimal("0"),
            paid_amount=dec(paid),
            units=line.units if line else 1,
        )

    def cas(self, claim_payment, group, reason, amount, *, service=None) -> Adjustment:
        return Adjustment.objects.create(
            claim_payment=claim_payment,
            service_payment=service,
            group_code=group,
            reason_code=reason,
            amount=dec(amount),
        )

    def plb(self, remittance, amount, reason="L6") -> ProviderAdjustment:
        return ProviderAdjustment.objects.create(
            remittance=remittance, reason_code=reason, amount=dec(amount)
        )

    def patient_payment(
        self, patient, amount, collected_on, kind="copay", *, visit=None, collected_at=None
    ) -> PatientPayment:
        return PatientPayment.objects.create(
            external_id=self._next("PP"),
            patient=patient,
            visit=visit,
            amount=dec(amount),
            collected_at=collected_at
            or datetime.datetime.combine(collected_on, datetime.time(12), datetime.UTC),
            collected_on=collected_on,
            kind=kind,
        )
