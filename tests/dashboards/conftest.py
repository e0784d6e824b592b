"""A small two-clinic group with money, for the dashboard pages."""

from __future__ import annotations

import datetime

import pytest

from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder, dec

D = datetime.date


def populate(organization) -> None:
    """Two clinics; each has two paid visits in March 2026 and one in April."""
    with tenant_context(organization.pk):
        b = Builder(organization)
        payer = b.payer("P1")
        for number, name in ((1, "North"), (2, "South")):
            clinic = b.clinic(f"C{number}", "America/Denver")
            clinic.name = f"{organization.name} {name} Clinic"
            clinic.save()
            clinician = b.clinician(f"T{number}", clinic)
            b.capacity(clinician, clinic, D(2026, 3, 2), 480)
            episode = b.episode(clinic, payer=payer)
            remittance = b.remittance(D(2026, 4, 20), payer=payer, file_sequence=number)
            for day in (D(2026, 3, 2), D(2026, 3, 9), D(2026, 4, 6)):
                visit = b.visit(episode, clinician, day)
                claim = b.claim(visit, payer, dec(150))
                line = b.charge(visit, "97110", 2, dec(150), claim=claim)
                payment = b.clp(remittance, claim, "1", dec(90 * number))
                b.svc(payment, line, dec(90 * number))


@pytest.fixture
def group(org):
    populate(org)
    return org
