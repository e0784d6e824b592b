"""A/R as of 2026-03-31: claim and patient balances, aging, credits, days in A/R."""

from __future__ import annotations

import pytest

from tests.metrics.builders import D

MARCH = (D(2026, 3, 1), D(2026, 3, 31))


@pytest.fixture
def receivables_world(build):
    with build() as b:
        clinic = b.clinic("C1")
        payer = b.payer("P1")
        t = b.clinician("T1", clinic)
        episode = b.episode(clinic, payer=payer)
        patient = episode.patient

        def billed(day, amount):
            visit = b.visit(episode, t, day)
            claim = b.claim(visit, payer, amount)
            b.charge(visit, "97110", 1, amount, claim=claim)
            return visit, claim

        # KA, DOS 03-20 (11 days): no remittance → 100 open.
        billed(D(2026, 3, 20), "100.00")
        # KB, DOS 02-15 (44 days): paid 120, CO-45 50, PR-2 30 → claim 0; the patient
        # owes 30 and paid 10 → patient balance 20.
        vb, kb = billed(D(2026, 2, 15), "200.00")
        cp = b.clp(b.remittance(D(2026, 3, 10)), kb, "1", "120.00")
        b.cas(cp, "CO", "45", "50.00")
        b.cas(cp, "PR", "2", "30.00")
        b.patient_payment(patient, "10.00", D(2026, 3, 12), "coinsurance", visit=vb)
        # KC, DOS 01-05 (85 days): paid 100, CO-45 30, PR-3 20, then reversed on 03-15
        # (all amounts negative) → claim 150 open again; the copay of 20 paid at the desk
        # is now a credit: patient balance 0 − 20 = −20. Re-paid on 04-05: after D.
        vc, kc = billed(D(2026, 1, 5), "150.00")
        cp = b.clp(b.remittance(D(2026, 2, 1)), kc, "1", "100.00")
        b.cas(cp, "CO", "45", "30.00")
        b.cas(cp, "PR", "3", "20.00")
        cp = b.clp(b.remittance(D(2026, 3, 15)), kc, "22", "-100.00")
        b.cas(cp, "CO", "45", "-30.00")
        b.cas(cp, "PR", "3", "-20.00")
        b.clp(b.remittance(D(2026, 4, 5)), kc, "1", "100.00")
        b.patient_payment(patient, "20.00", D(2026, 1, 5), "copay", visit=vc)
        # KD, DOS 2025-12-01 (120 days): 80 open.
        billed(D(2025, 12, 1), "80.00")
        # KE, DOS 2025-11-30 (121 days): paid only on 04-01, after D → 60 open.
        _, ke = billed(D(2025, 11, 30), "60.00")
        b.clp(b.remittance(D(2026, 4, 1)), ke, "1", "60.00")
        # A self-pay visit on 2026-01-01 (D − 89): no claim, no A/R; its $50 charge is
        # in the days-in-A/R window.
        self_pay = b.visit(episode, t, D(2026, 1, 1))
        b.charge(self_pay, "97110", 1, "50.00")
        b.patient_payment(patient, "50.00", D(2026, 1, 1), "self_pay", visit=self_pay)
        # A claim with DOS after D: no A/R as of D.
        billed(D(2026, 4, 2), "70.00")


@pytest.mark.django_db
def test_ar_aging_and_credits(receivables_world, run):
    aging = run(*MARCH)["metrics"]["ar_aging"]
    # KA 100 + KB (0 + 20) + KC (150 − 20) + KD 80 + KE 60 = 390
    assert aging["value"] == "390.00"
    assert aging["buckets"] == {
        "0-30": "100.00",  # KA
        "31-60": "20.00",  # KB's patient balance
        "61-90": "130.00",  # KC 150 and its −20 credit
        "91-120": "80.00",  # KD (120 days)
        "120+": "60.00",  # KE (121 days)
    }
    assert aging["claim_balances"] == "390.00"
    assert aging["patient_balances"] == "0.00"  # 20 − 20
    assert aging["patient_credit_balances"] == {"count": 1, "amount": "-20.00"}


@pytest.mark.django_db
def test_days_in_ar(receivables_world, run):
    days = run(*MARCH)["metrics"]["days_in_ar"]
    # gross charges with DOS in [2026-01-01, 2026-03-31]: 100 + 200 + 150 + 50 = 500
    # 390 / (500 / 90) = 70.2
    assert days["value"] == 70.2
    assert days["numerator"] == "390.00"
    assert days["denominator"] == "5.555556"
    assert days["gross_charges_90_days"] == "500.00"


@pytest.mark.django_db
def test_ar_as_of_an_earlier_date(receivables_world, run):
    # As of 2026-02-28: KA and the April claim do not exist yet (DOS after D); KB has no
    # remittance (200, 13 days); KC is paid (0) and its patient balance 20 − 20 = 0;
    # KD 80 (89 days), KE 60 (90 days).
    aging = run(D(2026, 2, 1), D(2026, 2, 28))["metrics"]["ar_aging"]
    assert aging["value"] == "340.00"
    assert aging["buckets"] == {
        "0-30": "200.00",
        "31-60": "0.00",
        "61-90": "140.00",
        "91-120": "0.00",
        "120+": "0.00",
    }
    assert aging["patient_credit_balances"] == {"count": 0, "amount": "0.00"}
