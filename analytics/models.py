"""Rollups: the metric families of spec/metrics.md pre-aggregated per day.

One table per family, one row per (day, clinic, clinician, payer, referral source)
with the family's additive measures — exactly the columns its SQL in
``analytics.metrics.queries`` returns, so that a sum over rollup rows is the family's
answer for any period and filter (proved by ``tests/rollups``). Rows are derived:
``analytics.rollups.refresh`` rewrites the days that triggers on the source tables
marked dirty (``RollupDirtyDay``). The attribute ids carry no foreign keys (rows are
deleted and rewritten wholesale; a constraint check per row would only slow that).
"""

from __future__ import annotations

from django.db import models

from ptrevops.tenancy.models import TenantModel

COUNT = {"default": 0}
MONEY = {"max_digits": 16, "decimal_places": 2, "default": 0}
# The four attribute columns of every rollup row.
ATTRIBUTES = ["clinic_id", "clinician_id", "payer_id", "source_id"]


def _organization():
    # No FK constraint: rollup rows and dirty marks are written by statement
    # triggers while an organization's data is being deleted, too.
    return models.ForeignKey(
        "clinics.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_constraint=False,
    )


class Rollup(TenantModel):
    organization = _organization()
    day = models.DateField()
    clinic_id = models.BigIntegerField(null=True)
    clinician_id = models.BigIntegerField(null=True)
    payer_id = models.BigIntegerField(null=True)
    source_id = models.BigIntegerField(null=True)
    # Monthly tier: a row summing a calendar month's daily rows (``day`` = its first
    # day). A read over whole months sums these, the partial months at its edges the
    # daily rows — about 30× fewer rows for a year.
    monthly = models.BooleanField(default=False)
    # Clinic tier: rows summed over clinician, payer and source (those columns NULL),
    # daily and monthly. Most reads filter or group by clinic at most (a group's or a
    # clinic's pages); they sum one row per clinic and day or month instead of one per
    # combination of the four attributes — about 100× fewer rows at 50 clinics.
    by_clinic = models.BooleanField(default=False)

    # The metric family (analytics.metrics.queries.QUERIES) this table rolls up.
    family: str = ""
    # Key columns after the four attributes (grain key elements 6, 7, …).
    key_fields: tuple[str, ...] = ()
    # Whether monthly rows are kept (not for the A/R ledgers, read as of a date; the
    # root-cause maps of claims are merged key by key).
    has_monthly_tier: bool = True
    # Whether clinic-tier rows are kept (the same families as the monthly tier).
    has_clinic_tier: bool = True

    class Meta:
        abstract = True

    @classmethod
    def measures(cls) -> list[str]:
        skip = {"id", "organization", "day", "monthly", "by_clinic"}
        skip.update(ATTRIBUTES)
        skip.update(cls.key_fields)
        return [field.name for field in cls._meta.concrete_fields if field.name not in skip]


def _day_index(name: str) -> list[models.Index]:
    return [models.Index(fields=["organization", "by_clinic", "monthly", "day"], name=name)]


class VisitRollup(Rollup):
    family = "visits"
    visits = models.BigIntegerField(**COUNT)
    billable_visits = models.BigIntegerField(**COUNT)
    billable_units = models.BigIntegerField(**COUNT)
    gross_charges = models.DecimalField(**MONEY)
    insurance_paid = models.DecimalField(**MONEY)
    patient_paid = models.DecimalField(**MONEY)
    billable_net_collected = models.DecimalField(**MONEY)
    billable_with_claim = models.BigIntegerField(**COUNT)
    billable_remitted = models.BigIntegerField(**COUNT)
    copay_collected_at_tos = models.DecimalField(**MONEY)
    copay_due = models.DecimalField(**MONEY)

    class Meta:
        indexes = _day_index("visitrollup_org_day")


