"""Rewrite rollup rows: the dirty days after a write, or everything.

A family's rows for days [a, b] are deleted and re-inserted from the family's own
SQL (``analytics.metrics.queries``) run in grain mode for [a, b] — the same
statement the direct computation uses, grouped by (day, clinic, clinician, payer,
source) instead of by one attribute. Dirty days close together are refreshed as one
range (fewer statements; a day that was not dirty is rewritten to the same rows).
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction

from analytics.metrics.filters import MetricFilters
from analytics.metrics.queries import QUERIES
from analytics.metrics.queries.base import GRAIN_EPOCH
from analytics.metrics.queries.charge_lines import UnderpaidLineQuery
from analytics.metrics.queries.claims import AdjudicatedClaimQuery
from analytics.metrics.queries.schedule import AppointmentSlotQuery
from analytics.metrics.queries.visits import ReferralMoneyQuery
from analytics.models import (
    ATTRIBUTES,
    OPEN_END,
    ROLLUPS,
    PatientCreditBalance,
    ReceivableBalance,
    ReceivableMovement,
    Rollup,
    RollupDirtyDay,
)
from analytics.rollups.receivables import PatientCreditLedgerQuery, ReceivableLedgerQuery
from ptrevops.tenancy.context import current_organization_id

# pg_advisory_xact_lock(class, organization id): one refresh per organization at a time.
ADVISORY_LOCK = 7_303
# Dirty days at most this far apart are refreshed as one range.
MERGE_GAP_DAYS = 7
ALL_TIME = (datetime.date(1900, 1, 1), datetime.date(2999, 12, 31))

BY_FAMILY: dict[str, type[Rollup]] = {model.family: model for model in ROLLUPS}
# The statement that yields a family's grain rows: its metric query in grain mode, or
# (A/R) a ledger query of its own.
GRAIN_QUERIES = {
    **QUERIES,
    "receivables": ReceivableLedgerQuery,
    "patient_credits": PatientCreditLedgerQuery,
    "underpaid_lines": UnderpaidLineQuery,
    "adjudicated_claims": AdjudicatedClaimQuery,
    "referral_money": ReferralMoneyQuery,
    "appointment_slots": AppointmentSlotQuery,
}
# The dirty marks a refresh consumes: those of the families this code keeps (not of
# one a later migration introduced).
KNOWN_FAMILIES = sorted(BY_FAMILY)

# The A/R ledgers are keyed by DOS and change exactly when the visit family's day
# does (claims, remittances, CAS, patient payments, attribution): the triggers mark
# "visits" and the refresh rewrites these with it, as the referrals' money (their
# visits' money by DOS, a visit's episode and referral marking its DOS too); the
# underpaid lines are the charge lines', the claims first adjudicated the claims' and
# the schedule slots the appointments' (the family's SQL grouped finer; the slots also
# read the time zones, whose changes mark "appointment_slots" days themselves).
FOLLOWS = {
    "appointments": ("appointment_slots",),
    "visits": ("receivables", "patient_credits", "referral_money"),
    "charge_lines": ("underpaid_lines",),
    "claims": ("adjudicated_claims",),
}


@dataclass
class RefreshReport:
    dirty_days: int = 0
    ranges: dict[str, list[tuple[datetime.date, datetime.date]]] = field(default_factory=dict)
    rows_written: int = 0
    seconds: float = 0.0
    # Seconds per family (its every tier), to see where a refresh's time goes.
    family_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "dirty_days": self.dirty_days,
            "ranges": {
                family: [(a.isoformat(), b.isoformat()) for a, b in spans]
                for family, spans in self.ranges.items()
            },
            "rows_written": self.rows_written,
            "seconds": round(self.seconds, 3),
            "family_seconds": {
                name: round(value, 3) for name, value in self.family_seconds.items()
            },
        }


def merge_days(
    days: list[datetime.date], gap: int = MERGE_GAP_DAYS
) -> list[tuple[datetime.date, datetime.date]]:
    """Sorted, disjoint [first, last] ranges covering ``days``; days within ``gap`` of
    each other share a range."""
    ranges: list[tuple[datetime.date, datetime.date]] = []
    for day in sorted(set(days)):
        if ranges and (day - ranges[-1][1]).days <= gap:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def has_dirty_days(organization_id: int) -> bool:
    return RollupDirtyDay.objects.filter(
        organization_id=organization_id, family__in=KNOWN_FAMILIES
    ).exists()


def refresh(organization_id: int) -> RefreshReport:
    """Rewrite the dirty days of every family; run inside the tenant scope."""
    _require_scope(organization_id)
    started = time.perf_counter()
    report = RefreshReport()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK, organization_id])
        # Only the families this code keeps: code older than the last migration (a
        # worker not yet restarted) must leave a new family's marks for its successor.
        cursor.execute(
            "DELETE FROM analytics_rollupdirtyday WHERE organization_id = %s"
            " AND family = ANY(%s) RETURNING family, day",
            [organization_id, KNOWN_FAMILIES],
        )
        by_family: dict[str, list[datetime.date]] = defaultdict(list)
        for family, day in cursor.fetchall():
            by_family[family].append(day)
            report.dirty_days += 1
        for family, followers in FOLLOWS.items():
            for follower in followers:
                by_family[follower].extend(by_family.get(family, []))
        for family, days in sorted(by_family.items()):
            model = BY_FAMILY[family]
            report.ranges[family] = merge_days(days)
            began = time.perf_counter()
            report.rows_written += _rewrite_family(
                cursor, model, organization_id, report.ranges[family]
            )
            report.family_seconds[family] = time.perf_counter() - began
    report.seconds = time.perf_counter() - started
    return report


def rebuild(organization_id: int) -> RefreshReport:
    """Rewrite every family for all time (after a restore, or to repair)."""
    _require_scope(organization_id)
    started = time.perf_counter()
    report = RefreshReport()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK, organization_id])
        cursor.execute(
            "DELETE FROM analytics_rollupdirtyday WHERE organization_id = %s", [organization_id]
        )
        for model in ROLLUPS:
            report.ranges[model.family] = [ALL_TIME]
            report.rows_written += _rewrite_family(cursor, model, organization_id, [ALL_TIME])
    report.seconds = time.perf_counter() - started
    return report


def _rewrite_family(cursor, model: type[Rollup], organization_id: int, ranges) -> int:
    """Every tier of ``model`` for the day ranges: the daily rows from the family's
    SQL, the clinic tier from them, then the months they touch from the daily rows
    of each tier; the A/R ledger's balance intervals from the ledger."""
    written = 0
    for start, end in ranges:
        if model is BALANCES_FROM:
            _ledger_movements(cursor, organization_id, start, end, before=True)
        written += _rewrite(cursor, model, organization_id, start, end)
        if model.has_clinic_tier:
            written += _derive(cursor, model, organization_id, start, end, monthly=False)
        if model is BALANCES_FROM:
            written += _rewrite_balances(cursor, organization_id, start, end)
            _ledger_movements(cursor, organization_id, start, end, before=False)
            written += _move_totals(cursor, organization_id)
        if model is CREDITS_FROM:
            written += _rewrite_credits(cursor, organization_id, start, end)
    if model.has_monthly_tier:
        for start, end in months_of(ranges):
            written += _derive(cursor, model, organization_id, start, end, monthly=True)
            if model.has_clinic_tier:
                written += _derive(
                    cursor, model, organization_id, start, end, monthly=True, by_clinic=True
                )
    return written


