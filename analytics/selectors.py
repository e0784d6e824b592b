"""Row-level reads behind the dashboards: the rows a number is made of, and the few
figures the spec has no metric for (heatmap, days to pay, copays by staff member…).

Rows come from the metrics module's own SQL: ``metric_rows`` runs one of its family
queries (``analytics.metrics.queries``) with the group key replaced by a row id, so a
drill-down lists exactly the visits / claims / episodes the metric counted, with the
metric's own per-row values (a visit's insurance paid, a claim's denied flag…). Every
statement binds the organization and runs under row-level security.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Trim

from analytics.metrics.filters import GroupBy, MetricFilters
from analytics.metrics.queries.base import ALL, MetricQuery, NotAttributable, whole_set_plan
from analytics.metrics.queries.charge_lines import UNDERPAID, ChargeLineContractQuery
from analytics.metrics.queries.claims import (
    CLAIM_ATTRIBUTION,
    FIRST_ADJUDICATION_ORDER,
    ROOT_CAUSE,
    ROOT_CAUSE_AND_CARC,
    FirstAdjudicationQuery,
)
from analytics.metrics.queries.episodes import (
    EPISODE_ATTRIBUTION,
    AtRiskEpisodeQuery,
    DischargedEpisodeQuery,
    ReferralNetCollectedQuery,
    ReferralQuery,
    episode_joins,
)
from analytics.metrics.queries.receivables import (
    CLAIM_BALANCE_ATTRIBUTION,
    PATIENT_BALANCE_ATTRIBUTION,
    ReceivablesQuery,
)
from analytics.metrics.queries.schedule import SLOT_KEY, AppointmentQuery
from analytics.metrics.queries.visits import VisitMoneyQuery, visit_selection
from analytics.models import (
    AdjudicatedClaimRollup,
    AppointmentRollup,
    AppointmentSlotRollup,
    UnderpaidLineRollup,
)
from analytics.rollups import ensure_fresh
from analytics.rollups.read import RollupQuery
from billing.models import (
    Adjustment,
    ChargeLine,
    Claim,
    ClaimPayment,
    Denial,
    PatientPayment,
    ServicePayment,
)
from billing.rules.authorizations import (
    Authorization as AuthorizationRule,
)
from billing.rules.authorizations import (
    authorization_coverage,
    bookings_not_covered,
    under_scheduled,
)
from episodes.models import Appointment, Authorization, Episode, Referral, Visit

# -- the metrics module's SQL, one row per visit / claim / episode ----------------------


def _keyed(query_class: type[MetricQuery], key: str | dict[Any, str]) -> type[MetricQuery]:
    """``query_class`` grouping by ``key`` (an SQL expression) instead of an attribute.

    ``key`` may map an attribution (the object the family passes to ``group``) to its
    own expression, for families with two row kinds (A/R: claims and patient balances).
    """

    class Keyed(query_class):  # type: ignore[misc, valid-type]
        def group(self, attribution) -> str:
            if isinstance(key, dict):
                return key[id(attribution)]
            return key

    Keyed.__name__ = f"Keyed{query_class.__name__}"
    return Keyed


def run_keyed(
    query_class: type[MetricQuery],
    filters: MetricFilters,
    key,
    *,
    replace_sql=(),
    params: dict[str, Any] | None = None,
) -> dict[Any, dict[str, Any]]:
    """Rows of ``query_class`` per value of ``key``: {key value: row}. A selection the
    family cannot be attributed to gives no rows."""
    query = _keyed(query_class, key)(replace(filters, group_by=None))
    try:
        statement = query.sql()
    except NotAttributable:
        return {}
    for old, new in replace_sql:
        if old not in statement:  # the metric's SQL changed: fail loudly, never silently
            raise RuntimeError(f"metric SQL no longer contains {old!r}")
        statement = statement.replace(old, new, 1)
    with connection.cursor() as cursor, whole_set_plan(cursor):
        cursor.execute(statement, {**query.params, **(params or {})})
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return {row.pop("grp"): row for row in rows}


def visit_rows(filters: MetricFilters, *, episode_id: int | None = None) -> dict[int, dict]:
    """Per visit in the period: the visit metrics' own values (billable, gross, insurance
    and patient paid, copay at TOS and due)."""
    replace_sql = ()
    if episode_id is not None:
        period = "v.date_of_service BETWEEN %(start)s AND %(end)s"
        replace_sql = ((period, f"{period} AND v.episode_id = {int(episode_id)}"),)
    return run_keyed(VisitMoneyQuery, filters, "v.id", replace_sql=replace_sql)


def claim_rows(filters: MetricFilters) -> dict[int, dict]:
    """Per claim first adjudicated in the period: denied / clean, root cause (and the
    CARC behind it), read from ``AdjudicatedClaimRollup`` (kept by the rollup refresh;
    ``claim_rows_direct`` computes the same from the normalized tables)."""
    found = _kept_rows(
        filters,
        AdjudicatedClaimRollup,
        "claim_id, claims_first_adjudicated, denied_claims, clean_claims, root_causes, days_to_pay",
    )
    return {
        claim_id: _with_root_cause(
            {
                "claims_first_adjudicated": adjudicated,
                "denied_claims": denied,
                "clean_claims": clean,
                "root_causes": causes,
                "days_to_pay": days,
            }
        )
        for claim_id, adjudicated, denied, clean, causes, days in found
    }


def denied_claims_by_carc(filters: MetricFilters) -> dict[str, int]:
    """Denied claims first adjudicated in the period per "root cause|CARC" (the CARC
    "" for CLP02 = 4 alone): the kept claims' maps summed in SQL (a year at 50 clinics
    is half a million claims)."""
    found = _kept_rows(
        filters,
        AdjudicatedClaimRollup,
        "cause.key, sum(cause.value::bigint)::bigint",
        also=", jsonb_each_text(root_causes) cause",
        tail="GROUP BY cause.key",
    )
    return dict(found)


def _kept_rows(filters: MetricFilters, model, columns: str, **clauses) -> list[tuple]:
    """``columns`` of the rows the rollup refresh keeps per entity (claims, lines) in
    ``model`` for the selection, made fresh first; none when its filters do not apply.
    ``clauses``: ``RollupQuery.rows_sql``'s."""
    ensure_fresh(filters.organization_id)
    query = RollupQuery(replace(filters, group_by=None), model)
    try:
        statement = query.rows_sql(columns, **clauses)
    except NotAttributable:
        return []
    with connection.cursor() as cursor:
        cursor.execute(statement, query.params)
        return cursor.fetchall()


