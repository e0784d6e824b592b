"""The bundle's files and columns, declared once from the table in spec/emr-export.md.

Everything else — header checks, value validation, the staging tables, reference
resolution and the upsert SQL — is derived from these declarations, so a column added
to the spec is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from django.apps import apps

from billing.choices import PatientPaymentKind, PayerRank, PayerType, PaymentMethod, UnitRule
from clinics.choices import Credential
from episodes.choices import (
    AppointmentStatus,
    DischargeReason,
    ReferralSourceKind,
    ReferralStatus,
    Sex,
    VisitType,
)


class Kind(Enum):
    """A column's type in the file."""

    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    MONEY = "money"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    LIST = "list"
    TIMEZONE = "timezone"

    @property
    def sql(self) -> str:
        """The staging column's type: COPY parses the validated text into it."""
        return _STAGING_TYPES.get(self, "text")


_STAGING_TYPES = {
    Kind.DATE: "date",
    Kind.DATETIME: "timestamptz",
    Kind.MONEY: "numeric",
    Kind.INTEGER: "bigint",
    Kind.DECIMAL: "numeric",
    Kind.BOOLEAN: "boolean",
    Kind.LIST: "text[]",
}


@dataclass(frozen=True)
class Column:
    """One CSV column.

    `references` names the file whose ids this column holds (resolved to the internal
    id of that file's table); `target` is the column written in the model's table;
    `default` is the SQL value written when the cell is blank and the model column is
    NOT NULL; `max_length` guards varchar columns, `choices` enum columns, `pattern`
    list items, and (`max_value`, `places`) the decimal columns.
    """

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    references: str | None = None
    target: str | None = None
    default: str | None = None
    pattern: str | None = None
    max_value: int | None = None
    places: int = 2

    @property
    def db_column(self) -> str:
        if self.target:
            return self.target
        return f"{self.name[: -len('_id')]}_id" if self.references else self.name


@dataclass(frozen=True)
class FileSpec:
    """One bundle file and how it maps onto its model's table.

    `id_column` is the file's own EMR id (stored as `external_id`); files without
    one (schedule capacity, fee schedules) are keyed by `natural_key` (model columns).
    `derived` computes model columns the file does not carry, in SQL over the staging
    row `s` and the reference joins `r_<column>` (plus `extra_joins`);
    `insert_only` fills NOT NULL model columns the file never sets. `derived_from`
    names the file columns each derived column is computed from: an update rewrites a
    derived column only when the file provides all of them (see `updated_targets`).
    """

    name: str
    model: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    natural_key: tuple[str, ...] = ()
    derived: dict[str, str] = field(default_factory=dict)
    extra_joins: tuple[str, ...] = ()
    insert_only: dict[str, str] = field(default_factory=dict)
    derived_from: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @cached_property
    def table(self) -> str:
        return apps.get_model(self.model)._meta.db_table

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    @property
    def conflict_key(self) -> tuple[str, ...]:
        return ("external_id",) if self.id_column else self.natural_key

    @property
    def staged_key(self) -> list[str]:
        """Staging expressions that identify a target row (for duplicate detection)."""
        if self.id_column:
            return [f"s.{self.id_column}"]
        names = {column.db_column: column.name for column in self.columns}
        return [f"COALESCE(s.{names[key]}::text, '')" for key in self.natural_key]

    def updated_targets(self, present: frozenset[str] | None = None) -> list[str]:
        """Model columns an update of an existing row writes when the file's header has
        the columns `present` (None: all of them).

        A file only speaks for the columns it has: a vendor export mapped onto a few
        canonical columns must not blank the others on rows that already exist. The
        key, the insert-only columns and the derived columns whose inputs are not all
        in the file are left as they are; a blank cell in a present column is still a
        value (it clears an optional column).
        """
        key = set(self.conflict_key)
        targets = [
            column.db_column
            for column in self.columns
            if (present is None or column.name in present) and column.db_column not in key
        ]
        targets += [
            target
            for target in self.derived
            if present is None or all(name in present for name in self.derived_from[target])
        ]
        return targets


def _choices(enum) -> tuple[str, ...]:
    return tuple(str(value) for value in enum.values)


def _id(name: str) -> Column:
    return Column(name, required=True, max_length=64, target="external_id")


def _ref(name: str, file: str, *, required: bool = False) -> Column:
    return Column(name, required=required, max_length=64, references=file)


def _text(name: str, max_length: int, *, required: bool = False) -> Column:
    return Column(name, required=required, max_length=max_length, default="''")


def _date(name: str, *, required: bool = False) -> Column:
    return Column(name, Kind.DATE, required=required)


def _int(name: str, *, required: bool = False) -> Column:
    return Column(name, Kind.INTEGER, required=required)