def _rewrite(cursor, model: type[Rollup], organization_id: int, start, end) -> int:
    table = model._meta.db_table
    filters = MetricFilters(organization_id=organization_id, start=start, end=end)
    query = GRAIN_QUERIES[model.family](filters, grain=True)
    measures = model.measures()
    cursor.execute(
        f"DELETE FROM {table} WHERE organization_id = %(org)s AND NOT monthly"
        " AND NOT by_clinic AND day BETWEEN %(start)s AND %(end)s",
        query.params,
    )
    keys = ["day", *ATTRIBUTES, *model.key_fields]
    values = [f"DATE '{GRAIN_EPOCH}' + q.grp[1]::integer"]
    values += [f"q.grp[{index}]" for index in range(2, 6)]
    for index, name in enumerate(model.key_fields, start=6):
        is_date = model._meta.get_field(name).get_internal_type() == "DateField"
        values.append(
            f"DATE '{GRAIN_EPOCH}' + q.grp[{index}]::integer" if is_date else f"q.grp[{index}]"
        )
    columns = ", ".join([*keys, *measures])
    selected = ", ".join([*values, *(f"q.{name}" for name in measures)])
    # Hash joins: see MetricQuery.fetch.
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute(
        f"""
        INSERT INTO {table} (organization_id, monthly, by_clinic, {columns})
        SELECT %(org)s, FALSE, FALSE, {selected}
        FROM ({query.sql()}) q
        """,
        query.params,
    )
    written = cursor.rowcount
    cursor.execute("SET LOCAL enable_nestloop = on")
    return written


