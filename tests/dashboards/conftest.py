"""A small two-clinic group with money, for the dashboard pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from billing.models import Denial
from episodes.models import Authorization
from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder, dec

D = datetime.date


def _populate(b: Builder, organization) -> dict:
    payer = b.payer("P1")
    made = {"payer": payer, "clinics": [], "clinicians": [], "episodes": []}
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
        made["clinics"].append(clinic)
        made["clinicians"].append(clinician)
        made["episodes"].append(episode)
    return made


def populate(organization) -> None:
    """Two clinics; each has two paid visits in March 2026 and one in April."""
    with tenant_context(organization.pk):
        _populate(Builder(organization), organization)


def populate_full(organization) -> None:
    """``populate`` plus what the other dashboards read (period 2026-03-01 – 04-30,
    prior period 2025-12-30 – 2026-02-28):

    * payer P2; sources S1 (2 referrals now: RA → episode EA at North, RD at South with
      no episode) and S2 (2 referrals in the prior period, none now: going quiet);
    * EA: evaluation 03-10 (claim billed $200, 97161 with a $150 contract rate, paid $100
      → underpaid by $50; CO-45 $50; $20 copay collected that day by "Jo", $20 due) and
      a treatment 03-17 denied (CLP02 = 4, CO-197 $100, an open Denial of $100); both
      remitted 04-10; discharged 04-15 self-discharged, plan of care 10 visits;
    * EB at South: discharged 04-20 goals met, no visits, plan of care 6 visits;
    * North: a cancelled (03-16) and a no-show (03-23) appointment;
    * South's episode: booked 05-04 (so not at risk), plan of care 2 visits / week,
      authorization for P1 01-01 – 05-01 (the booking is past its end).
    """
    with tenant_context(organization.pk):
        b = Builder(organization)
        made = _populate(b, organization)
        north, south = made["clinics"]
        t1, t2 = made["clinicians"]
        north_episode, south_episode = made["episodes"]
        p1 = made["payer"]
        p2 = b.payer("P2")
        p2.name = "Medicare"
        p2.save()
        s1, s2 = b.source("S1"), b.source("S2")
        s1.name, s2.name = "Dr Adams", "Dr Baker"
        s1.save()
        s2.save()
        b.fee(p2, "97161", 150, D(2026, 1, 1))

        referral_a = b.referral(north, D(2026, 3, 5), source=s1, external_id="RA")
        b.referral(south, D(2026, 4, 2), source=s1, external_id="RD")
        b.referral(north, D(2026, 1, 15), source=s2, external_id="RB")
        b.referral(south, D(2026, 2, 10), source=s2, external_id="RC")
        episode_a = b.episode(
            north,
            referral=referral_a,
            payer=p2,
            start_date=D(2026, 3, 10),
            discharge_date=D(2026, 4, 15),
            discharge_reason="self_discharged",
            external_id="EA",
        )
        b.plan_of_care(episode_a, 10)
        b.eligibility(episode_a.patient, p2, 20)
        remittance = b.remittance(D(2026, 4, 10), payer=p2, file_sequence=3)
        evaluation = b.visit(episode_a, t1, D(2026, 3, 10), visit_type="evaluation")
        claim = b.claim(evaluation, p2, dec(200))
        line = b.charge(evaluation, "97161", 1, dec(200), claim=claim)
        payment = b.clp(remittance, claim, "1", dec(100))
        service = b.svc(payment, line, dec(100))
        b.cas(payment, "CO", "45", dec(50), service=service)
        copay = b.patient_payment(episode_a.patient, 20, D(2026, 3, 10), visit=evaluation)
        copay.collected_by = "Jo"
        copay.save()
        treatment = b.visit(episode_a, t1, D(2026, 3, 17))
        denied_claim = b.claim(treatment, p2, dec(100))
        denied_line = b.charge(treatment, "97110", 1, dec(100), claim=denied_claim)
        denied_payment = b.clp(remittance, denied_claim, "4", dec(0), sequence=2)
        denied_service = b.svc(denied_payment, denied_line, dec(0))
        b.cas(denied_payment, "CO", "197", dec(100), service=denied_service)
        Denial.objects.create(
            claim=denied_claim,
            claim_payment=denied_payment,
            service_payment=denied_service,
            group_code="CO",
            reason_code="197",
            root_cause="authorization",
            amount=Decimal("100.00"),
            status="open",
        )

        episode_b = b.episode(
            south,
            payer=p1,
            start_date=D(2026, 4, 1),
            discharge_date=D(2026, 4, 20),
            discharge_reason="goals_met",
            external_id="EB",
        )
        b.plan_of_care(episode_b, 6)

        b.appointment(north_episode, t1, D(2026, 3, 16), "cancelled")
        b.appointment(north_episode, t1, D(2026, 3, 23), "no_show")
        b.appointment(south_episode, t2, D(2026, 5, 4), "scheduled")
        poc = b.plan_of_care(south_episode, 20)
        poc.visits_per_week = Decimal("2")
        poc.cert_end = D(2026, 6, 30)
        poc.save()
        Authorization.objects.create(
            external_id="AU1",
            patient=south_episode.patient,
            payer=p1,
            visits_authorized=10,
            start_date=D(2026, 1, 1),
            end_date=D(2026, 5, 1),
            episode=south_episode,
        )


@pytest.fixture
def group(org):
    populate(org)
    return org


@pytest.fixture
def full_group(org):
    populate_full(org)
    return org