class PerClaimFirstAdjudicationQuery(FirstAdjudicationQuery):
    """The first-adjudication SQL keyed per claim, with each claim's days to pay."""

    per_claim = True


def claim_rows_direct(filters: MetricFilters) -> dict[int, dict]:
    """``claim_rows`` computed from the normalized tables (the first-adjudication SQL of
    the metrics module, per claim)."""
    rows = run_keyed(
        PerClaimFirstAdjudicationQuery,
        filters,
        "c.id",
        replace_sql=((ROOT_CAUSE, ROOT_CAUSE_AND_CARC),),
    )
    return {claim_id: _with_root_cause(row) for claim_id, row in rows.items()}


def _with_root_cause(row: dict) -> dict:
    """The row with its "cause|CARC" map turned into ``root_cause`` and ``carc``."""
    found = row.pop("root_causes") or {}
    if isinstance(found, str):  # Django's connection hands jsonb back as text
        found = json.loads(found)
    cause, _, carc = (next(iter(found), "") if row["denied_claims"] else "").partition("|")
    row["root_cause"], row["carc"] = cause, carc
    return row


def denied_claim_rows(
    filters: MetricFilters, *, carc: str | None = None, root_cause: str | None = None
) -> dict[int, dict]:
    """The denied claims of ``claim_rows`` whose denying CARC is ``carc`` ("" for a
    denial by CLP02 = 4 alone) and / or whose root cause is ``root_cause``: the rows
    behind one line of the "denied claims by CARC / root cause" tables."""
    return {
        claim_id: row
        for claim_id, row in claim_rows(filters).items()
        if row["denied_claims"]
        and (carc is None or row["carc"] == carc)
        and (root_cause is None or row["root_cause"] == root_cause)
    }


def receivable_rows(filters: MetricFilters) -> dict[str, dict]:
    """A/R as of the selection's as-of date: ``c<claim id>`` (claim balance) and
    ``v<visit id>`` (patient balance) rows, with their aging bucket amounts."""
    return run_keyed(
        ReceivablesQuery,
        filters,
        {
            id(CLAIM_BALANCE_ATTRIBUTION): "('c' || c.id)",
            id(PATIENT_BALANCE_ATTRIBUTION): "('v' || v.id)",
        },
    )


def discharged_episode_rows(filters: MetricFilters) -> dict[int, dict]:
    return run_keyed(DischargedEpisodeQuery, filters, "e.id")


def at_risk_episode_rows(filters: MetricFilters) -> dict[int, dict]:
    return run_keyed(AtRiskEpisodeQuery, filters, "e.id")


def referral_rows(filters: MetricFilters) -> dict[int, dict]:
    return run_keyed(ReferralQuery, filters, "r.id")


def appointment_rows(filters: MetricFilters, key: str = "a.id") -> dict[Any, dict]:
    return run_keyed(AppointmentQuery, filters, key)