class ChargeLineRollup(Rollup):
    family = "charge_lines"
    expected_allowed = models.DecimalField(**MONEY)
    lines_no_contract_rate = models.BigIntegerField(**COUNT)
    lines_with_contract_rate = models.BigIntegerField(**COUNT)
    yield_received = models.DecimalField(**MONEY)
    yield_expected = models.DecimalField(**MONEY)
    lines_adjudicated = models.BigIntegerField(**COUNT)
    lines_denied = models.BigIntegerField(**COUNT)
    underpaid_lines = models.BigIntegerField(**COUNT)
    underpaid_amount = models.DecimalField(**MONEY)

    class Meta:
        indexes = _day_index("linerollup_org_day")


class AppointmentRollup(Rollup):
    family = "appointments"
    attended_minutes = models.BigIntegerField(**COUNT)
    attended = models.BigIntegerField(**COUNT)
    cancelled = models.BigIntegerField(**COUNT)
    late_cancel = models.BigIntegerField(**COUNT)
    no_show = models.BigIntegerField(**COUNT)

    class Meta:
        indexes = _day_index("apptrollup_org_day")


class AppointmentSlotRollup(Rollup):
    """Attended appointments and their minutes per schedule slot — ISO weekday and
    hour of the start in the clinic's local time — by local date and attributes: the
    Schedule page's heatmap sums these instead of converting every appointment's start
    (a year at 50 clinics: 3 s). Rewritten with the appointment family's days
    (``refresh.FOLLOWS``); monthly and clinic tiers like the families'."""

    family = "appointment_slots"
    key_fields = ("weekday", "hour")
    weekday = models.SmallIntegerField()
    hour = models.SmallIntegerField()
    attended = models.BigIntegerField(**COUNT)
    attended_minutes = models.BigIntegerField(**COUNT)

    class Meta:
        indexes = _day_index("apptslot_org_day")


class CapacityRollup(Rollup):
    family = "capacity"
    available_minutes = models.BigIntegerField(**COUNT)

    class Meta:
        indexes = _day_index("caprollup_org_day")


class DischargeRollup(Rollup):
    family = "discharges"
    discharged_episodes = models.BigIntegerField(**COUNT)
    completed = models.BigIntegerField(**COUNT)
    dropped_off = models.BigIntegerField(**COUNT)
    episode_visits = models.BigIntegerField(**COUNT)
    planned_visits = models.BigIntegerField(**COUNT)

    class Meta:
        indexes = _day_index("dischrollup_org_day")


class ReferralRollup(Rollup):
    family = "referrals"
    referrals_received = models.BigIntegerField(**COUNT)
    referrals_converted = models.BigIntegerField(**COUNT)
    referral_visits = models.BigIntegerField(**COUNT)

    class Meta:
        indexes = _day_index("refrollup_org_day")


class ClaimRollup(Rollup):
    family = "claims"
    claims_first_adjudicated = models.BigIntegerField(**COUNT)
    denied_claims = models.BigIntegerField(**COUNT)
    clean_claims = models.BigIntegerField(**COUNT)
    # Denied claims per root cause: {category: count}.
    root_causes = models.JSONField(default=dict)

    class Meta:
        indexes = _day_index("claimrollup_org_day")


class ProviderAdjustmentRollup(Rollup):
    family = "provider_adjustments"
    plb_total = models.DecimalField(**MONEY)

    class Meta:
        indexes = _day_index("plbrollup_org_day")


class ReceivableRollup(Rollup):
    """The A/R ledger: per DOS (``day``) and event date, what raised (a claim billed,
    on its DOS; PR adjustments) or lowered (CLP04 and CAS of a remittance, on its
    payment date; patient payments, on their collection date) the open balances of
    that DOS's claims and patients. A/R as of D is the sum of rows with day ≤ D and
    event_day ≤ D, aged by D − day."""

    family = "receivables"
    key_fields = ("event_day",)
    has_monthly_tier = False
    has_clinic_tier = False
    event_day = models.DateField()
    claim_amount = models.DecimalField(**MONEY)
    patient_amount = models.DecimalField(**MONEY)

    class Meta:
        indexes = _day_index("arrollup_org_day")


