"""Small EMR export bundles for the importer's tests, written as real CSV files."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

# One small but complete bundle: every file kind, with references across files, a
# clinic that already exists (C1, made by the conftest) and one that is new (C9).
SAMPLE: dict[str, list[dict[str, str]]] = {
    "clinics": [
        {"clinic_id": "C1", "name": "North", "state": "IL", "timezone": "America/Chicago"},
        {"clinic_id": "C9", "name": "West", "state": "CA", "timezone": "America/Los_Angeles"},
    ],
    "clinicians": [
        {
            "clinician_id": "T1",
            "clinic_id": "C1",
            "name": "Ann Lee",
            "npi": "1234567890",
            "credential": "PT",
            "active": "true",
        },
        {
            "clinician_id": "T2",
            "clinic_id": "C9",
            "name": "Bo Chen",
            "npi": "",
            "credential": "PTA",
            "active": "TRUE",
        },
    ],
    "payers": [
        {
            "payer_id": "P1",
            "name": "Medicare",
            "type": "medicare",
            "unit_rule": "",
            "requires_auth": "false",
            "payer_code": "04412",
        },
        {
            "payer_id": "P2",
            "name": "Acme Health",
            "type": "commercial",
            "unit_rule": "substantial_portion",
            "requires_auth": "true",
            "payer_code": "ACME",
        },
    ],
    "fee_schedules": [
        {
            "payer_id": "P1",
            "cpt_code": "97110",
            "allowed_amount": "31.50",
            "effective_from": "2026-01-01",
            "effective_to": "",
            "modifier": "",
        },
        {
            "payer_id": "P1",
            "cpt_code": "97110",
            "allowed_amount": "26.78",
            "effective_from": "2026-01-01",
            "effective_to": "",
            "modifier": "CQ",
        },
        {
            "payer_id": "P2",
            "cpt_code": "97161",
            "allowed_amount": "120",
            "effective_from": "2026-01-01",
            "effective_to": "2026-12-31",
            "modifier": "",
        },
    ],
    "referral_sources": [
        {
            "source_id": "S1",
            "name": "Dr. Ortho",
            "kind": "physician",
            "npi": "1112223334",
            "practice": "Bone & Joint",
        },
    ],
    "patients": [
        {
            "patient_id": "PT1",
            "first_name": "Ada",
            "last_name": "Byron",
            "birth_date": "1960-12-10",
            "sex": "F",
            "zip": "60601",
        },
        {
            "patient_id": "PT2",
            "first_name": "Cy",
            "last_name": "Young",
            "birth_date": "1985-02-28",
            "sex": "",
            "zip": "",
        },
    ],
    "eligibility": [
        {
            "eligibility_id": "E1",
            "patient_id": "PT1",
            "payer_id": "P1",
            "checked_on": "2026-01-02",
            "active": "true",
            "copay_amount": "20.00",
            "coinsurance_percent": "20",
            "deductible_remaining": "0.00",
            "visit_limit": "",
            "visits_used": "",
            "effective_from": "2026-01-01",
            "effective_to": "",
        },
    ],
    "referrals": [
        {
            "referral_id": "R1",
            "patient_id": "PT1",
            "clinic_id": "C1",
            "received_on": "2026-01-02",
            "source_id": "S1",
            "diagnosis_codes": "M54.5;m25.561",
            "status": "evaluated",
        },
    ],
    "episodes": [
        {
            "episode_id": "EP1",
            "patient_id": "PT1",
            "clinic_id": "C1",
            "start_date": "2026-01-05",
            "referral_id": "R1",
            "primary_payer_id": "P1",
            "secondary_payer_id": "",
            "discharge_date": "",
            "discharge_reason": "",
        },
        {
            "episode_id": "EP2",
            "patient_id": "PT2",
            "clinic_id": "C9",
            "start_date": "2026-01-05",
            "referral_id": "",
            "primary_payer_id": "P2",
            "secondary_payer_id": "",
            "discharge_date": "2026-02-20",
            "discharge_reason": "goals_met",
        },
    ],
    "plans_of_care": [
        {
            "poc_id": "POC1",
            "episode_id": "EP1",
            "cert_start": "2026-01-05",
            "cert_end": "2026-04-04",
            "planned_visits": "12",
            "visits_per_week": "2.5",
            "duration_weeks": "6",
            "certified_on": "2026-01-07",
        },
    ],
    "authorizations": [
        {
            "authorization_id": "A1",
            "patient_id": "PT2",
            "payer_id": "P2",
            "visits_authorized": "12",
            "start_date": "2026-01-05",
            "end_date": "2026-03-05",
            "episode_id": "EP2",
            "units_authorized": "",
            "auth_number": "AUTH-1",
        },
    ],
    "schedule_capacity": [
        {"clinician_id": "T1", "clinic_id": "C1", "date": "2026-01-05", "available_minutes": "480"},
        {"clinician_id": "T2", "clinic_id": "C9", "date": "2026-01-05", "available_minutes": "420"},
    ],
    "appointments": [
        {
            "appointment_id": "AP1",
            "patient_id": "PT1",
            "clinic_id": "C1",
            "clinician_id": "T1",
            "starts_at": "2026-01-05T08:00:00-06:00",
            "duration_minutes": "45",
            "status": "completed",
            "episode_id": "EP1",
            "visit_type": "evaluation",
            "status_changed_at": "2026-01-05T08:50:00-06:00",
        },
        # 03:30 UTC on the 6th is 19:30 on the 5th in Los Angeles.
        {
            "appointment_id": "AP2",
            "patient_id": "PT2",
            "clinic_id": "C9",
            "clinician_id": "T2",
            "starts_at": "2026-01-06T03:30:00Z",
            "duration_minutes": "30",
            "status": "arrived",
            "episode_id": "EP2",
            "visit_type": "treatment",
            "status_changed_at": "",
        },
        {
            "appointment_id": "AP3",
            "patient_id": "PT1",
            "clinic_id": "C1",
            "clinician_id": "T1",
            "starts_at": "2026-01-08T09:00:00-06:00",
            "duration_minutes": "45",
            "status": "no_show",
            "episode_id": "EP1",
            "visit_type": "treatment",
            "status_changed_at": "",
        },
    ],
    "visits": [
        {
            "visit_id": "V1",
            "appointment_id": "AP1",
            "episode_id": "EP1",
            "date_of_service": "2026-01-05",
            "clinician_id": "T1",
            "total_timed_minutes": "38",
        },
        {
            "visit_id": "V2",
            "appointment_id": "AP2",
            "episode_id": "EP2",
            "date_of_service": "2026-01-05",
            "clinician_id": "T2",
            "total_timed_minutes": "",
        },
    ],
    "claims": [
        {
            "claim_id": "CL1",
            "visit_id": "V1",
            "payer_id": "P1",
            "submitted_on": "2026-01-07",
            "billed_amount": "250.00",
            "payer_rank": "primary",
        },
    ],
    "charges": [
        {
            "charge_id": "CH1",
            "visit_id": "V1",
            "cpt_code": "97161",
            "units": "1",
            "charge_amount": "150.00",
            "claim_id": "CL1",
            "modifiers": "GP",
            "minutes": "30",
            "diagnosis_pointers": "1;2",
        },
        {
            "charge_id": "CH2",
            "visit_id": "V1",
            "cpt_code": "97110",
            "units": "1",
            "charge_amount": "100",
            "claim_id": "CL1",
            "modifiers": "GP;kx",
            "minutes": "8",
            "diagnosis_pointers": "",
        },
        {
            "charge_id": "CH3",
            "visit_id": "V2",
            "cpt_code": "97140",
            "units": "2",
            "charge_amount": "90.50",
            "claim_id": "",
            "modifiers": "",
            "minutes": "",
            "diagnosis_pointers": "",
        },
    ],
    "patient_payments": [
        {
            "payment_id": "PP1",
            "patient_id": "PT1",
            "amount": "20.00",
            "collected_at": "2026-01-05T14:05:00Z",
            "kind": "copay",
            "visit_id": "V1",
            "method": "card",
            "collected_by": "front desk",
        },
        # No visit: the organization's time zone (America/New_York) gives the 5th.
        {
            "payment_id": "PP2",
            "patient_id": "PT2",
            "amount": "50.00",
            "collected_at": "2026-01-06T04:00:00Z",
            "kind": "prepayment",
            "visit_id": "",
            "method": "",
            "collected_by": "",
        },
        # With a visit in Los Angeles: 07:00 UTC on the 6th is the 5th there.
        {
            "payment_id": "PP3",
            "patient_id": "PT2",
            "amount": "10.00",
            "collected_at": "2026-01-06T07:00:00+00:00",
            "kind": "copay",
            "visit_id": "V2",
            "method": "cash",
            "collected_by": "",
        },
    ],
}


def sample() -> dict[str, list[dict[str, str]]]:
    """A fresh copy of the sample bundle's rows, to modify in a test."""
    return copy.deepcopy(SAMPLE)


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_bundle(folder: Path, files: dict[str, list[dict[str, str]] | str | bytes]) -> Path:
    """Write each file as `<name>.csv` (rows, ready CSV text, or raw bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / (name if "." in name else f"{name}.csv")
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_text(csv_text(content), encoding="utf-8", newline="")
    return folder