# A line's own values beside the contract metrics (each group is one line): adjudicated
# (an SVC posted to it), denied, and its net paid (Σ SVC03), net patient responsibility
# and contract-explained reductions (CARC 59, 253) over all its remittances to date.
LINE_VALUES = """, bool_or(adjudicated) AS adjudicated, bool_or(denied) AS denied,
               sum(net_paid) AS net_paid, sum(net_pr) AS net_pr,
               sum(explained) AS explained
        """


def line_rows(filters: MetricFilters, *, underpaid_only: bool = False) -> dict[int, dict]:
    """Per charge line on a claim with DOS in the period: expected allowed, received,
    underpaid flag and amount — the contract metrics per line — and the line's own
    values (``LINE_VALUES``); with ``underpaid_only`` just the underpaid lines (filtered
    in SQL: a year holds hundreds of thousands)."""
    final = "FROM per_line\n        GROUP BY grp"
    having = f" HAVING count(*) FILTER (WHERE {UNDERPAID}) > 0" if underpaid_only else ""
    return run_keyed(
        ChargeLineContractQuery,
        filters,
        "cl.id",
        replace_sql=((final, f"{LINE_VALUES}{final}{having}"),),
    )


def underpaid_line_rows(filters: MetricFilters) -> dict[int, dict]:
    """``line_rows(filters, underpaid_only=True)``, read from ``UnderpaidLineRollup``
    (kept by the rollup refresh) instead of pricing every line of the period."""
    found = _kept_rows(
        filters,
        UnderpaidLineRollup,
        "charge_line_id, expected_allowed, net_paid, net_pr, explained",
    )
    rows = {}
    for line_id, expected, net_paid, net_pr, explained in found:
        rows[line_id] = {
            "expected_allowed": expected,
            "lines_no_contract_rate": 0,
            "lines_with_contract_rate": 1,
            "yield_received": net_paid + net_pr,
            "yield_expected": expected,
            "lines_adjudicated": 1,
            "lines_denied": 0,
            "underpaid_lines": 1,
            "underpaid_amount": expected - (net_paid + net_pr + explained),
            "adjudicated": True,
            "denied": False,
            "net_paid": net_paid,
            "net_pr": net_pr,
            "explained": explained,
        }
    return rows


# -- referrals: net collected per referral ----------------------------------------------


def referral_net_collected(filters: MetricFilters) -> dict[Any, dict]:
    """Referrals received in the period and the net collected to date of their
    episodes' visits, per group of the selection (``filters.group_by``; ``ALL`` when
    not grouped): read from ``ReferralMoneyRollup``, made fresh first."""
    ensure_fresh(filters.organization_id)
    return ReferralNetCollectedQuery(filters).fetch() or {}


def referral_money_kept(filters: MetricFilters) -> dict[int, Decimal]:
    """Net collected to date per referral received in the period, from
    ``ReferralMoneyRollup`` (``referral_money`` computes it from the normalized
    tables)."""
    ensure_fresh(filters.organization_id)
    rows = run_keyed(ReferralNetCollectedQuery, filters, "r.id")
    return {key: row["net_collected"] for key, row in rows.items()}


def referral_money(filters: MetricFilters, referral_ids: list[int]) -> dict[int, Decimal]:
    """Net collected revenue (spec: insurance paid + patient paid, to date) of all visits
    to date of the episodes of ``referral_ids``, per referral.

    The visit money SQL of the metrics module, over the visits of those episodes instead
    of the visits of a period; the referral selection already applied the filters.
    """
    if not referral_ids:
        return {}
    unfiltered = replace(filters, clinics=(), clinicians=(), payers=(), sources=())
    rows = run_keyed(
        VisitMoneyQuery,
        unfiltered,
        "ve.referral_id",
        replace_sql=(
            (
                "v.date_of_service BETWEEN %(start)s AND %(end)s",
                "ve.referral_id = ANY(%(referral_ids)s)",
            ),
        ),
        params={"referral_ids": [int(i) for i in referral_ids]},
    )
    return {key: row["insurance_paid"] + row["patient_paid"] for key, row in rows.items()}


# -- schedule ----------------------------------------------------------------------------


APPOINTMENT_COUNTS = ("attended_minutes", "attended", "cancelled", "late_cancel", "no_show")


def appointments_by_clinic_month(filters: MetricFilters) -> dict[tuple[int, str], dict]:
    """Appointment counts per (clinic id, local month) — the arrival-rate inputs — from
    the appointment rollup's rows (monthly ones for whole months)."""
    sums = ", ".join(f"sum({name})::bigint" for name in APPOINTMENT_COUNTS)
    found = _kept_rows(
        filters,
        AppointmentRollup,
        f"clinic_id, to_char(day, 'YYYY-MM'), {sums}",
        tail="GROUP BY 1, 2",
    )
    return {
        (clinic, month): dict(zip(APPOINTMENT_COUNTS, counts, strict=True))
        for clinic, month, *counts in found
    }