class PatientCreditRollup(Rollup):
    """The patient-balance events of the visits whose balance is negative after some
    event (a credit as of some date): the one non-additive part of A/R (counted per
    visit), kept per visit for the few visits that can have one."""

    family = "patient_credits"
    key_fields = ("event_day", "visit_id")
    has_monthly_tier = False
    has_clinic_tier = False
    event_day = models.DateField()
    visit_id = models.BigIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        indexes = _day_index("creditrollup_org_day")


class AdjudicatedClaimRollup(Rollup):
    """The claims first adjudicated, one row per claim by its first adjudication's
    payment date and attributes: denied / clean, for a denial its root cause and CARC
    (``root_causes``: {"cause|CARC": 1}), and its days to pay. The Denials page and the claim
    drill-downs read these instead of finding every claim's first adjudication again.
    Rewritten with the claims family's days (``refresh.FOLLOWS``)."""

    family = "adjudicated_claims"
    key_fields = ("claim_id",)
    has_monthly_tier = False
    has_clinic_tier = False
    claim_id = models.BigIntegerField()
    claims_first_adjudicated = models.BigIntegerField(**COUNT)
    denied_claims = models.BigIntegerField(**COUNT)
    clean_claims = models.BigIntegerField(**COUNT)
    root_causes = models.JSONField(default=dict)
    # Days from the claim's submission to its first adjudication (none: not submitted).
    days_to_pay = models.IntegerField(null=True)

    class Meta:
        indexes = _day_index("adjclaim_org_day")


class UnderpaidLineRollup(Rollup):
    """The underpaid charge lines (``queries.charge_lines.UNDERPAID``), one row per line
    by its DOS and attributes, with the contract figures the lists show: the Payers
    page and the underpaid drill-down read these instead of pricing every line of the
    period (a year at 50 clinics is 1.8 M lines: 90 s). Rewritten with the charge-line
    family's days (``refresh.FOLLOWS``)."""

    family = "underpaid_lines"
    key_fields = ("charge_line_id",)
    has_monthly_tier = False
    has_clinic_tier = False
    charge_line_id = models.BigIntegerField()
    expected_allowed = models.DecimalField(**MONEY)
    net_paid = models.DecimalField(**MONEY)
    net_pr = models.DecimalField(**MONEY)
    explained = models.DecimalField(**MONEY)

    class Meta:
        indexes = _day_index("underpaid_org_day")


class ReferralMoneyRollup(Rollup):
    """Net collected revenue (insurance paid + patient paid, to date) of the visits of
    each referral's episodes, one row per referral and visit grain (DOS, attributes).
    The Referrals page sums a referral's rows instead of pricing every visit of its
    episodes (all referrals of a period at 50 clinics: 90 s). Rewritten with the visit
    family's days (``refresh.FOLLOWS``): a visit's money, episode or referral changing
    marks its DOS there."""

    family = "referral_money"
    key_fields = ("referral_id",)
    has_monthly_tier = False
    has_clinic_tier = False
    referral_id = models.BigIntegerField()
    net_collected = models.DecimalField(**MONEY)

    class Meta:
        indexes = [
            *_day_index("refmoney_org_day"),
            # Covering: a year's referrals sum ~600k rows at 50 clinics, index only.
            models.Index(
                fields=["organization", "referral_id"],
                include=["net_collected"],
                name="refmoney_org_referral",
            ),
        ]


# Open-ended balance intervals run to this day.
OPEN_END = "9999-12-31"


