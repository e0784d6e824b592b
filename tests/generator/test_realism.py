"""The year-long data set looks like a real PT group: volumes, mix, schedule, money."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.generator.conftest import read_rows


def test_each_clinic_sees_8000_to_14000_visits_a_year(year_bundle):
    appointments = {row["appointment_id"]: row for row in read_rows(year_bundle, "appointments")}
    per_clinic = Counter(
        appointments[row["appointment_id"]]["clinic_id"] for row in read_rows(year_bundle, "visits")
    )
    assert len(per_clinic) == 3
    for clinic, visits in per_clinic.items():
        assert 8000 <= visits <= 14000, (clinic, visits)


def test_clinics_staff_and_time_zones(year_bundle):
    clinics = read_rows(year_bundle, "clinics")
    assert len({row["timezone"] for row in clinics}) == 3
    clinicians = read_rows(year_bundle, "clinicians")
    by_clinic = defaultdict(Counter)
    for row in clinicians:
        by_clinic[row["clinic_id"]][row["credential"]] += 1
    for counts in by_clinic.values():
        assert counts["PT"] >= 2 and counts["PTA"] >= 1
    capacity = read_rows(year_bundle, "schedule_capacity")
    minutes = Counter(int(row["available_minutes"]) for row in capacity)
    assert len(minutes) > 3  # full days, long days, part-time days
    assert max(row["date"] for row in capacity) >= "2025-07-28"  # booked weeks ahead


def test_payers_and_fee_schedules(year_bundle):
    payers = read_rows(year_bundle, "payers")
    assert {row["type"] for row in payers} == {
        "medicare",
        "medicare_advantage",
        "medicaid",
        "commercial",
        "workers_comp",
        "auto",
        "self_pay",
        "other",
    }
    assert {row["unit_rule"] for row in payers} == {"cms_8_minute", "substantial_portion"}
    assert {row["requires_auth"] for row in payers} == {"true", "false"}
    codes = [row["payer_code"] for row in payers if row["type"] != "self_pay"]
    assert all(codes) and len(codes) == len(set(codes))
    medicare = {row["payer_id"] for row in payers if row["type"] == "medicare"}
    fees = read_rows(year_bundle, "fee_schedules")
    for row in fees:
        if (
            row["payer_id"] in medicare
            and row["cpt_code"] == "97110"
            and row["effective_from"].startswith("2025")
        ):
            assert abs(Decimal(row["allowed_amount"]) - Decimal("28.79")) < Decimal("2.90")
    periods: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in fees:
        periods[row["payer_id"]].add((row["effective_from"], row["effective_to"]))
    for payer_id, spans in periods.items():
        ordered = sorted(spans)
        assert len(ordered) >= 2, payer_id  # a yearly update inside a year of data
        assert ordered[-1][1] == ""  # the current rates are open-ended
        for (_, end), (start, _) in zip(ordered, ordered[1:], strict=False):
            assert end < start  # effective ranges do not overlap


def test_care_paths_look_like_physical_therapy(year_bundle):
    episodes = read_rows(year_bundle, "episodes")
    reasons = Counter(row["discharge_reason"] for row in episodes)
    assert reasons[""] > 0  # open episodes at the export
    assert {"goals_met", "plan_completed", "self_discharged", "no_show_discharge"} <= set(reasons)
    visits = Counter(row["episode_id"] for row in read_rows(year_bundle, "visits"))
    discharged = [
        row for row in episodes if row["discharge_date"] and row["start_date"] >= "2024-08-01"
    ]
    per_episode = sum(visits[row["episode_id"]] for row in discharged) / len(discharged)
    assert 6 <= per_episode <= 11, per_episode
    referrals = Counter(row["status"] for row in read_rows(year_bundle, "referrals"))
    assert referrals["declined"] and referrals["lost"] and referrals["evaluated"]
    plans = read_rows(year_bundle, "plans_of_care")
    for plan in plans:
        days = (
            datetime.fromisoformat(plan["cert_end"]) - datetime.fromisoformat(plan["cert_start"])
        ).days + 1
        assert days <= 90
        assert 1 <= int(plan["visits_per_week"]) <= 3
    assert len(plans) > len(episodes)  # recertifications
    appointments = read_rows(year_bundle, "appointments")
    statuses = Counter(row["status"] for row in appointments)
    attended = statuses["completed"] + statuses["arrived"]
    arrival = attended / (
        attended + statuses["cancelled"] + statuses["late_cancel"] + statuses["no_show"]
    )
    assert 0.8 <= arrival <= 0.95, arrival
    future = [row for row in appointments if row["status"] == "scheduled"]
    assert max(row["starts_at"][:10] for row in future) >= "2025-07-28"


def test_timestamps_need_the_clinic_time_zone(year_bundle):
    """Some clinics stamp UTC, so an evening visit's UTC date is the next day."""
    zones = {
        row["clinic_id"]: ZoneInfo(row["timezone"]) for row in read_rows(year_bundle, "clinics")
    }
    utc_stamped = local_stamped = crosses = 0
    for row in read_rows(year_bundle, "appointments"):
        stamp = row["starts_at"]
        if stamp.endswith("Z"):
            utc_stamped += 1
            moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            if moment.astimezone(zones[row["clinic_id"]]).date() != moment.date():
                crosses += 1
        else:
            local_stamped += 1
    assert utc_stamped and local_stamped and crosses


def test_patient_money(year_bundle):
    payments = read_rows(year_bundle, "patient_payments")
    kinds = Counter(row["kind"] for row in payments)
    assert {"copay", "coinsurance", "deductible", "self_pay", "refund"} <= set(kinds)
    assert all(Decimal(row["amount"]) > 0 for row in payments)
    visits = {row["visit_id"]: row for row in read_rows(year_bundle, "visits")}
    zones = {
        row["clinic_id"]: ZoneInfo(row["timezone"]) for row in read_rows(year_bundle, "clinics")
    }
    clinic_of = {
        row["clinician_id"]: row["clinic_id"] for row in read_rows(year_bundle, "clinicians")
    }
    at_desk = later = 0
    for row in payments:
        if row["kind"] != "copay":
            continue
        visit = visits[row["visit_id"]]
        moment = datetime.fromisoformat(row["collected_at"].replace("Z", "+00:00"))
        local = moment.astimezone(zones[clinic_of[visit["clinician_id"]]]).date().isoformat()
        if local == visit["date_of_service"]:
            at_desk += 1
        else:
            later += 1
    assert at_desk > 5 * later > 0
    eligibility = read_rows(year_bundle, "eligibility")
    assert any(row["copay_amount"] for row in eligibility)
    assert any(row["active"] == "false" for row in eligibility)
    authorizations = read_rows(year_bundle, "authorizations")
    assert authorizations and any(row["units_authorized"] for row in authorizations)