def appointments_by_clinic_month_direct(filters: MetricFilters) -> dict[tuple[int, str], dict]:
    """``appointments_by_clinic_month`` from the appointments."""
    rows = appointment_rows(
        filters, "(a.clinic_id::text || '|' || to_char(a.local_date, 'YYYY-MM'))"
    )
    result = {}
    for key, row in rows.items():
        clinic, month = key.split("|")
        result[(int(clinic), month)] = row
    return result


def attended_by_weekday_hour(filters: MetricFilters) -> dict:
    """Attended appointments and minutes per (ISO weekday 1–7, hour 0–23) of their start
    in the clinic's local time (the organization's time zone when the clinic has none),
    read from ``AppointmentSlotRollup`` (kept by the refresh)."""
    found = _kept_rows(
        filters,
        AppointmentSlotRollup,
        "weekday, hour, sum(attended)::bigint, sum(attended_minutes)::bigint",
        tail="GROUP BY weekday, hour",
    )
    return {
        (int(weekday), int(hour)): {"attended": attended, "attended_minutes": minutes}
        for weekday, hour, attended, minutes in found
    }


def attended_by_weekday_hour_direct(filters: MetricFilters, default_timezone: str) -> dict:
    """``attended_by_weekday_hour`` from the appointments (slots with attended ones)."""
    rows = run_keyed(AppointmentQuery, filters, SLOT_KEY, params={"default_tz": default_timezone})
    result = {}
    for slot, row in rows.items():
        if row["attended"]:
            weekday, hour = slot.split("|")
            result[(int(weekday), int(hour))] = {
                "attended": row["attended"],
                "attended_minutes": row["attended_minutes"],
            }
    return result


def attended_in_slot(
    filters: MetricFilters, default_timezone: str, weekday: int, hour: int
) -> dict[int, dict]:
    """The attended appointments counted in one cell of ``attended_by_weekday_hour``
    (ISO weekday 1–7, hour 0–23): {appointment id: row}."""
    key = f"(a.id::text || '|' || {SLOT_KEY})"
    rows = run_keyed(AppointmentQuery, filters, key, params={"default_tz": default_timezone})
    wanted = f"{int(weekday)}|{int(hour):02d}"
    result = {}
    for found, row in rows.items():
        appointment_id, _, slot = found.partition("|")
        if slot == wanted and row["attended"]:
            result[int(appointment_id)] = row
    return result


# -- claims: days to pay ---------------------------------------------------------------


class DaysToPayQuery(MetricQuery):
    """Claims first adjudicated in the period (the denial-rate set): days from
    ``submitted_on`` to the first adjudication's payment date, median and p90 per group."""

    def sql(self) -> str:
        return f"""
        WITH first AS (
            SELECT DISTINCT ON (cp.claim_id) cp.claim_id, r.payment_date
            FROM billing_claimpayment cp
            JOIN billing_remittance r ON r.id = cp.remittance_id AND r.organization_id = %(org)s
            WHERE cp.organization_id = %(org)s AND cp.claim_id IN (
                SELECT cp2.claim_id FROM billing_claimpayment cp2
                JOIN billing_remittance r2
                  ON r2.id = cp2.remittance_id AND r2.organization_id = %(org)s
                WHERE cp2.organization_id = %(org)s AND cp2.claim_id IS NOT NULL
                  AND r2.payment_date BETWEEN %(start)s AND %(end)s)
            ORDER BY {FIRST_ADJUDICATION_ORDER}
        ),
        days AS (
            SELECT {self.group(CLAIM_ATTRIBUTION)} AS grp,
                   (f.payment_date - c.submitted_on) AS days
            FROM first f
            JOIN billing_claim c ON c.id = f.claim_id AND c.organization_id = %(org)s
            JOIN episodes_visit v ON v.id = c.visit_id AND v.organization_id = %(org)s
            JOIN episodes_episode ve ON ve.id = v.episode_id AND ve.organization_id = %(org)s
            LEFT JOIN episodes_referral csrc
              ON csrc.id = ve.referral_id AND csrc.organization_id = %(org)s
            WHERE f.payment_date BETWEEN %(start)s AND %(end)s
              {self.where(CLAIM_ATTRIBUTION)}
        )
        SELECT grp, count(*) AS claims,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90_days
        FROM days GROUP BY grp
        """