def _money(name: str, *, required: bool = False) -> Column:
    return Column(name, Kind.MONEY, required=required)


def _choice(name: str, enum, *, required: bool = False, default: str = "''") -> Column:
    return Column(name, Kind.CHOICE, required=required, choices=_choices(enum), default=default)


# The clinic's time zone, else the organization's: every clinic-local date is taken so.
_ORG_TZ = "%(org_timezone)s"

FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "clinics",
        "clinics.Clinic",
        (
            _id("clinic_id"),
            _text("name", 200, required=True),
            _text("state", 2),
            Column("timezone", Kind.TIMEZONE, max_length=64, default="''"),
        ),
        id_column="clinic_id",
    ),
    FileSpec(
        "clinicians",
        "clinics.Clinician",
        (
            _id("clinician_id"),
            _ref("clinic_id", "clinics", required=True),
            _text("name", 200, required=True),
            _text("npi", 10),
            _choice("credential", Credential),
            Column("active", Kind.BOOLEAN, default="true"),
        ),
        id_column="clinician_id",
    ),
    FileSpec(
        "payers",
        "billing.Payer",
        (
            _id("payer_id"),
            _text("name", 200, required=True),
            _choice("type", PayerType, required=True),
            _choice("unit_rule", UnitRule, default=f"'{UnitRule.CMS_8_MINUTE.value}'"),
            Column("requires_auth", Kind.BOOLEAN, default="false"),
            _text("payer_code", 80),
        ),
        id_column="payer_id",
        insert_only={"timely_filing_days": "365"},
    ),
    FileSpec(
        "fee_schedules",
        "billing.FeeSchedule",
        (
            _ref("payer_id", "payers", required=True),
            _text("cpt_code", 5, required=True),
            _money("allowed_amount", required=True),
            _date("effective_from", required=True),
            _date("effective_to"),
            _text("modifier", 2),
        ),
        natural_key=("payer_id", "cpt_code", "modifier", "effective_from"),
    ),
    FileSpec(
        "referral_sources",
        "episodes.ReferralSource",
        (
            _id("source_id"),
            _text("name", 200, required=True),
            _choice("kind", ReferralSourceKind, required=True),
            _text("npi", 10),
            _text("practice", 200),
        ),
        id_column="source_id",
    ),
    FileSpec(
        "patients",
        "episodes.Patient",
        (
            _id("patient_id"),
            _text("first_name", 100, required=True),
            _text("last_name", 100, required=True),
            _date("birth_date", required=True),
            _choice("sex", Sex),
            _text("zip", 10),
        ),
        id_column="patient_id",
    ),
    FileSpec(
        "eligibility",
        "episodes.Eligibility",
        (
            _id("eligibility_id"),
            _ref("patient_id", "patients", required=True),
            _ref("payer_id", "payers", required=True),
            _date("checked_on", required=True),
            Column("active", Kind.BOOLEAN, required=True),
            _money("copay_amount"),
            Column("coinsurance_percent", Kind.DECIMAL, max_value=100),
            _money("deductible_remaining"),
            _int("visit_limit"),
            _int("visits_used"),
            _date("effective_from"),
            _date("effective_to"),
        ),
        id_column="eligibility_id",
    ),
    FileSpec(
        "referrals",
        "episodes.Referral",
        (
            _id("referral_id"),
            _ref("patient_id", "patients", required=True),
            _ref("clinic_id", "clinics", required=True),
            _date("received_on", required=True),
            _ref("source_id", "referral_sources"),
            Column(
                "diagnosis_codes",
                Kind.LIST,
                pattern=r"[A-Za-z0-9.]{1,16}",
                default="'{}'",
            ),
            _choice("status", ReferralStatus),
        ),
        id_column="referral_id",
    ),
    FileSpec(
        "episodes",
        "episodes.Episode",
        (
            _id("episode_id"),
            _ref("patient_id", "patients", required=True),
            _ref("clinic_id", "clinics", required=True),
            _date("start_date", required=True),
            _ref("referral_id", "referrals"),
            _ref("primary_payer_id", "payers"),
            _ref("secondary_payer_id", "payers"),
            _date("discharge_date"),
            _choice("discharge_reason", DischargeReason),
        ),
        id_column="episode_id",
    ),
    FileSpec(
        "plans_of_care",
        "episodes.PlanOfCare",
        (
            _id("poc_id"),
            _ref("episode_id", "episodes", required=True),
            _date("cert_start", required=True),
            _date("cert_end", required=True),
            _int("planned_visits", required=True),
            Column("visits_per_week", Kind.DECIMAL, max_value=999, places=1),
            _int("duration_weeks"),
            _date("certified_on"),
        ),
        id_column="poc_id",
    ),
    FileSpec(
        "authorizations",
        "episodes.Authorization",
        (
            _id("authorization_id"),
            _ref("patient_id", "patients", required=True),
            _ref("payer_id", "payers", required=True),
            _int("visits_authorized", required=True),
            _date("start_date", required=True),
            _date("end_date", required=True),
            _ref("episode_id", "episodes"),
            _int("units_authorized"),
            _text("auth_number", 64),
        ),
        id_column="authorization_id",
    ),
    FileSpec(
        "schedule_capacity",
        "clinics.ScheduleCapacity",
        (
            _ref("clinician_id", "clinicians", required=True),
            _ref("clinic_id", "clinics", required=True),
            _date("date", required=True),
            _int("available_minutes", required=True),
        ),
        natural_key=("clinician_id", "clinic_id", "date"),
    ),
    FileSpec(
        "appointments",
        "episodes.Appointment",
        (
            _id("appointment_id"),
            _ref("patient_id", "patients", required=True),
            _ref("clinic_id", "clinics", required=True),
            _ref("clinician_id", "clinicians", required=True),
            Column("starts_at", Kind.DATETIME, required=True),
            _int("duration_minutes", required=True),
            _choice("status", AppointmentStatus, required=True),
            _ref("episode_id", "episodes"),
            _choice("visit_type", VisitType),
            Column("status_changed_at", Kind.DATETIME),
        ),
        id_column="appointment_id",
        derived={
            "local_date": "(s.starts_at AT TIME ZONE "
            f"COALESCE(NULLIF(r_clinic_id.timezone, ''), {_ORG_TZ}))::date"
        },
        derived_from={"local_date": ("starts_at", "clinic_id")},
    ),
    FileSpec(
        "visits",
        "episodes.Visit",
        (
            _id("visit_id"),
            _ref("appointment_id", "appointments", required=True),
            _ref("episode_id", "episodes", required=True),
            _date("date_of_service", required=True),
            _ref("clinician_id", "clinicians", required=True),
            _int("total_timed_minutes"),
        ),
        id_column="visit_id",
        derived={"clinic_id": "r_appointment_id.clinic_id"},
        derived_from={"clinic_id": ("appointment_id",)},
    ),
    FileSpec(
        "claims",
        "billing.Claim",
        (
            _id("claim_id"),
            _ref("visit_id", "visits", required=True),
            _ref("payer_id", "payers", required=True),
            _date("submitted_on", required=True),
            _money("billed_amount", required=True),
            _choice("payer_rank", PayerRank, default=f"'{PayerRank.PRIMARY.value}'"),
        ),
        id_column="claim_id",
    ),
    FileSpec(
        "charges",
        "billing.ChargeLine",
        (
            _id("charge_id"),
            _ref("visit_id", "visits", required=True),
            _text("cpt_code", 5, required=True),
            _int("units", required=True),
            _money("charge_amount", required=True),
            _ref("claim_id", "claims"),
            Column("modifiers", Kind.LIST, pattern=r"[A-Za-z0-9]{2}", default="'{}'"),
            _int("minutes"),
            Column("diagnosis_pointers", Kind.LIST, pattern=r"[A-Za-z0-9]{1,8}", default="'{}'"),
        ),
        id_column="charge_id",
    ),
    FileSpec(
        "patient_payments",
        "billing.PatientPayment",
        (
            _id("payment_id"),
            _ref("patient_id", "patients", required=True),
            _money("amount", required=True),
            Column("collected_at", Kind.DATETIME, required=True),
            _choice("kind", PatientPaymentKind, required=True),
            _ref("visit_id", "visits"),
            _choice("method", PaymentMethod),
            _text("collected_by", 100),
        ),
        id_column="payment_id",
        extra_joins=(
            "LEFT JOIN clinics_clinic visit_clinic ON visit_clinic.id = r_visit_id.clinic_id",
        ),
        derived={
            "collected_on": "(s.collected_at AT TIME ZONE "
            f"COALESCE(NULLIF(visit_clinic.timezone, ''), {_ORG_TZ}))::date"
        },
        # Without visit_id in the file the clinic's time zone is unknown: the stored
        # date stays rather than be recomputed in the organization's.
        derived_from={"collected_on": ("collected_at", "visit_id")},
    ),
)

FILES_BY_NAME: dict[str, FileSpec] = {spec.name: spec for spec in FILES}

_UNDECLARED = [spec.name for spec in FILES if set(spec.derived_from) != set(spec.derived)]
if _UNDECLARED:  # every derived column must say what it is computed from
    raise ValueError(f"derived_from does not match derived in: {', '.join(_UNDECLARED)}")