def months_of(
    ranges: list[tuple[datetime.date, datetime.date]],
) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar months the day ranges touch, as merged [first day, last day] spans."""
    spans = []
    for start, end in ranges:
        first = start.replace(day=1)
        last = (end.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        last -= datetime.timedelta(days=1)
        if spans and first <= spans[-1][1] + datetime.timedelta(days=1):
            spans[-1] = (spans[-1][0], max(spans[-1][1], last))
        else:
            spans.append((first, last))
    return spans


def _derive(
    cursor,
    model: type[Rollup],
    organization_id: int,
    start,
    end,
    *,
    monthly: bool,
    by_clinic: bool | None = None,
) -> int:
    """Rewrite one derived tier for the days (or whole months) in [start, end]: the
    monthly rows from the daily rows of the same attribute tier, or (``monthly`` false)
    the daily clinic tier from the daily rows."""
    by_clinic = not monthly if by_clinic is None else by_clinic
    table = model._meta.db_table
    params = {"org": organization_id, "start": start, "end": end}
    cursor.execute(
        f"DELETE FROM {table} WHERE organization_id = %(org)s AND monthly = {monthly}"
        f" AND by_clinic = {by_clinic} AND day BETWEEN %(start)s AND %(end)s",
        params,
    )
    period = "date_trunc('month', day::timestamp)::date" if monthly else "day"
    kept = ["clinic_id"] if by_clinic else ATTRIBUTES
    keys = [*kept, *model.key_fields]
    selected = [*keys, *("NULL" for name in ATTRIBUTES if name not in kept)]
    columns = [*keys, *(name for name in ATTRIBUTES if name not in kept)]
    measures = model.measures()
    sums = [_merged(name) if name == "root_causes" else f"sum({name})" for name in measures]
    # Monthly rows come from the daily rows of their own attribute tier.
    source_tier = f"NOT monthly AND by_clinic = {by_clinic and monthly}"
    cursor.execute(
        f"""
        INSERT INTO {table} (organization_id, monthly, by_clinic, day, {", ".join(columns)},
                             {", ".join(measures)})
        SELECT %(org)s, {monthly}, {by_clinic}, {period}, {", ".join(selected)},
               {", ".join(sums)}
        FROM {table}
        WHERE organization_id = %(org)s AND {source_tier} AND day BETWEEN %(start)s AND %(end)s
        GROUP BY {period}, {", ".join(keys)}
        """,
        params,
    )
    return cursor.rowcount


def _merged(name: str) -> str:
    """The sum of a group's {key: count} maps, key by key."""
    return f"""coalesce((
        SELECT jsonb_object_agg(cause.key, cause.total) FROM (
            SELECT entry.key, sum(entry.value::bigint) AS total
            FROM unnest(array_agg({name})) map, jsonb_each_text(map) entry
            GROUP BY entry.key
        ) cause
    ), '{{}}'::jsonb)"""