def days_to_pay(
    filters: MetricFilters, dimension: str | None = "payer", *, with_total: bool = False
) -> dict[Any, dict]:
    """Days to pay per group, from the claims first adjudicated the rollup refresh keeps
    (``AdjudicatedClaimRollup``: the same claims, attributed the same way);
    ``days_to_pay_direct`` computes it from the normalized tables. ``with_total``: also
    the whole selection's row (key ``ALL``) from the same read."""
    ensure_fresh(filters.organization_id)
    grouped = replace(filters, group_by=GroupBy(dimension) if dimension else None)
    query = DaysToPayRollupQuery(grouped)
    query.with_total = with_total
    rows = query.fetch() or {}
    # A grouping set over no claim still yields a total row: no claims, no figures.
    if rows.get(ALL, {}).get("claims") == 0:
        del rows[ALL]
    return rows


def days_to_pay_direct(filters: MetricFilters, dimension: str | None = "payer") -> dict[Any, dict]:
    grouped = replace(filters, group_by=GroupBy(dimension) if dimension else None)
    return DaysToPayQuery(grouped).fetch() or {}


class DaysToPayRollupQuery(RollupQuery):
    """``DaysToPayQuery`` over the kept claims: their day is the first adjudication's
    payment date, ``days_to_pay`` counts from the claim's submission."""

    def __init__(self, filters: MetricFilters) -> None:
        super().__init__(filters, AdjudicatedClaimRollup)

    def sql(self) -> str:
        return f"""
        SELECT {self._group()} AS grp{self._total_flag()}, count(*) AS claims,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_pay) AS median_days,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY days_to_pay) AS p90_days
        {self._from()}
        {self._grouping()}
        """


# -- copays and patient payments ----------------------------------------------------------

# The staff member of a payment: its trimmed ``collected_by`` ("" when not recorded).
STAFF = "coalesce(nullif(btrim(pp.collected_by), ''), '')"


def _patient_payments(filters: MetricFilters) -> tuple[str, dict]:
    """A ``payments`` CTE: the patient payments applied to the visits of the period (the
    rows of the patient_paid metric — payments with the visit's id; refunds negative in
    ``signed``) with ``at_tos``, the copay_collected_at_tos numerator's condition (kind
    ``copay`` collected on the DOS), and the staff member — and its parameters."""
    query = VisitMoneyQuery(replace(filters, group_by=None))
    selection = visit_selection(query, period="v.date_of_service BETWEEN %(start)s AND %(end)s")
    statement = f"""
        WITH v AS MATERIALIZED ({selection}),
        payments AS (
            SELECT pp.id, pp.visit_id, pp.amount,
                   CASE WHEN pp.kind = 'refund' THEN -pp.amount ELSE pp.amount END AS signed,
                   (pp.kind = 'copay' AND pp.collected_on = v.dos) AS at_tos,
                   {STAFF} AS staff
            FROM billing_patientpayment pp JOIN v ON v.visit_id = pp.visit_id
            WHERE pp.organization_id = %(org)s
        )
    """
    return statement, dict(query.params)


def copays_by_staff(filters: MetricFilters) -> list[dict]:
    """Copays collected at the time of service (the numerator of copay_collected_at_tos:
    kind ``copay``, with the visit's id, collected on its DOS) over visits in the period,
    per ``collected_by``."""
    payments, params = _patient_payments(filters)
    statement = f"""{payments}
        SELECT staff, count(*) AS payments, coalesce(sum(amount), 0) AS collected
        FROM payments WHERE at_tos
        GROUP BY staff ORDER BY collected DESC, staff
    """
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [
            {"staff": staff, "payments": payments, "amount": amount}
            for staff, payments, amount in cursor.fetchall()
        ]


def payment_rows(filters: MetricFilters, *, staff: str | None = None) -> dict[int, dict]:
    """Per patient payment applied to a visit in the period: its signed amount (refunds
    negative: they add up to patient_paid), collected at the time of service or not and
    its staff member. With ``staff`` ("" for not recorded) just that staff member's copays
    collected at the time of service: one row of ``copays_by_staff``."""
    payments, params = _patient_payments(filters)
    where = ""
    if staff is not None:
        where = "WHERE at_tos AND staff = %(staff)s"
        params["staff"] = staff
    statement = f"{payments} SELECT id, signed, at_tos, staff FROM payments {where}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return {
            payment_id: {"amount": signed, "at_tos": at_tos, "staff": name}
            for payment_id, signed, at_tos, name in cursor.fetchall()
        }


def staff_known(name: str) -> bool:
    """Whether ``name`` is the (trimmed) ``collected_by`` of a patient payment of the
    organization in scope."""
    return PatientPayment.objects.annotate(staff=Trim("collected_by")).filter(staff=name).exists()


# -- denials: dollars at stake ---------------------------------------------------------


