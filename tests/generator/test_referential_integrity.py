"""Every reference in the bundle resolves to a row of the file it points to."""

from __future__ import annotations

from tests.generator.conftest import read_rows

REFERENCES = [
    # (file, column, referenced file, referenced id column, may be blank)
    ("clinicians", "clinic_id", "clinics", "clinic_id", False),
    ("fee_schedules", "payer_id", "payers", "payer_id", False),
    ("eligibility", "patient_id", "patients", "patient_id", False),
    ("eligibility", "payer_id", "payers", "payer_id", False),
    ("referrals", "patient_id", "patients", "patient_id", False),
    ("referrals", "clinic_id", "clinics", "clinic_id", False),
    ("referrals", "source_id", "referral_sources", "source_id", True),
    ("episodes", "patient_id", "patients", "patient_id", False),
    ("episodes", "clinic_id", "clinics", "clinic_id", False),
    ("episodes", "referral_id", "referrals", "referral_id", True),
    ("episodes", "primary_payer_id", "payers", "payer_id", True),
    ("episodes", "secondary_payer_id", "payers", "payer_id", True),
    ("plans_of_care", "episode_id", "episodes", "episode_id", False),
    ("authorizations", "patient_id", "patients", "patient_id", False),
    ("authorizations", "payer_id", "payers", "payer_id", False),
    ("authorizations", "episode_id", "episodes", "episode_id", True),
    ("schedule_capacity", "clinician_id", "clinicians", "clinician_id", False),
    ("schedule_capacity", "clinic_id", "clinics", "clinic_id", False),
    ("appointments", "patient_id", "patients", "patient_id", False),
    ("appointments", "clinic_id", "clinics", "clinic_id", False),
    ("appointments", "clinician_id", "clinicians", "clinician_id", False),
    ("appointments", "episode_id", "episodes", "episode_id", True),
    ("visits", "appointment_id", "appointments", "appointment_id", False),
    ("visits", "episode_id", "episodes", "episode_id", False),
    ("visits", "clinician_id", "clinicians", "clinician_id", False),
    ("claims", "visit_id", "visits", "visit_id", False),
    ("claims", "payer_id", "payers", "payer_id", False),
    ("charges", "visit_id", "visits", "visit_id", False),
    ("charges", "claim_id", "claims", "claim_id", True),
    ("patient_payments", "patient_id", "patients", "patient_id", False),
    ("patient_payments", "visit_id", "visits", "visit_id", True),
]


def test_every_reference_resolves(small_bundle):
    cache: dict[str, list[dict[str, str]]] = {}

    def rows(name: str) -> list[dict[str, str]]:
        if name not in cache:
            cache[name] = read_rows(small_bundle, name)
        return cache[name]

    for name, column, target, target_column, blank_allowed in REFERENCES:
        known = {row[target_column] for row in rows(target)}
        for row in rows(name):
            value = row[column]
            if value == "" and blank_allowed:
                continue
            assert value in known, f"{name}.{column}={value!r} not in {target}.{target_column}"


def test_rows_agree_across_files(small_bundle):
    """Joined rows tell one story: same patient, clinic and payer everywhere."""
    appointments = {row["appointment_id"]: row for row in read_rows(small_bundle, "appointments")}
    episodes = {row["episode_id"]: row for row in read_rows(small_bundle, "episodes")}
    visits = {row["visit_id"]: row for row in read_rows(small_bundle, "visits")}
    clinicians = {row["clinician_id"]: row for row in read_rows(small_bundle, "clinicians")}
    for visit in visits.values():
        appointment = appointments[visit["appointment_id"]]
        episode = episodes[visit["episode_id"]]
        assert appointment["status"] in ("completed", "arrived")
        assert appointment["episode_id"] == visit["episode_id"]
        assert appointment["clinician_id"] == visit["clinician_id"]
        assert appointment["patient_id"] == episode["patient_id"]
        assert clinicians[visit["clinician_id"]]["clinic_id"] == episode["clinic_id"]
        assert visit["date_of_service"] >= episode["start_date"]
        if episode["discharge_date"]:
            assert visit["date_of_service"] <= episode["discharge_date"]
    charges_by_claim: dict[str, int] = {}
    for charge in read_rows(small_bundle, "charges"):
        if charge["claim_id"]:
            cents = int(charge["charge_amount"].replace(".", ""))
            charges_by_claim[charge["claim_id"]] = (
                charges_by_claim.get(charge["claim_id"], 0) + cents
            )
    for claim in read_rows(small_bundle, "claims"):
        billed = int(claim["billed_amount"].replace(".", ""))
        if claim["payer_rank"] == "primary":
            assert charges_by_claim[claim["claim_id"]] == billed, claim
        episode = episodes[visits[claim["visit_id"]]["episode_id"]]
        expected_payer = (
            episode["primary_payer_id"]
            if claim["payer_rank"] == "primary"
            else episode["secondary_payer_id"]
        )
        assert claim["payer_id"] == expected_payer
        assert claim["submitted_on"] >= visits[claim["visit_id"]]["date_of_service"]


def test_nothing_happens_after_the_export_except_the_booked_schedule(small_bundle):
    end = "2025-06-30"
    for visit in read_rows(small_bundle, "visits"):
        assert visit["date_of_service"] <= end
    for claim in read_rows(small_bundle, "claims"):
        assert claim["submitted_on"] <= end
    for referral in read_rows(small_bundle, "referrals"):
        assert referral["received_on"] <= end
    for authorization in read_rows(small_bundle, "authorizations"):
        assert authorization["start_date"] <= end
    for appointment in read_rows(small_bundle, "appointments"):
        if appointment["starts_at"][:10] > "2025-07-01":
            assert appointment["status"] == "scheduled"


def test_appointment_status_changes_are_in_a_sensible_order(small_bundle):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    zones = {
        row["clinic_id"]: ZoneInfo(row["timezone"]) for row in read_rows(small_bundle, "clinics")
    }
    episodes = {row["episode_id"]: row for row in read_rows(small_bundle, "episodes")}
    for row in read_rows(small_bundle, "appointments"):
        start = datetime.fromisoformat(row["starts_at"].replace("Z", "+00:00"))
        changed = datetime.fromisoformat(row["status_changed_at"].replace("Z", "+00:00"))
        status = row["status"]
        if status in ("cancelled", "rescheduled", "scheduled"):
            assert changed < start, row
        elif status == "late_cancel":
            assert start - timedelta(hours=24) < changed < start, row
        elif status in ("completed", "no_show"):
            assert changed > start, row
        if row["episode_id"] and row["visit_type"] != "evaluation":
            local = changed.astimezone(zones[row["clinic_id"]]).date().isoformat()
            assert local >= episodes[row["episode_id"]]["start_date"], row