# The ledgers whose rows the balance and credit intervals are computed from.
BALANCES_FROM = BY_FAMILY["receivables"]
CREDITS_FROM = BY_FAMILY["patient_credits"]


def _rewrite_balances(cursor, organization_id: int, start, end) -> int:
    """Rewrite the A/R balance intervals of the DOS in [start, end] from the ledger
    rows (all of a DOS's events are ledger rows of that DOS): running sums per DOS
    and attributes, kept while non-zero; the clinic tier the same over the rows
    summed per clinic."""
    table = ReceivableBalance._meta.db_table
    params = _delete_days(cursor, table, organization_id, start, end)
    written = 0
    for by_clinic in (False, True):
        kept = ["clinic_id"] if by_clinic else ATTRIBUTES
        group = ["day", *kept]
        written += _insert_intervals(
            cursor,
            table,
            BALANCES_FROM,
            params,
            keys=group,
            partition=group,
            amounts=["claim_amount", "patient_amount"],
            keep="claim_amount <> 0 OR patient_amount <> 0",
            by_clinic=by_clinic,
        )
    return written


def _rewrite_credits(cursor, organization_id: int, start, end) -> int:
    """Rewrite the patient-credit intervals of the visits with DOS in [start, end]: the
    running patient balance per visit, kept while below zero."""
    table = PatientCreditBalance._meta.db_table
    params = _delete_days(cursor, table, organization_id, start, end)
    return _insert_intervals(
        cursor,
        table,
        CREDITS_FROM,
        params,
        keys=["day", *ATTRIBUTES, "visit_id"],
        partition=["visit_id"],
        amounts=["amount"],
        keep="amount < 0",
        by_clinic=False,
    )


def _delete_days(cursor, table: str, organization_id: int, start, end) -> dict:
    params = {"org": organization_id, "start": start, "end": end, "open": OPEN_END}
    cursor.execute(
        f"DELETE FROM {table} WHERE organization_id = %(org)s"
        " AND day BETWEEN %(start)s AND %(end)s",
        params,
    )
    return params


def _insert_intervals(
    cursor,
    table: str,
    ledger: type[Rollup],
    params: dict,
    *,
    keys: list[str],
    partition: list[str],
    amounts: list[str],
    keep: str,
    by_clinic: bool,
) -> int:
    """Insert intervals from the full-tier ledger rows of [start, end], summed per
    ``keys`` and event day: per ``partition``, the running sums of ``amounts`` in event
    order, each valid from its event day to the next (``OPEN_END`` after the last),
    kept where ``keep`` holds. Attributes not among ``keys`` are NULL (clinic tier)."""
    nulls = [name for name in ATTRIBUTES if name not in keys]
    columns = ", ".join([*keys, *nulls, *amounts])
    selected = ", ".join([*keys, *("NULL" for _ in nulls), *amounts])
    window = f"PARTITION BY {', '.join(partition)} ORDER BY event_day"
    running = ", ".join(f"sum({name}) OVER running AS {name}" for name in amounts)
    cursor.execute(
        f"""
        INSERT INTO {table} (organization_id, monthly, by_clinic, {columns},
                             valid_from, valid_to)
        SELECT %(org)s, FALSE, {by_clinic}, {selected}, event_day, valid_to
        FROM (
            SELECT {", ".join(keys)}, event_day,
                   lead(event_day, 1, %(open)s::date) OVER running AS valid_to, {running}
            FROM (
                SELECT {", ".join(keys)}, event_day,
                       {", ".join(f"sum({name}) AS {name}" for name in amounts)}
                FROM {ledger._meta.db_table}
                WHERE organization_id = %(org)s AND NOT by_clinic
                  AND day BETWEEN %(start)s AND %(end)s
                GROUP BY {", ".join(keys)}, event_day
            ) events
            WINDOW running AS ({window})
        ) intervals
        WHERE {keep}
        """,
        params,
    )
    return cursor.rowcount


# The ledger's changes by the day they start to count, while a refresh applies them.
MOVEMENTS = "ar_movement_delta"


