"""Visits and money, hand-computed: February 2026, one clinic, one patient."""

from __future__ import annotations

import pytest

from tests.metrics.builders import D

FEB = (D(2026, 2, 1), D(2026, 2, 28))


@pytest.fixture
def visits_world(build):
    with build() as b:
        clinic = b.clinic("C1")
        payer = b.payer("P1")
        therapist = b.clinician("T1", clinic)
        patient = b.patient("A")
        episode = b.episode(clinic, patient=patient, payer=payer)
        # Eligibility in force all year: copay $20. An inactive row ($50) never counts.
        b.eligibility(patient, payer, "20.00", start=D(2026, 1, 1), end=D(2026, 12, 31))
        b.eligibility(patient, payer, "50.00", active=False)

        r1 = b.remittance(D(2026, 2, 20))
        r2 = b.remittance(D(2026, 2, 25))

        # V1 (02-03): 97110 × 2 $80 + 97140 × 1 $40; paid 50 + 20 = 70, then a reversal
        # (CLP02 = 22, negative amounts) and the corrected payment 55 + 20 = 75.
        v1 = b.visit(episode, therapist, D(2026, 2, 3))
        k1 = b.claim(v1, payer, "120.00")
        l1 = b.charge(v1, "97110", 2, "80.00", claim=k1)
        l2 = b.charge(v1, "97140", 1, "40.00", claim=k1)
        first = b.clp(r1, k1, "1", "70.00")
        b.svc(first, l1, "50.00")
        b.svc(first, l2, "20.00")
        reversal = b.clp(r2, k1, "22", "-70.00", sequence=1)
        b.svc(reversal, l1, "-50.00")
        b.svc(reversal, l2, "-20.00")
        corrected = b.clp(r2, k1, "1", "75.00", sequence=2)
        b.svc(corrected, l1, "55.00")
        b.svc(corrected, l2, "20.00")
        # Copay $20 at the desk on the DOS, $5 refunded later (a refund counts negative).
        b.patient_payment(patient, "20.00", D(2026, 2, 3), "copay", visit=v1)
        b.patient_payment(patient, "5.00", D(2026, 3, 1), "refund", visit=v1)

        # V2 (02-10): a CLP with no SVC counts its CLP04 (30) against the claim's visit.
        v2 = b.visit(episode, therapist, D(2026, 2, 10))
        k2 = b.claim(v2, payer, "40.00")
        b.charge(v2, "97110", 1, "40.00", claim=k2)
        b.clp(r1, k2, "1", "30.00")
        # A copay collected the day after the DOS: patient paid, not "at time of service".
        b.patient_payment(patient, "10.00", D(2026, 2, 11), "copay", visit=v2)

        # V3 (02-15): only a $0 line, so not billable; self-pay $25.
        v3 = b.visit(episode, therapist, D(2026, 2, 15))
        b.charge(v3, "97750", 1, "0.00")
        b.patient_payment(patient, "25.00", D(2026, 2, 15), "self_pay", visit=v3)

        # V4 (02-20): billed, no remittance yet.
        v4 = b.visit(episode, therapist, D(2026, 2, 20))
        k4 = b.claim(v4, payer, "40.00")
        b.charge(v4, "97110", 1, "40.00", claim=k4)

        # V6 (02-27): paid after the period (03-05): "to date" money still counts it.
        v6 = b.visit(episode, therapist, D(2026, 2, 27))
        k6 = b.claim(v6, payer, "30.00")
        l6 = b.charge(v6, "97110", 1, "30.00", claim=k6)
        b.svc(b.clp(b.remittance(D(2026, 3, 5)), k6, "1", "20.00"), l6, "20.00")

        # Outside the selection: a January visit, an unmatched payment, a payment
        # with no visit.
        v5 = b.visit(episode, therapist, D(2026, 1, 30))
        b.charge(v5, "97110", 1, "100.00")
        b.patient_payment(patient, "50.00", D(2026, 1, 30), "copay", visit=v5)
        b.clp(r1, None, "1", "999.00", pcn="NO-SUCH-CLAIM")
        b.patient_payment(patient, "60.00", D(2026, 2, 12), "prepayment")


@pytest.mark.django_db
def test_visit_and_money_metrics(visits_world, run):
    metrics = run(*FEB)["metrics"]

    # V1, V2, V3, V4, V6 (V5 is in January).
    assert metrics["visits"] == {"value": 5}
    # V3's only line is $0.
    assert metrics["billable_visits"] == {"value": 4}
    # units of billable visits: V1 2 + 1, V2 1, V4 1, V6 1 = 6; 6 / 4 = 1.5
    assert metrics["units_per_visit"] == {"value": 1.5, "numerator": 6, "denominator": 4}
    # 120 + 40 + 0 + 40 + 30
    assert metrics["gross_charges"] == {"value": "230.00"}
    # V1 70 − 70 + 75 = 75; V2 30 (CLP without SVC); V4 0; V6 20; the unmatched 999 is out
    assert metrics["insurance_paid"] == {"value": "125.00"}
    # V1 20 − 5 (refund); V2 10; V3 25; the $60 with no visit and January's $50 are out
    assert metrics["patient_paid"] == {"value": "50.00"}
    # 125 + 50
    assert metrics["net_collected_revenue"] == {"value": "175.00"}


@pytest.mark.django_db
def test_ncrpv_and_maturity(visits_world, run):
    ncrpv = run(*FEB)["metrics"]["ncrpv"]
    # billable visits only: V1 75 + 15, V2 30 + 10, V4 0, V6 20 = 150; 150 / 4 = 37.5
    assert ncrpv["numerator"] == "150.00"
    assert ncrpv["denominator"] == 4
    assert ncrpv["value"] == 37.5
    # billable visits with a claim: V1, V2, V4, V6 = 4; with a remittance: V1, V2, V6 = 3
    assert ncrpv["maturity"] == {"value": 0.75, "numerator": 3, "denominator": 4}


@pytest.mark.django_db
def test_copay_collected_at_time_of_service(visits_world, run):
    copay = run(*FEB)["metrics"]["copay_collected_at_tos"]
    # collected on the DOS: V1's $20 only (V2's copay came a day late)
    # due: 5 visits × the $20 copay of the active eligibility row = 100; 20 / 100 = 0.2
    assert copay == {"value": 0.2, "numerator": "20.00", "denominator": "100.00"}
