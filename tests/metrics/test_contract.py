"""Expected allowed, payer yield and underpaid lines, hand-computed (February 2026)."""

from __future__ import annotations

import pytest

from tests.metrics.builders import D

FEB = (D(2026, 2, 1), D(2026, 2, 28))


@pytest.fixture
def contract_world(build):
    with build() as b:
        clinic = b.clinic("C1")
        payer = b.payer("P1")
        therapist = b.clinician("T1", clinic)
        b.fee(payer, "97110", "30.00", D(2026, 1, 1))
        b.fee(payer, "97530", "40.00", D(2026, 1, 1))
        b.fee(payer, "97140", "25.00", D(2025, 1, 1), D(2025, 12, 31))  # expired in 2026
        episode = b.episode(clinic, payer=payer)
        visit = b.visit(episode, therapist, D(2026, 2, 5))
        claim = b.claim(visit, payer, "500.00")
        line = {
            # L1: 30 × 2 = 60 expected; paid 45 + PR 10 = 55 → underpaid by 5
            "L1": b.charge(visit, "97110", 2, "100.00", claim=claim),
            # L2: 30 × 0.85 (CQ) = 25.50; paid 20 + PR 5 + CO-253 0.50 = 25.50 → fine
            "L2": b.charge(visit, "97110", 1, "50.00", claim=claim, modifiers=["GP", "CQ"]),
            # L3: no rate in force on the DOS → lines_no_contract_rate
            "L3": b.charge(visit, "97140", 1, "50.00", claim=claim),
            # L4: 40 expected; denied CO-197 → in the yield with 0, lines_denied
            "L4": b.charge(visit, "97530", 1, "60.00", claim=claim),
            # L5: 40 × 0.85 = 34; denied CO-50, reversed (nets 0), then paid 34 → fine
            "L5": b.charge(visit, "97530", 1, "60.00", claim=claim, modifiers=["CQ"]),
            # L6: 30 expected, not adjudicated yet: expected allowed only
            "L6": b.charge(visit, "97110", 1, "50.00", claim=claim),
            # L7: not on a claim: nowhere
            "L7": b.charge(visit, "97110", 1, "50.00"),
            # L8: 40 expected; paid 28 + PR 7 + CO-59 5 (multiple procedure) = 40 → fine
            "L8": b.charge(visit, "97530", 1, "60.00", claim=claim),
        }
        first = b.clp(b.remittance(D(2026, 2, 20)), claim, "1", "113.00")
        s1 = b.svc(first, line["L1"], "45.00")
        b.cas(first, "PR", "2", "10.00", service=s1)
        b.cas(first, "CO", "45", "45.00", service=s1)
        s2 = b.svc(first, line["L2"], "20.00")
        b.cas(first, "PR", "2", "5.00", service=s2)
        b.cas(first, "CO", "253", "0.50", service=s2)
        b.cas(first, "CO", "45", "24.50", service=s2)
        b.svc(first, line["L3"], "20.00")
        s4 = b.svc(first, line["L4"], "0.00")
        b.cas(first, "CO", "197", "60.00", service=s4)
        s5 = b.svc(first, line["L5"], "0.00")
        b.cas(first, "CO", "50", "34.00", service=s5)
        s8 = b.svc(first, line["L8"], "28.00")
        b.cas(first, "PR", "2", "7.00", service=s8)
        b.cas(first, "CO", "59", "5.00", service=s8)
        b.cas(first, "CO", "45", "20.00", service=s8)
        # The appeal of L5: a reversal CLP (negative CO-50) and the corrected payment.
        later = b.remittance(D(2026, 3, 10))
        reversal = b.clp(later, claim, "22", "0.00", sequence=1)
        b.cas(reversal, "CO", "50", "-34.00", service=b.svc(reversal, line["L5"], "0.00"))
        corrected = b.clp(later, claim, "1", "34.00", sequence=2)
        b.svc(corrected, line["L5"], "34.00")
        # A March line is outside the period.
        march = b.visit(episode, therapist, D(2026, 3, 2))
        b.charge(march, "97110", 1, "50.00", claim=b.claim(march, payer, "50.00"))


@pytest.mark.django_db
def test_expected_allowed(contract_world, run):
    metrics = run(*FEB)["metrics"]
    # L1 60 + L2 25.50 + L4 40 + L5 34 + L6 30 + L8 40 = 229.50; L3 has no rate
    assert metrics["expected_allowed"] == {"value": "229.50", "lines_no_contract_rate": 1}


@pytest.mark.django_db
def test_payer_yield_and_underpaid_lines(contract_world, run):
    metrics = run(*FEB)["metrics"]
    # adjudicated lines with a rate: L1, L2, L4, L5, L8
    # received (net paid + net PR): 55 + 25 + 0 + 34 + 35 = 149
    # expected: 60 + 25.50 + 40 + 34 + 40 = 199.50; 149 / 199.5 = 0.746867
    assert metrics["payer_yield"] == {
        "value": 0.746867,
        "numerator": "149.00",
        "denominator": "199.50",
        "lines_denied": 1,  # L4 (L5's CO-50 nets to 0 and it was paid)
        "lines_adjudicated": 5,
    }
    # L1 only: 55 < 60 − 0.01; L2 and L8 are explained by CARC 253 and 59
    assert metrics["underpaid_lines"] == {"value": 1, "amount": "5.00"}
