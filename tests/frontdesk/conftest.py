"""A clinic's day at the front desk, built with the metrics builder inside the
organization's scope: appointments, eligibility, copays, authorizations."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from clinics.models import Clinic
from episodes.frontdesk.selectors import clinic_today
from episodes.models import Authorization, Visit
from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder

D = datetime.date
PACIFIC = "America/Los_Angeles"


class DeskMaker:
    """Rows of one organization; call its methods inside ``tenant_context``."""

    def __init__(self, organization, timezone: str = PACIFIC) -> None:
        self.organization = organization
        self.b = Builder(organization)
        self.timezone = timezone
        self.clinic = self.b.clinic("C1", timezone)
        self.other_clinic = self.b.clinic("C2", timezone)
        self.clinicians = {
            clinic.pk: self.b.clinician(f"T-{clinic.external_id}", clinic)
            for clinic in (self.clinic, self.other_clinic)
        }
        self.payer = self.b.payer("P1")
        self.payer.name = "Acme Health"
        self.payer.requires_auth = True
        self.payer.save()
        self.today = clinic_today(self.clinic, organization)

    def patient(self, external_id=None, first="Pat", last="Ient"):
        patient = self.b.patient(external_id)
        patient.first_name, patient.last_name = first, last
        patient.save()
        return patient

    def appointment(
        self,
        *,
        patient=None,
        on=None,
        at=datetime.time(9),
        clinic: Clinic | None = None,
        payer="default",
        status="scheduled",
    ):
        clinic = clinic or self.clinic
        episode = self.b.episode(
            clinic,
            patient=patient or self.patient(),
            payer=self.payer if payer == "default" else payer,
        )
        starts = datetime.datetime.combine(on or self.today, at, ZoneInfo(self.timezone))
        return self.b.appointment(
            episode, self.clinicians[clinic.pk], starts, status, clinic=clinic
        )

    def visit_of(self, appointment, external_id: str = "V-TODAY") -> Visit:
        """The visit the EMR records for ``appointment`` (on its local date)."""
        return Visit.objects.create(
            external_id=external_id,
            appointment=appointment,
            episode=appointment.episode,
            clinic=appointment.clinic,
            date_of_service=appointment.local_date,
            clinician=appointment.clinician,
        )

    def billed_visit(self, patient, on, payer=None):
        """A past visit of the patient with a claim to the payer (consumes an
        authorized visit)."""
        payer = payer or self.payer
        episode = self.b.episode(self.clinic, patient=patient, payer=payer)
        visit = self.b.visit(episode, self.clinicians[self.clinic.pk], on)
        self.b.claim(visit, payer, "100.00")
        return visit

    def authorization(self, patient, start, end, visits=10, payer=None):
        return Authorization.objects.create(
            external_id=self.b._next("AU"),
            patient=patient,
            payer=payer or self.payer,
            visits_authorized=visits,
            start_date=start,
            end_date=end,
            auth_number=self.b._next("N"),
        )


@pytest.fixture
def desk(org):
    with tenant_context(org.pk):
        return DeskMaker(org)


@pytest.fixture
def other_desk(other_org):
    with tenant_context(other_org.pk):
        return DeskMaker(other_org)
