"""Schedule metrics, by the clinic's local date (America/Denver, UTC−7 in winter)."""

from __future__ import annotations

import datetime

import pytest

from tests.metrics.builders import D

FEB = (D(2026, 2, 1), D(2026, 2, 28))
UTC = datetime.UTC


@pytest.fixture
def schedule_world(build):
    with build() as b:
        clinic = b.clinic("C1", "America/Denver")
        therapist = b.clinician("T1", clinic)
        episode = b.episode(clinic)
        for day, status, minutes in [
            (D(2026, 2, 2), "completed", 60),
            (D(2026, 2, 3), "arrived", 45),
            (D(2026, 2, 4), "cancelled", 45),
            (D(2026, 2, 5), "late_cancel", 45),
            (D(2026, 2, 6), "no_show", 45),
            (D(2026, 2, 7), "rescheduled", 45),  # excluded from every denominator
            (D(2026, 2, 8), "scheduled", 45),  # excluded too
        ]:
            b.appointment(episode, therapist, day, status, minutes=minutes)
        # 2026-03-01T02:00Z is 2026-02-28 19:00 in Denver: February.
        b.appointment(episode, therapist, datetime.datetime(2026, 3, 1, 2, tzinfo=UTC), minutes=30)
        # 2026-02-01T05:00Z is 2026-01-31 22:00 in Denver: January.
        b.appointment(episode, therapist, datetime.datetime(2026, 2, 1, 5, tzinfo=UTC), minutes=60)
        b.capacity(therapist, clinic, D(2026, 2, 2), 480)
        b.capacity(therapist, clinic, D(2026, 2, 3), 480)
        b.capacity(therapist, clinic, D(2026, 3, 1), 480)


@pytest.mark.django_db
def test_schedule_metrics(schedule_world, run):
    metrics = run(*FEB)["metrics"]
    # attended: 02-02 (60), 02-03 (45), 02-28 local (30) = 135 min; capacity 480 + 480
    assert metrics["schedule_utilization"] == {
        "value": 0.140625,
        "numerator": 135,
        "denominator": 960,
    }
    # 3 attended, 1 cancelled, 1 late cancel, 1 no-show = 6
    assert metrics["arrival_rate"] == {"value": 0.5, "numerator": 3, "denominator": 6}
    assert metrics["cancellation_rate"] == {"value": 0.333333, "numerator": 2, "denominator": 6}
    assert metrics["no_show_rate"] == {"value": 0.166667, "numerator": 1, "denominator": 6}


@pytest.mark.django_db
def test_month_boundary_in_clinic_time_zone(schedule_world, run, build):
    with build() as b:
        from episodes.models import Appointment

        clinic = b.clinic("C1", "America/Denver")
        therapist = clinic.clinicians.get()
        episode = Appointment.objects.first().episode
        payer = b.payer("P1")
        b.eligibility(episode.patient, payer, "15.00")
        # A visit at 2026-03-01T02:00Z (Feb 28 in Denver), copay taken 30 minutes later:
        # both on the clinic's 2026-02-28.
        visit = b.visit(episode, therapist, datetime.datetime(2026, 3, 1, 2, tzinfo=UTC))
        b.patient_payment(
            episode.patient,
            "15.00",
            D(2026, 2, 28),
            "copay",
            visit=visit,
            collected_at=datetime.datetime(2026, 3, 1, 2, 30, tzinfo=UTC),
        )
    document = run(D(2026, 1, 1), D(2026, 3, 31), group_by="month")
    months = {group["group"]: group["metrics"] for group in document["groups"]}
    assert list(months) == ["2026-01", "2026-02", "2026-03"]
    # January: the 2026-02-01T05:00Z appointment, attended, no capacity that month
    assert months["2026-01"]["arrival_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert months["2026-01"]["schedule_utilization"]["value"] is None
    # February: the 6 above plus the visit's own (attended) appointment = 4 / 7
    assert months["2026-02"]["arrival_rate"] == {
        "value": 0.571429,
        "numerator": 4,
        "denominator": 7,
    }
    assert months["2026-02"]["visits"] == {"value": 1}
    # the copay counts at the time of service: collected_on = DOS = 2026-02-28 (local)
    assert months["2026-02"]["copay_collected_at_tos"] == {
        "value": 1.0,
        "numerator": "15.00",
        "denominator": "15.00",
    }
    # March: only capacity; no appointments → ratios null, utilization 0 / 480
    assert months["2026-03"]["arrival_rate"]["value"] is None
    assert months["2026-03"]["schedule_utilization"] == {
        "value": 0.0,
        "numerator": 0,
        "denominator": 480,
    }