def _open_denials(filters: MetricFilters):
    """Open denials (status ``open`` now) on claims of visits with a DOS in the period,
    attributed as claims are."""
    query = Denial.objects.filter(
        status="open",
        claim__visit__date_of_service__range=(filters.start, filters.end),
    )
    if filters.clinics:
        query = query.filter(claim__visit__clinic_id__in=filters.clinics)
    if filters.clinicians:
        query = query.filter(claim__visit__clinician_id__in=filters.clinicians)
    if filters.payers:
        query = query.filter(claim__payer_id__in=filters.payers)
    if filters.sources:
        query = query.filter(claim__visit__episode__referral__source_id__in=filters.sources)
    return query


def open_denial_dollars(filters: MetricFilters) -> list[dict]:
    """Σ ``Denial.amount`` of open denials (status ``open`` now) on claims of visits with a
    DOS in the period, per (root cause, payer) — attributed as claims are."""
    query = (
        _open_denials(filters)
        .values("root_cause", "claim__payer__name", "claim__payer__external_id")
        .annotate(amount=Sum("amount"), denials=Count("id"))
        .order_by("-amount", "root_cause", "claim__payer__name")
    )
    # Hash joins: planned alone, it looped over every claim of each payer and probed
    # its visit (6–7 s for a year at 50 clinics; 2.2 s hashed).
    with transaction.atomic(), connection.cursor() as cursor, whole_set_plan(cursor):
        return list(query)


def open_denial_rows(filters: MetricFilters, *, root_cause: str | None = None) -> dict[int, dict]:
    """The claims behind ``open_denial_dollars`` (with ``root_cause``: behind one root
    cause's rows): {claim id: its open denials (group, CARC, root cause, amount) and
    their Σ amount}."""
    query = _open_denials(filters)
    if root_cause is not None:
        query = query.filter(root_cause=root_cause)
    result: dict[int, dict] = {}
    for denial in query.values(
        "claim_id", "group_code", "reason_code", "root_cause", "amount"
    ).order_by("claim_id", "id"):
        entry = result.setdefault(denial["claim_id"], {"denials": [], "amount": Decimal("0")})
        entry["denials"].append(denial)
        entry["amount"] += denial["amount"]
    return result


# -- episodes: under-scheduled patients ---------------------------------------------------


class OpenEpisodeQuery(MetricQuery):
    """Episodes open as of D (started, not discharged by D) in the selection, with the
    current plan of care's frequency and end and the booked (status scheduled)
    appointments dated on or after D."""

    def sql(self) -> str:
        return f"""
        SELECT e.id AS episode_id, e.patient_id, e.primary_payer_id AS payer_id,
               poc.visits_per_week, poc.cert_end,
               coalesce((SELECT array_agg(a.local_date ORDER BY a.local_date)
                         FROM episodes_appointment a
                         WHERE a.organization_id = %(org)s AND a.episode_id = e.id
                           AND a.status = 'scheduled' AND a.local_date >= %(as_of)s),
                        '{{}}') AS booked,
               NULL::bigint AS grp
        FROM episodes_episode e
        {episode_joins(self)}
        LEFT JOIN LATERAL (
            SELECT p.visits_per_week, p.cert_end FROM episodes_planofcare p
            WHERE p.organization_id = %(org)s AND p.episode_id = e.id
            ORDER BY (p.cert_start <= %(as_of)s AND p.cert_end >= %(as_of)s) DESC,
                     p.cert_start DESC, p.id DESC
            LIMIT 1
        ) poc ON TRUE
        WHERE e.organization_id = %(org)s AND e.start_date <= %(as_of)s
          AND (e.discharge_date IS NULL OR e.discharge_date > %(as_of)s)
          {self.where(EPISODE_ATTRIBUTION)}
        """


@dataclass
class SchedulingGap:
    episode_id: int
    visits_per_week: Decimal | None
    expected: int
    booked_next_4_weeks: int
    under_scheduled: bool
    not_covered: list  # UncoveredBooking
    authorization: AuthorizationRule | None


