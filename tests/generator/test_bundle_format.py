"""Every bundle file follows spec/emr-export.md: header, encoding, quoting, value formats."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest

from tests.generator.conftest import read_rows

# Copied from spec/emr-export.md on purpose (not imported from the generator): the test
# must fail if the generator drifts from the contract.
SPEC_HEADERS = {
    "clinics": "clinic_id,name,state,timezone",
    "clinicians": "clinician_id,clinic_id,name,npi,credential,active",
    "payers": "payer_id,name,type,unit_rule,requires_auth,payer_code",
    "fee_schedules": "payer_id,cpt_code,allowed_amount,effective_from,effective_to,modifier",
    "referral_sources": "source_id,name,kind,npi,practice",
    "patients": "patient_id,first_name,last_name,birth_date,sex,zip",
    "eligibility": (
        "eligibility_id,patient_id,payer_id,checked_on,active,copay_amount,coinsurance_percent,"
        "deductible_remaining,visit_limit,visits_used,effective_from,effective_to"
    ),
    "referrals": "referral_id,patient_id,clinic_id,received_on,source_id,diagnosis_codes,status",
    "episodes": (
        "episode_id,patient_id,clinic_id,start_date,referral_id,primary_payer_id,"
        "secondary_payer_id,discharge_date,discharge_reason"
    ),
    "plans_of_care": (
        "poc_id,episode_id,cert_start,cert_end,planned_visits,visits_per_week,duration_weeks,"
        "certified_on"
    ),
    "authorizations": (
        "authorization_id,patient_id,payer_id,visits_authorized,start_date,end_date,episode_id,"
        "units_authorized,auth_number"
    ),
    "schedule_capacity": "clinician_id,clinic_id,date,available_minutes",
    "appointments": (
        "appointment_id,patient_id,clinic_id,clinician_id,starts_at,duration_minutes,status,"
        "episode_id,visit_type,status_changed_at"
    ),
    "visits": "visit_id,appointment_id,episode_id,date_of_service,clinician_id,total_timed_minutes",
    "claims": "claim_id,visit_id,payer_id,submitted_on,billed_amount,payer_rank",
    "charges": (
        "charge_id,visit_id,cpt_code,units,charge_amount,claim_id,modifiers,minutes,"
        "diagnosis_pointers"
    ),
    "patient_payments": (
        "payment_id,patient_id,amount,collected_at,kind,visit_id,method,collected_by"
    ),
}
REQUIRED = {
    "clinics": ("clinic_id", "name"),
    "clinicians": ("clinician_id", "clinic_id", "name"),
    "payers": ("payer_id", "name", "type"),
    "fee_schedules": ("payer_id", "cpt_code", "allowed_amount", "effective_from"),
    "referral_sources": ("source_id", "name", "kind"),
    "patients": ("patient_id", "first_name", "last_name", "birth_date"),
    "eligibility": ("eligibility_id", "patient_id", "payer_id", "checked_on", "active"),
    "referrals": ("referral_id", "patient_id", "clinic_id", "received_on"),
    "episodes": ("episode_id", "patient_id", "clinic_id", "start_date"),
    "plans_of_care": ("poc_id", "episode_id", "cert_start", "cert_end", "planned_visits"),
    "authorizations": (
        "authorization_id",
        "patient_id",
        "payer_id",
        "visits_authorized",
        "start_date",
        "end_date",
    ),
    "schedule_capacity": ("clinician_id", "clinic_id", "date", "available_minutes"),
    "appointments": (
        "appointment_id",
        "patient_id",
        "clinic_id",
        "clinician_id",
        "starts_at",
        "duration_minutes",
        "status",
    ),
    "visits": ("visit_id", "appointment_id", "episode_id", "date_of_service", "clinician_id"),
    "claims": ("claim_id", "visit_id", "payer_id", "submitted_on", "billed_amount"),
    "charges": ("charge_id", "visit_id", "cpt_code", "units", "charge_amount"),
    "patient_payments": ("payment_id", "patient_id", "amount", "collected_at", "kind"),
}
ENUMS = {
    ("clinicians", "credential"): {"PT", "PTA", "OT", "COTA", "ATC"},
    ("clinicians", "active"): {"true", "false"},
    ("payers", "type"): {
        "medicare",
        "medicare_advantage",
        "medicaid",
        "commercial",
        "workers_comp",
        "auto",
        "self_pay",
        "other",
    },
    ("payers", "unit_rule"): {"cms_8_minute", "substantial_portion"},
    ("payers", "requires_auth"): {"true", "false"},
    ("referral_sources", "kind"): {
        "physician",
        "practice",
        "direct_access",
        "self",
        "marketing",
        "other",
    },
    ("patients", "sex"): {"F", "M"},
    ("eligibility", "active"): {"true", "false"},
    ("referrals", "status"): {"received", "scheduled", "evaluated", "declined", "lost"},
    ("episodes", "discharge_reason"): {
        "",
        "goals_met",
        "plan_completed",
        "self_discharged",
        "no_show_discharge",
        "referred_out",
        "insurance_exhausted",
        "other",
    },
    ("appointments", "status"): {
        "scheduled",
        "arrived",
        "completed",
        "cancelled",
        "late_cancel",
        "no_show",
        "rescheduled",
    },
    ("appointments", "visit_type"): {"evaluation", "treatment", "re_evaluation", "discharge"},
    ("claims", "payer_rank"): {"primary", "secondary"},
    ("patient_payments", "kind"): {
        "copay",
        "coinsurance",
        "deductible",
        "self_pay",
        "prepayment",
        "refund",
    },
    ("patient_payments", "method"): {"cash", "card", "check", "hsa", "other"},
}
DATE_COLUMNS = {
    "fee_schedules": ("effective_from", "effective_to"),
    "patients": ("birth_date",),
    "eligibility": ("checked_on", "effective_from", "effective_to"),
    "referrals": ("received_on",),
    "episodes": ("start_date", "discharge_date"),
    "plans_of_care": ("cert_start", "cert_end", "certified_on"),
    "authorizations": ("start_date", "end_date"),
    "schedule_capacity": ("date",),
    "visits": ("date_of_service",),
    "claims": ("submitted_on",),
}
DATETIME_COLUMNS = {
    "appointments": ("starts_at", "status_changed_at"),
    "patient_payments": ("collected_at",),
}
MONEY_COLUMNS = {
    "fee_schedules": ("allowed_amount",),
    "eligibility": ("copay_amount", "deductible_remaining"),
    "claims": ("billed_amount",),
    "charges": ("charge_amount",),
    "patient_payments": ("amount",),
}
INTEGER_COLUMNS = {
    "eligibility": ("coinsurance_percent", "visit_limit", "visits_used"),
    "plans_of_care": ("planned_visits", "visits_per_week", "duration_weeks"),
    "authorizations": ("visits_authorized", "units_authorized"),
    "schedule_capacity": ("available_minutes",),
    "appointments": ("duration_minutes",),
    "visits": ("total_timed_minutes",),
    "charges": ("units", "minutes"),
}
MONEY = re.compile(r"^-?\d+\.\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
ID_COLUMN = {name: header.split(",")[0] for name, header in SPEC_HEADERS.items()}


@pytest.mark.parametrize("name", sorted(SPEC_HEADERS))
def test_file_has_the_spec_header_and_parses_as_rfc4180(small_bundle, name):
    raw = (small_bundle / "bundle" / f"{name}.csv").read_bytes()
    text = raw.decode("utf-8")  # strict: invalid UTF-8 raises
    assert text.startswith(SPEC_HEADERS[name] + "\r\n")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends with CRLF
    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = len(rows[0])
    assert all(len(row) == width for row in rows), "a row has the wrong number of fields"
    assert len(rows) > 1, "no data rows"


@pytest.mark.parametrize("name", sorted(SPEC_HEADERS))
def test_values_have_the_spec_formats(small_bundle, name):
    rows = read_rows(small_bundle, name)
    for row in rows:
        for column in REQUIRED[name]:
            assert row[column] != "", (name, column, row)
        for (file_name, column), allowed in ENUMS.items():
            if file_name == name:
                assert row[column] in allowed, (name, column, row[column])
        for column in DATE_COLUMNS.get(name, ()):
            if row[column]:
                assert DATE.match(row[column]), (name, column, row[column])
                date.fromisoformat(row[column])
        for column in DATETIME_COLUMNS.get(name, ()):
            if row[column]:
                assert DATETIME.match(row[column]), (name, column, row[column])
                parsed = datetime.fromisoformat(row[column].replace("Z", "+00:00"))
                assert parsed.tzinfo is not None
        for column in MONEY_COLUMNS.get(name, ()):
            if row[column]:
                assert MONEY.match(row[column]), (name, column, row[column])
        for column in INTEGER_COLUMNS.get(name, ()):
            if row[column]:
                assert row[column].isdigit(), (name, column, row[column])
    ids = [row[ID_COLUMN[name]] for row in rows]
    if name not in ("fee_schedules", "schedule_capacity"):
        assert len(ids) == len(set(ids)), f"duplicate ids in {name}"


def test_fee_schedule_rows_are_unique_per_payer_code_and_period(small_bundle):
    keys = [
        (row["payer_id"], row["cpt_code"], row["effective_from"])
        for row in read_rows(small_bundle, "fee_schedules")
    ]
    assert len(keys) == len(set(keys))


def test_capacity_rows_are_unique_per_clinician_and_day(small_bundle):
    keys = [
        (row["clinician_id"], row["date"]) for row in read_rows(small_bundle, "schedule_capacity")
    ]
    assert len(keys) == len(set(keys))


def test_lists_use_semicolons(small_bundle):
    for row in read_rows(small_bundle, "referrals"):
        assert "," not in row["diagnosis_codes"]
    modifiers = {row["modifiers"] for row in read_rows(small_bundle, "charges")}
    assert any(";" in value for value in modifiers)


def test_free_text_with_commas_is_quoted(small_bundle):
    text = (small_bundle / "bundle" / "referral_sources.csv").read_text(encoding="utf-8")
    assert '"' in text  # physician names "First Last, MD" need RFC 4180 quotes
    names = [row["name"] for row in read_rows(small_bundle, "referral_sources")]
    assert any("," in name for name in names)
