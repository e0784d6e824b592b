"""Episodes, referrals and at-risk episodes, hand-computed (February 2026)."""

from __future__ import annotations

import pytest

from tests.metrics.builders import D

FEB = (D(2026, 2, 1), D(2026, 2, 28))


@pytest.mark.django_db
def test_discharged_episodes(build, run):
    with build() as b:
        clinic = b.clinic("C1")
        t = b.clinician("T1", clinic)
        # E1: goals met on 02-10; 3 January + 2 February visits; plans of care 6 + 4
        e1 = b.episode(clinic, discharge_date=D(2026, 2, 10), discharge_reason="goals_met")
        for day in (5, 12, 19):
            b.visit(e1, t, D(2026, 1, day))
        for day in (2, 9):
            b.visit(e1, t, D(2026, 2, day))
        b.plan_of_care(e1, 6)
        b.plan_of_care(e1, 4)
        # E2: self-discharged on 02-20; 2 visits; plan of care 8
        e2 = b.episode(clinic, discharge_date=D(2026, 2, 20), discharge_reason="self_discharged")
        b.visit(e2, t, D(2026, 2, 3))
        b.visit(e2, t, D(2026, 2, 6))
        b.plan_of_care(e2, 8)
        # E3: referred out on 02-25; 3 visits; no plan of care
        e3 = b.episode(clinic, discharge_date=D(2026, 2, 25), discharge_reason="referred_out")
        for day in (10, 13, 17):
            b.visit(e3, t, D(2026, 2, day))
        # E4: discharged in March; E5: still open
        e4 = b.episode(clinic, discharge_date=D(2026, 3, 2), discharge_reason="goals_met")
        b.visit(e4, t, D(2026, 2, 11))
        b.plan_of_care(e4, 1)
        b.episode(clinic)

    metrics = run(*FEB)["metrics"]
    assert metrics["discharged_episodes"] == {"value": 3}
    # E1 only (goals_met)
    assert metrics["poc_completion_rate"] == {"value": 0.333333, "numerator": 1, "denominator": 3}
    # E2 only (self_discharged)
    assert metrics["drop_off_rate"] == {"value": 0.333333, "numerator": 1, "denominator": 3}
    # visits to date 5 + 2 + 3 = 10; planned 6 + 4 + 8 = 18; 10 / 18 = 0.555556
    assert metrics["visit_adherence"] == {"value": 0.555556, "numerator": 10, "denominator": 18}
    # 10 / 3 = 3.333333
    assert metrics["visits_per_episode"] == {
        "value": 3.333333,
        "numerator": 10,
        "denominator": 3,
    }


@pytest.mark.django_db
def test_referrals(build, run):
    with build() as b:
        clinic = b.clinic("C1")
        t = b.clinician("T1", clinic)
        # RF1 (02-02): evaluated 02-09 (attended), one more visit → converted, 2 visits
        rf1 = b.referral(clinic, D(2026, 2, 2))
        e1 = b.episode(clinic, referral=rf1)
        b.visit(e1, t, D(2026, 2, 9), visit_type="evaluation")
        b.visit(e1, t, D(2026, 2, 12))
        # RF2 (02-14): evaluation was a no-show → not converted, 0 visits
        rf2 = b.referral(clinic, D(2026, 2, 14))
        b.appointment(
            b.episode(clinic, referral=rf2), t, D(2026, 2, 16), "no_show", visit_type="evaluation"
        )
        # RF3 (02-27): no episode yet
        b.referral(clinic, D(2026, 2, 27))
        # RF5 (02-20): evaluated on 03-03, after the period: "to date" → converted, 1 visit
        rf5 = b.referral(clinic, D(2026, 2, 20))
        b.visit(b.episode(clinic, referral=rf5), t, D(2026, 3, 3), visit_type="evaluation")
        # RF4 (01-31): outside the period
        rf4 = b.referral(clinic, D(2026, 1, 31))
        b.visit(b.episode(clinic, referral=rf4), t, D(2026, 2, 3), visit_type="evaluation")

    metrics = run(*FEB)["metrics"]
    # RF1, RF2, RF3, RF5
    assert metrics["referrals_received"] == {"value": 4}
    # RF1 and RF5: 2 / 4
    assert metrics["referral_conversion"] == {"value": 0.5, "numerator": 2, "denominator": 4}
    # 2 + 0 + 0 + 1 = 3 visits; 3 / 4
    assert metrics["visits_per_referral"] == {"value": 0.75, "numerator": 3, "denominator": 4}


@pytest.mark.django_db
def test_at_risk_episodes_as_of_period_end(build, run):
    with build() as b:
        clinic = b.clinic("C1")
        t = b.clinician("T1", clinic)
        # D = 2026-02-28; the visit window is [02-22, 02-28].
        at_risk_1 = b.episode(clinic, external_id="EP-LAPSED")  # last visit 02-10
        b.visit(at_risk_1, t, D(2026, 2, 10))
        recent = b.episode(clinic, external_id="EP-RECENT")  # visit 02-24 → fine
        b.visit(recent, t, D(2026, 2, 24))
        booked = b.episode(clinic, external_id="EP-BOOKED")  # scheduled 03-02 → fine
        b.appointment(booked, t, D(2026, 3, 2), "scheduled")
        edge = b.episode(clinic, external_id="EP-EDGE")  # visit on D − 6 exactly → fine
        b.visit(edge, t, D(2026, 2, 22))
        # last visit D − 7, and the only scheduled appointment is ON D, not after → at risk
        at_risk_2 = b.episode(clinic, external_id="EP-STALLED")
        b.visit(at_risk_2, t, D(2026, 2, 21))
        b.appointment(at_risk_2, t, D(2026, 2, 28), "scheduled")
        # discharged episodes are never at risk
        done = b.episode(clinic, discharge_date=D(2026, 2, 1), discharge_reason="goals_met")
        b.visit(done, t, D(2026, 1, 20))

    at_risk = run(*FEB)["metrics"]["at_risk_episodes"]
    assert at_risk == {"value": 2, "episodes": ["EP-LAPSED", "EP-STALLED"]}
    # as of 02-20 instead: EP-RECENT (no visit yet), EP-EDGE and EP-STALLED have no
    # visit in [02-14, 02-20] — but EP-STALLED has a scheduled appointment after 02-20.
    earlier = run(*FEB, as_of=D(2026, 2, 20))["metrics"]["at_risk_episodes"]
    assert earlier == {"value": 3, "episodes": ["EP-EDGE", "EP-LAPSED", "EP-RECENT"]}
