"""WebPT's Standard Extract, mapped from its publicly documented columns only.

The extract is 18 CSV tables; every row has `export_flag` (1 new, 2 modified,
3 removed). Only four tables have documented columns (domain/rules.md, "EMR exports
in the wild"), and only what those columns say is mapped here:

- Charges → charges.csv (`record_pointer` taken as the row's id). Not documented:
  minutes, claim_id, diagnosis_pointers. visits.csv is NOT derived: it needs
  appointment_id, which Charges does not document; a saved mapping for table
  "Charges" with target visits can add it from a column of your own extract.
- Appointments → appointments.csv. Not documented: visit_type, status_changed_at;
  appointment_status values are not documented either, so only values spelled like
  the canonical statuses ("No Show", "Cancelled") map without a saved value map.
- Authorizations → authorizations.csv (`auth_number` taken as the row's id). Not
  documented: patient_id and payer_id (required): a saved mapping for table
  "Authorizations" must supply them, else the file fails with that message.
- Payment adjustments → not imported: payments posted in WebPT; payer payments come
  from 835 remittances, and no canonical file holds postings.

Every other table is ignored with a warning unless the organization has a saved
mapping for it (vendor WebPT, source table named like the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PROFILE = "webpt"
LABEL = "WebPT Standard Extract"
FLAG_COLUMN = "export_flag"
FLAG_NEW, FLAG_MODIFIED, FLAG_REMOVED = "1", "2", "3"

# Value formats are not documented either: accept the common spellings.
DATE_FORMATS = "YYYY-MM-DD | MM/DD/YYYY | MM/DD/YYYY HH:mm:ss | YYYY-MM-DD HH:mm:ss | MM/DD/YY"
DATETIME_FORMATS = (
    "YYYY-MM-DD HH:mm:ss | YYYY-MM-DDTHH:mm:ss | YYYY-MM-DD HH:mm"
    " | MM/DD/YYYY hh:mm:ss AM | MM/DD/YYYY hh:mm AM | MM/DD/YYYY HH:mm:ss | MM/DD/YYYY HH:mm"
)


def _src(column: str, transform: str = "text", **options) -> dict:
    rule: dict = {"source": column}
    if transform != "text":
        rule["transform"] = transform
    if options:
        rule["options"] = options
    return rule


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    documented: tuple[str, ...]
    # canonical file → {canonical column → rule}; the first is the table's own entity
    # (its removals apply to it)
    targets: dict[str, dict[str, dict]] = field(default_factory=dict)
    not_imported: str = ""
    missing: dict[str, str] = field(default_factory=dict)


TABLES: tuple[Table, ...] = (
    Table(
        "payment_adjustments",
        "Payment adjustments",
        (
            "payment_adjustment_id",
            "charge_id",
            "date_of_service",
            "cpt_code",
            "payment_amount",
            "deposit_date",
            "post_date",
            "adjustment_code",
            "adjustment_amount",
            "patient_responsible_amount",
            "from_payer_id",
            "payment_type",
        ),  # fmt: skip
        not_imported=(
            "payments posted in WebPT are not imported: payer payments come from 835"
            " remittances, and no canonical file holds postings"
        ),
    ),
    Table(
        "charges",
        "Charges",
        (
            "visit_date",
            "record_pointer",
            "cpt",
            "clinic_id",
            "patient_id",
            "case_id",
            "visit_id",
            "therapist_id",
            "insurance_id",
            "insurance_type_id",
            "units",
            "charge_amount",
            "note_type",
            "cpt_modifier",
            "note_finalized_date",
        ),  # fmt: skip
        targets={
            "charges": {
                "charge_id": _src("record_pointer"),
                "visit_id": _src("visit_id"),
                "cpt_code": _src("cpt"),
                "units": _src("units", "integer"),
                "charge_amount": _src("charge_amount", "money"),
                "modifiers": _src("cpt_modifier", "split", separator=",;| "),
            }
        },
        missing={
            "visits": "appointment_id is not a documented Charges column",
        },
    ),
    Table(
        "appointments",
        "Appointments",
        (
            "appointment_id",
            "start_date",
            "end_date",
            "check_in_time",
            "check_out_time",
            "clinic_id",
            "therapist_id",
            "appointment_type",
            "case_id",
            "patient_id",
            "appointment_status",
            "reason",
        ),  # fmt: skip
        targets={
            "appointments": {
                "appointment_id": _src("appointment_id"),
                "patient_id": _src("patient_id"),
                "clinic_id": _src("clinic_id"),
                "clinician_id": _src("therapist_id"),
                "starts_at": _src("start_date", "datetime", format=DATETIME_FORMATS),
                "duration_minutes": {
                    "source": ["start_date", "end_date"],
                    "transform": "minutes_between",
                    "options": {"format": DATETIME_FORMATS},
                },
                "status": _src("appointment_status", "enum", values={}),
                "episode_id": _src("case_id"),
            }
        },
    ),
    Table(
        "authorizations",
        "Authorizations",
        (
            "auth_number",
            "auth_start_date",
            "auth_end_date",
            "visit_authorized_for",
            "authorization_status",
            "ins_name",
            "policy_number",
            "payer_type",
        ),  # fmt: skip
        targets={
            "authorizations": {
                "authorization_id": _src("auth_number"),
                "auth_number": _src("auth_number"),
                "start_date": _src("auth_start_date", "date", format=DATE_FORMATS),
                "end_date": _src("auth_end_date", "date", format=DATE_FORMATS),
                "visits_authorized": _src("visit_authorized_for", "integer"),
            }
        },
        missing={
            "authorizations": "patient_id and payer_id are not documented Authorizations columns",
        },
    ),
)
TABLES_BY_KEY = {table.key: table for table in TABLES}


def normalize(name: str) -> str:
    """'WebPT Charges 2026-01-05.csv' → 'webpt_charges_2026_01_05'."""
    stem = name.rsplit("/", 1)[-1]
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    return re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")


def matches(file_name: str, table_key: str) -> bool:
    key = normalize(table_key)
    return bool(key) and re.search(rf"(^|_){re.escape(key)}(_|$)", normalize(file_name)) is not None


def table_for(file_name: str) -> Table | None:
    """The documented table a file of the extract holds, judged by its name."""
    for table in TABLES:  # payment_adjustments before anything shorter
        if matches(file_name, table.key):
            return table
    return None