class ReceivableBalance(Rollup):
    """A/R balances as intervals, derived from the ledger rows: per DOS (``day``) and
    attributes, the claim and patient balances from one event day (``valid_from``) to
    the next (``valid_to``, exclusive; ``OPEN_END`` while nothing follows), kept only
    while non-zero. A/R as of D sums the rows with valid_from ≤ D < valid_to and
    day ≤ D — the balances still open at D, not all history up to D. Full and clinic
    tiers; no monthly one."""

    family = "receivable_balances"
    key_fields = ("valid_from",)
    has_monthly_tier = False
    valid_from = models.DateField()
    valid_to = models.DateField()
    claim_amount = models.DecimalField(**MONEY)
    patient_amount = models.DecimalField(**MONEY)

    class Meta:
        indexes = [
            # Covering: an as-of read is an index-only scan of the open intervals (their
            # heap rows lie scattered over years of DOS).
            models.Index(
                fields=["organization", "by_clinic", "valid_to", "valid_from"],
                include=[*ATTRIBUTES, "day", "claim_amount", "patient_amount"],
                name="arbalance_org_open",
            ),
            *_day_index("arbalance_org_day"),
        ]


class ReceivableMovement(Rollup):
    """A/R totals by the day each ledger row starts to count: a ledger row (DOS d,
    event day e) is part of A/R as of D exactly when D ≥ max(d, e), so the A/R total as
    of D is the sum of the rows here with ``day`` ≤ D — with the monthly tier, a few
    thousand rows at the clinic tier, however much of the past is still open. Totals
    only: aging buckets need the DOS (``ReceivableBalance``). Kept by deltas when the
    ledger's DOS ranges are rewritten (``refresh._move_totals``). ``ledger_rows`` counts
    the ledger rows behind a row, so that a group whose amounts net to zero (a claim
    paid in full) is still a group as of D, as in the direct query; a row is dropped
    when no ledger row is left behind it."""

    family = "receivable_movements"
    has_monthly_tier = True
    claim_amount = models.DecimalField(**MONEY)
    patient_amount = models.DecimalField(**MONEY)
    ledger_rows = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # The delta upsert's key (its index also serves the reads).
            models.UniqueConstraint(
                fields=["organization", "by_clinic", "monthly", "day", *ATTRIBUTES],
                nulls_distinct=False,
                name="armove_unique_key",
            )
        ]


class PatientCreditBalance(Rollup):
    """The patient credits as intervals, derived from ``PatientCreditRollup``: per
    visit, its (negative) patient balance from one event day (``valid_from``) to the
    next (``valid_to``, exclusive; ``OPEN_END`` while nothing follows), kept only while
    below zero. Credits as of D: the rows with valid_from ≤ D < valid_to and day ≤ D
    (at most one per visit)."""

    family = "patient_credit_balances"
    key_fields = ("visit_id", "valid_from")
    has_monthly_tier = False
    has_clinic_tier = False
    visit_id = models.BigIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "valid_to", "valid_from"],
                include=[*ATTRIBUTES, "day", "amount"],
                name="creditbal_org_open",
            ),
            *_day_index("creditbal_org_day"),
        ]


ROLLUPS: tuple[type[Rollup], ...] = (
    VisitRollup,
    ChargeLineRollup,
    AppointmentRollup,
    CapacityRollup,
    DischargeRollup,
    ReferralRollup,
    ClaimRollup,
    ProviderAdjustmentRollup,
    ReceivableRollup,
    PatientCreditRollup,
    UnderpaidLineRollup,
    AdjudicatedClaimRollup,
    ReferralMoneyRollup,
    AppointmentSlotRollup,
)


class RollupDirtyDay(TenantModel):
    """A day of a family whose rollup rows no longer match the source tables.

    Written by statement-level triggers on every source table (any write path:
    imports, the admin, a copay logged at the desk) in the writer's transaction;
    consumed by ``analytics.rollups.refresh``.
    """

    organization = _organization()
    family = models.CharField(max_length=32)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "family", "day"], name="rollupdirty_unique_day"
            )
        ]
