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
from analytics.models import ROLLUPS, Rollup, RollupDirtyDay
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
}
# The A/R ledgers are keyed by DOS and change exactly when the visit family's day
# does (claims, remittances, CAS, patient payments, attribution): the triggers mark
# "visits" and the refresh rewrites these with it.
FOLLOWS = {"visits": ("receivables", "patient_credits")}


@dataclass
class RefreshReport:
    dirty_days: int = 0
    ranges: dict[str, list[tuple[datetime.date, datetime.date]]] = field(default_factory=dict)
    rows_written: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "dirty_days": self.dirty_days,
            "ranges": {
                family: [(a.isoformat(), b.isoformat()) for a, b in spans]
                for family, spans in self.ranges.items()
            },
            "rows_written": self.rows_written,
            "seconds": round(self.seconds, 3),
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
    return RollupDirtyDay.objects.filter(organization_id=organization_id).exists()


def refresh(organization_id: int) -> RefreshReport:
    """Rewrite the dirty days of every family; run inside the tenant scope."""
    _require_scope(organization_id)
    started = time.perf_counter()
    report = RefreshReport()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK, organization_id])
        cursor.execute(
            "DELETE FROM analytics_rollupdirtyday WHERE organization_id = %s RETURNING family, day",
            [organization_id],
        )
        by_family: dict[str, list[datetime.date]] = defaultdict(list)
        for family, day in cursor.fetchall():
            by_family[family].append(day)
            report.dirty_days += 1
        for family, followers in FOLLOWS.items():
            for follower in followers:
                by_family[follower].extend(by_family.get(family, []))
        for family, days in sorted(by_family.items()):
            model = BY_FAMILY.get(family)
            if model is None:  # a family no longer rolled up
                continue
            report.ranges[family] = merge_days(days)
            for start, end in report.ranges[family]:
                report.rows_written += _rewrite(cursor, model, organization_id, start, end)
            for start, end in months_of(report.ranges[family]):
                report.rows_written += _rewrite_months(cursor, model, organization_id, start, end)
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
            report.rows_written += _rewrite(cursor, model, organization_id, *ALL_TIME)
            report.rows_written += _rewrite_months(cursor, model, organization_id, *ALL_TIME)
    report.seconds = time.perf_counter() - started
    return report


def _rewrite(cursor, model: type[Rollup], organization_id: int, start, end) -> int:
    table = model._meta.db_table
    filters = MetricFilters(organization_id=organization_id, start=start, end=end)
    query = GRAIN_QUERIES[model.family](filters, grain=True)
    measures = model.measures()
    cursor.execute(
        f"DELETE FROM {table} WHERE organization_id = %(org)s AND NOT monthly"
        " AND day BETWEEN %(start)s AND %(end)s",
        query.params,
    )
    keys = ["day", "clinic_id", "clinician_id", "payer_id", "source_id", *model.key_fields]
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
        INSERT INTO {table} (organization_id, monthly, {columns})
        SELECT %(org)s, FALSE, {selected}
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


def _rewrite_months(cursor, model: type[Rollup], organization_id: int, start, end) -> int:
    """Rewrite the monthly rows of the months in [start, end] from the daily rows."""
    if not model.has_monthly_tier:
        return 0
    table = model._meta.db_table
    keys = "clinic_id, clinician_id, payer_id, source_id"
    measures = model.measures()
    params = {"org": organization_id, "start": start, "end": end}
    cursor.execute(
        f"DELETE FROM {table} WHERE organization_id = %(org)s AND monthly"
        " AND day BETWEEN %(start)s AND %(end)s",
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO {table} (organization_id, monthly, day, {keys}, {", ".join(measures)})
        SELECT %(org)s, TRUE, date_trunc('month', day)::date, {keys},
               {", ".join(f"sum({name})" for name in measures)}
        FROM {table}
        WHERE organization_id = %(org)s AND NOT monthly AND day BETWEEN %(start)s AND %(end)s
        GROUP BY date_trunc('month', day), {keys}
        """,
        params,
    )
    return cursor.rowcount


def _require_scope(organization_id: int) -> None:
    if current_organization_id() != organization_id:
        raise RuntimeError("rollup refresh must run inside tenant_context(organization_id)")