def _ledger_movements(cursor, organization_id: int, start, end, *, before: bool) -> None:
    """Record the ledger rows of the DOS in [start, end] by the day each starts to count
    (max(DOS, event day)): before their rewrite with a minus sign, after it with a plus
    — the delta ``_move_totals`` applies. A rebuild (all days) starts the organization's
    movements afresh instead of subtracting every row."""
    params = {"org": organization_id, "start": start, "end": end, "sign": -1 if before else 1}
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {MOVEMENTS} (clinic_id bigint, clinician_id bigint,"
        " payer_id bigint, source_id bigint, day date, claim_amount numeric,"
        " patient_amount numeric, ledger_rows bigint) ON COMMIT DROP"
    )
    if before and (start, end) == ALL_TIME:
        cursor.execute(
            f"DELETE FROM {ReceivableMovement._meta.db_table} WHERE organization_id = %(org)s",
            params,
        )
        return
    cursor.execute(
        f"""
        INSERT INTO {MOVEMENTS}
        SELECT {", ".join(ATTRIBUTES)}, greatest(day, event_day),
               %(sign)s * sum(claim_amount), %(sign)s * sum(patient_amount),
               %(sign)s * count(*)
        FROM {BALANCES_FROM._meta.db_table}
        WHERE organization_id = %(org)s AND NOT by_clinic AND NOT monthly
          AND day BETWEEN %(start)s AND %(end)s
        GROUP BY {", ".join(ATTRIBUTES)}, greatest(day, event_day)
        """,
        params,
    )


def _move_totals(cursor, organization_id: int) -> int:
    """Add the recorded ledger changes to ``ReceivableMovement`` (every tier), drop the
    rows no ledger row is left behind, and clear the record."""
    table = ReceivableMovement._meta.db_table
    params = {"org": organization_id}
    written = 0
    emptied: list[int] = []
    for by_clinic in (False, True):
        kept = ["clinic_id"] if by_clinic else ATTRIBUTES
        selected = ", ".join(name if name in kept else "NULL::bigint" for name in ATTRIBUTES)
        for monthly in (False, True):
            period = "date_trunc('month', day::timestamp)::date" if monthly else "day"
            cursor.execute(
                f"""
                INSERT INTO {table} AS m (organization_id, monthly, by_clinic, day,
                    {", ".join(ATTRIBUTES)}, claim_amount, patient_amount, ledger_rows)
                SELECT %(org)s, {monthly}, {by_clinic}, {period}, {selected},
                       sum(claim_amount), sum(patient_amount), sum(ledger_rows)
                FROM {MOVEMENTS}
                GROUP BY {period}, {", ".join(kept)}
                HAVING sum(claim_amount) <> 0 OR sum(patient_amount) <> 0
                    OR sum(ledger_rows) <> 0
                ON CONFLICT ON CONSTRAINT armove_unique_key DO UPDATE
                SET claim_amount = m.claim_amount + EXCLUDED.claim_amount,
                    patient_amount = m.patient_amount + EXCLUDED.patient_amount,
                    ledger_rows = m.ledger_rows + EXCLUDED.ledger_rows
                RETURNING m.id, m.ledger_rows = 0
                """,
                params,
            )
            written += cursor.rowcount
            emptied += [row_id for row_id, empty in cursor.fetchall() if empty]
    # Only rows this refresh changed can have lost their last ledger row: deleted by id
    # (a scan for such rows on the days touched read the whole tier: 0.66 s at 50
    # clinics). With no ledger row left, the amounts are zero too.
    if emptied:
        cursor.execute(
            f"DELETE FROM {table} WHERE organization_id = %(org)s AND id = ANY(%(ids)s)",
            {**params, "ids": emptied},
        )
    cursor.execute(f"TRUNCATE {MOVEMENTS}")
    return written


def _require_scope(organization_id: int) -> None:
    if current_organization_id() != organization_id:
        raise RuntimeError("rollup refresh must run inside tenant_context(organization_id)")