def under_scheduled_episodes(filters: MetricFilters, weeks: int = 4) -> list[SchedulingGap]:
    """Open episodes whose booked appointments over the next ``weeks`` weeks from the
    as-of date fall short of the plan of care's visits per week × weeks, or that are
    booked past their authorization's visits or end date. Three queries in all."""
    as_of = filters.as_of_date
    with connection.cursor() as cursor:
        query = OpenEpisodeQuery(replace(filters, group_by=None))
        cursor.execute(query.sql(), query.params)
        columns = [column.name for column in cursor.description]
        episodes = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    if not episodes:
        return []
    patients = {row["patient_id"] for row in episodes}
    authorizations = authorizations_of(patients, as_of, filters.organization_id)
    window_end = as_of + datetime.timedelta(weeks=weeks)
    gaps = []
    for row in episodes:
        booked = list(row["booked"] or [])
        frequency = row["visits_per_week"]
        short = under_scheduled(frequency, booked, as_of, weeks, plan_end=row["cert_end"])
        auth = None
        uncovered = []
        if row["payer_id"] is not None and authorizations.get(row["patient_id"]):
            first = booked[0] if booked else as_of
            coverage = authorization_coverage(
                authorizations[row["patient_id"]], str(row["payer_id"]), first
            )
            auth = coverage.authorization
            if auth is not None and booked:
                uncovered = bookings_not_covered(auth, booked)
        if not short and not uncovered:
            continue
        expected = 0
        if frequency:
            days = (window_end - as_of).days
            if row["cert_end"] is not None:
                days = min(days, (row["cert_end"] + datetime.timedelta(days=1) - as_of).days)
            expected = int(frequency * max(days, 0) // 7)
        gaps.append(
            SchedulingGap(
                episode_id=row["episode_id"],
                visits_per_week=frequency,
                expected=expected,
                booked_next_4_weeks=sum(1 for day in booked if as_of <= day < window_end),
                under_scheduled=short,
                not_covered=uncovered,
                authorization=auth,
            )
        )
    return gaps


def authorizations_of(
    patient_ids, as_of: datetime.date, organization_id: int
) -> dict[int, list[AuthorizationRule]]:
    """The patients' authorizations as ``billing.rules.authorizations`` takes them
    (two queries). The model has no ``visits_used``: authorized visits are consumed
    by billed visits (a visit with a claim to that payer) dated in the window, before
    ``as_of`` (``_authorized_visits_used``). Shared by the Episodes page's scheduling
    gaps and the front desk's coverage badges, so the two agree."""
    auth_rows = list(
        Authorization.objects.filter(patient_id__in=patient_ids).values(
            "id",
            "patient_id",
            "payer_id",
            "start_date",
            "end_date",
            "visits_authorized",
            "units_authorized",
            "auth_number",
        )
    )
    used = _authorized_visits_used(auth_rows, as_of, organization_id)
    authorizations = defaultdict(list)
    for row in auth_rows:
        authorizations[row["patient_id"]].append(
            AuthorizationRule(
                payer_id=str(row["payer_id"]),
                start_date=row["start_date"],
                end_date=row["end_date"],
                visits_authorized=row["visits_authorized"],
                visits_used=used.get(row["id"], 0),
                units_authorized=row["units_authorized"],
                auth_number=row["auth_number"] or None,
                authorization_id=str(row["id"]),
            )
        )
    return authorizations


def _authorized_visits_used(
    auth_rows: list[dict], as_of: datetime.date, organization_id: int
) -> dict[int, int]:
    """Authorization id -> visits it has consumed before ``as_of``: the patient's
    visits in its window billed to its payer (shared with the front desk's
    coverage badges, so the two pages agree)."""
    if not auth_rows:
        return {}
    statement = """
        SELECT au.id, count(DISTINCT v.id)
        FROM episodes_authorization au
        JOIN episodes_episode e
          ON e.patient_id = au.patient_id AND e.organization_id = au.organization_id
        JOIN episodes_visit v ON v.episode_id = e.id AND v.organization_id = au.organization_id
        WHERE au.organization_id = %(org)s AND au.id = ANY(%(ids)s)
          AND v.date_of_service BETWEEN au.start_date AND least(au.end_date, %(as_of)s)
          AND v.date_of_service < %(as_of)s
          AND EXISTS (SELECT 1 FROM billing_claim c
                      WHERE c.visit_id = v.id AND c.payer_id = au.payer_id
                        AND c.organization_id = au.organization_id)
        GROUP BY au.id
    """
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            {"ids": [row["id"] for row in auth_rows], "as_of": as_of, "org": organization_id},
        )
        return dict(cursor.fetchall())


# -- enrichment: names and links for row lists (one query per kind, never per row) -------


def visits_by_dos(visit_ids) -> list[int]:
    """``visit_ids`` in list order: by date of service, then id."""
    return _ids_in_order(
        "SELECT v.id FROM episodes_visit v WHERE v.id = ANY(%s) ORDER BY v.date_of_service, v.id",
        visit_ids,
    )


def claims_by_dos(claim_ids) -> list[int]:
    """``claim_ids`` in list order: by their visit's date of service, then claim id."""
    return _ids_in_order(
        "SELECT c.id FROM billing_claim c JOIN episodes_visit v ON v.id = c.visit_id"
        " WHERE c.id = ANY(%s) ORDER BY v.date_of_service, c.id",
        claim_ids,
    )


def _ids_in_order(statement: str, ids) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(statement, [[int(i) for i in ids]])
        return [row[0] for row in cursor.fetchall()]


