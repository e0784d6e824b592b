"""Denials to work: each on its own claim (patient, visit, charge line, an 835 that
denied it), built with the metrics builder inside the organization's scope."""

from __future__ import annotations

import datetime
import itertools

import pytest

from billing.denials.selectors import organization_today
from billing.models import Denial
from clinics.models import Clinic, Clinician
from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder, dec
from tests.remittances.conftest import post  # noqa: F401 (the 835 posting fixture)

D = datetime.date
DOS = D(2026, 3, 17)


class DenialMaker:
    """make(...) -> an open Denial on a new claim; ``age`` in days before today."""

    def __init__(self, organization) -> None:
        self.organization = organization
        self.builder = Builder(organization)
        self.payers: dict[str, object] = {}
        self.today = organization_today(organization)
        self._traces = itertools.count(1)

    def payer(self, external_id: str = "P1", name: str | None = None):
        if external_id not in self.payers:
            payer = self.builder.payer(external_id)
            payer.name = name or f"Payer {external_id}"
            payer.save()
            self.payers[external_id] = payer
        return self.payers[external_id]

    def make(
        self,
        *,
        payer: str = "P1",
        clinic: str = "C1",
        root_cause: str = "authorization",
        group: str = "CO",
        reason: str = "197",
        amount: str = "100.00",
        age: int = 10,
        status: str = "open",
        assignee=None,
    ) -> Denial:
        b = self.builder
        payer_row = self.payer(payer)
        clinic_row = Clinic.objects.get(external_id=clinic)
        clinician, _ = Clinician.objects.get_or_create(
            external_id=f"T-{clinic}", defaults={"clinic": clinic_row, "name": f"T {clinic}"}
        )
        episode = b.episode(clinic_row, payer=payer_row)
        visit = b.visit(episode, clinician, DOS)
        claim = b.claim(visit, payer_row, dec(amount))
        line = b.charge(visit, "97110", 2, dec(amount), claim=claim)
        remittance = b.remittance(self.today - datetime.timedelta(days=age), payer=payer_row)
        payment = b.clp(remittance, claim, "4", 0)
        service = b.svc(payment, line, 0)
        b.cas(payment, group, reason, dec(amount), service=service)
        return Denial.objects.create(
            claim=claim,
            claim_payment=payment,
            service_payment=service,
            group_code=group,
            reason_code=reason,
            root_cause=root_cause,
            amount=dec(amount),
            status=status,
            assignee=assignee,
        )


@pytest.fixture
def make_in():
    """make_in(org, **fields) -> a denial made in that organization's scope."""
    makers: dict[int, DenialMaker] = {}

    def make(organization, **fields) -> Denial:
        with tenant_context(organization.pk):
            maker = makers.setdefault(organization.pk, DenialMaker(organization))
            return maker.make(**fields)

    return make
