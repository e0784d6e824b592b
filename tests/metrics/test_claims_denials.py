"""First adjudication, denials, clean claims, root causes and PLB (February 2026)."""

from __future__ import annotations

import pytest

from tests.metrics.builders import D

FEB = (D(2026, 2, 1), D(2026, 2, 28))


@pytest.fixture
def claims_world(build):
    with build() as b:
        clinic = b.clinic("C1")
        payer = b.payer("P1")
        t = b.clinician("T1", clinic)
        episode = b.episode(clinic, payer=payer)

        def claim():
            visit = b.visit(episode, t, D(2026, 1, 20))
            claim = b.claim(visit, payer, "100.00")
            return claim, b.charge(visit, "97110", 1, "100.00", claim=claim)

        # K1 (02-05): paid 80, CO-45 20 → clean. Its remittance carries PLB interest −2.50.
        k1, line = claim()
        r = b.remittance(D(2026, 2, 5))
        b.plb(r, "-2.50", "L6")
        cp = b.clp(r, k1, "1", "80.00")
        b.cas(cp, "CO", "45", "20.00", service=b.svc(cp, line, "80.00"))
        # K2: first adjudicated in January → not counted (its February CLP is not first).
        k2, _ = claim()
        b.clp(b.remittance(D(2026, 1, 28)), k2, "1", "50.00")
        b.clp(b.remittance(D(2026, 2, 10)), k2, "1", "10.00")
        # K3 (02-12): CLP02 = 4 with claim-level CO-197 → denied, authorization.
        # Its remittance carries a PLB of 10.00.
        k3, _ = claim()
        r = b.remittance(D(2026, 2, 12))
        b.plb(r, "10.00", "WO")
        b.cas(b.clp(r, k3, "4", "0.00"), "CO", "197", "100.00")
        # K4 (02-14): paid 0 only because of the deductible (PR-1) → not denied, clean.
        k4, _ = claim()
        cp = b.clp(b.remittance(D(2026, 2, 14)), k4, "1", "0.00")
        b.cas(cp, "PR", "1", "80.00")
        b.cas(cp, "CO", "45", "20.00")
        # K5 (02-16): paid 0, line-level CO-50 60 and CO-16 40 → denied, the largest:
        # medical_necessity.
        k5, line = claim()
        cp = b.clp(b.remittance(D(2026, 2, 16)), k5, "1", "0.00")
        service = b.svc(cp, line, "0.00")
        b.cas(cp, "CO", "16", "40.00", service=service)
        b.cas(cp, "CO", "50", "60.00", service=service)
        # K6 (02-18): paid 60 on one line, the other line denied (CO-236) → not a denied
        # claim, but not clean.
        k6, line = claim()
        second_line = b.charge(line.visit, "97140", 1, "40.00", claim=k6)
        cp = b.clp(b.remittance(D(2026, 2, 18)), k6, "1", "60.00")
        b.svc(cp, line, "60.00")
        b.cas(cp, "CO", "236", "40.00", service=b.svc(cp, second_line, "0.00"))
        # K7 (02-20, two transactions of one file): file order decides. The paid one
        # (file_sequence 1) is stored second; the denial (file_sequence 2) first.
        k7, _ = claim()
        b.cas(
            b.clp(b.remittance(D(2026, 2, 20), file_sequence=2), k7, "4", "0.00"),
            "CO",
            "29",
            "100.00",
        )
        b.clp(b.remittance(D(2026, 2, 20), file_sequence=1), k7, "1", "30.00")
        # K8 (02-22): denied with a CARC not in the table → other.
        k8, _ = claim()
        b.cas(b.clp(b.remittance(D(2026, 2, 22)), k8, "4", "0.00"), "CO", "242", "100.00")
        # K10 (02-23): paid 0 with OA-23 → denied, coordination_of_benefits.
        k10, _ = claim()
        b.cas(b.clp(b.remittance(D(2026, 2, 23)), k10, "1", "0.00"), "OA", "23", "100.00")
        # K11 (02-24): paid 0 with CO-45 only → CARC 45 never denies → clean.
        k11, _ = claim()
        b.cas(b.clp(b.remittance(D(2026, 2, 24)), k11, "1", "0.00"), "CO", "45", "100.00")
        # K12 (02-26): paid 90 → clean.
        k12, _ = claim()
        b.clp(b.remittance(D(2026, 2, 26)), k12, "1", "90.00")
        # K9 (03-01): after the period; its PLB too. An earlier PLB (01-28 file) is out.
        k9, _ = claim()
        r = b.remittance(D(2026, 3, 1))
        b.plb(r, "7.00", "WO")
        b.clp(r, k9, "4", "0.00")
        b.plb(b.remittance(D(2026, 1, 28)), "3.00", "WO")


@pytest.mark.django_db
def test_first_adjudication_denials_and_clean_claims(claims_world, run):
    metrics = run(*FEB)["metrics"]
    # K1, K3, K4, K5, K6, K7, K8, K10, K11, K12
    assert metrics["claims_first_adjudicated"] == {"value": 10}
    # K3, K5, K8, K10 (K7's denial is not its first adjudication)
    assert metrics["denied_claims"] == {"value": 4}
    assert metrics["denial_rate"] == {"value": 0.4, "numerator": 4, "denominator": 10}
    # not denied and no denied line: K1, K4, K7, K11, K12 (K6 has a denied line)
    assert metrics["clean_claim_rate"] == {"value": 0.5, "numerator": 5, "denominator": 10}
    assert metrics["denials_by_root_cause"] == {
        "value": 4,
        "counts": {
            "eligibility": 0,
            "authorization": 1,  # K3 CO-197
            "coding": 0,
            "medical_necessity": 1,  # K5 CO-50 (60 > CO-16 40)
            "timely_filing": 0,
            "duplicate": 0,
            "coordination_of_benefits": 1,  # K10 OA-23
            "credentialing": 0,
            "other": 1,  # K8 CO-242, not in carc-categories.csv
        },
    }


@pytest.mark.django_db
def test_provider_level_adjustments(claims_world, run):
    # PLBs of remittances paid in February: −2.50 (interest) + 10.00 = 7.50
    assert run(*FEB)["metrics"]["plb_total"] == {"value": "7.50"}
    # organization level only: a clinic filter makes it not applicable
    filtered = run(*FEB, clinics=["C1"])["metrics"]["plb_total"]
    assert filtered["value"] is None
    assert "organization level" in filtered["not_applicable"]