def visits_detail(visit_ids) -> dict[int, dict]:
    rows = Visit.objects.filter(pk__in=list(visit_ids)).values(
        "id",
        "external_id",
        "date_of_service",
        "episode__external_id",
        "episode__patient__first_name",
        "episode__patient__last_name",
        "clinic__name",
        "clinician__name",
    )
    result = {row["id"]: row for row in rows}
    claims = defaultdict(list)
    for claim in Claim.objects.filter(visit_id__in=list(visit_ids)).values(
        "visit_id", "external_id", "payer__name"
    ):
        claims[claim["visit_id"]].append(claim)
    for visit_id, row in result.items():
        row["claims"] = claims.get(visit_id, [])
    return result


def claims_detail(claim_ids) -> dict[int, dict]:
    claim_ids = list(claim_ids)
    rows = Claim.objects.filter(pk__in=claim_ids).values(
        "id",
        "external_id",
        "submitted_on",
        "billed_amount",
        "payer__name",
        "visit__date_of_service",
        "visit__clinic__name",
        "visit__episode__patient__first_name",
        "visit__episode__patient__last_name",
    )
    result = {
        row["id"]: {**row, "remittances": [], "carcs": [], "paid": Decimal("0")} for row in rows
    }
    for payment in (
        ClaimPayment.objects.filter(claim_id__in=claim_ids)
        .values(
            "claim_id",
            "remittance__payment_date",
            "remittance__trace_number",
            "paid_amount",
            "status_code",
        )
        .order_by("remittance__payment_date", "id")
    ):
        entry = result.get(payment["claim_id"])
        if entry is not None:
            entry["remittances"].append(payment)
            entry["paid"] += payment["paid_amount"]
    for adjustment in (
        Adjustment.objects.filter(claim_payment__claim_id__in=claim_ids)
        .values("claim_payment__claim_id", "group_code", "reason_code", "amount")
        .order_by("id")
    ):
        entry = result.get(adjustment["claim_payment__claim_id"])
        if entry is not None:
            entry["carcs"].append(adjustment)
    return result


def episodes_detail(episode_ids, as_of: datetime.date | None = None) -> dict[int, dict]:
    visits = Q(visits__date_of_service__lte=as_of) if as_of else Q()
    rows = (
        Episode.objects.filter(pk__in=list(episode_ids))
        .values(
            "id",
            "external_id",
            "start_date",
            "discharge_date",
            "discharge_reason",
            "patient__first_name",
            "patient__last_name",
            "clinic__name",
            "primary_payer__name",
        )
        .annotate(last_visit=Max("visits__date_of_service", filter=visits))
    )
    return {row["id"]: row for row in rows}


def referrals_detail(referral_ids) -> dict[int, dict]:
    rows = Referral.objects.filter(pk__in=list(referral_ids)).values(
        "id",
        "external_id",
        "received_on",
        "source__name",
        "source__external_id",
        "clinic__name",
        "patient__first_name",
        "patient__last_name",
    )
    return {row["id"]: row for row in rows}


def appointments_detail(appointment_ids) -> dict[int, dict]:
    rows = Appointment.objects.filter(pk__in=list(appointment_ids)).values(
        "id",
        "external_id",
        "local_date",
        "starts_at",
        "status",
        "visit_type",
        "duration_minutes",
        "clinic__name",
        "clinician__name",
        "patient__first_name",
        "patient__last_name",
    )
    return {row["id"]: row for row in rows}


def lines_detail(line_ids) -> dict[int, dict]:
    line_ids = list(line_ids)
    rows = ChargeLine.objects.filter(pk__in=line_ids).values(
        "id",
        "cpt_code",
        "units",
        "modifiers",
        "claim__external_id",
        "claim__payer__name",
        "claim__payer__external_id",
        "visit__date_of_service",
        "visit__clinic__name",
        "visit__clinic__external_id",
        "visit__episode__patient__first_name",
        "visit__episode__patient__last_name",
    )
    result = {row["id"]: {**row, "paid": Decimal("0")} for row in rows}
    for paid in (
        ServicePayment.objects.filter(
            charge_line_id__in=line_ids, claim_payment__claim__isnull=False
        )
        .values("charge_line_id")
        .annotate(total=Sum("paid_amount"))
    ):
        result[paid["charge_line_id"]]["paid"] = paid["total"]
    return result


def payments_detail(payment_ids) -> dict[int, dict]:
    rows = PatientPayment.objects.filter(pk__in=list(payment_ids)).values(
        "id",
        "external_id",
        "collected_on",
        "kind",
        "visit__external_id",
        "visit__date_of_service",
        "visit__clinic__name",
        "patient__first_name",
        "patient__last_name",
    )
    return {row["id"]: row for row in rows}
