"""Fresh planner statistics after a bulk load.

A first import writes millions of rows in one transaction, after PostgreSQL last
sampled those tables; until autovacuum gets round to analysing them (minutes on a
busy server) the planner believes they are nearly empty, and the next imports join
against them with the wrong plans — seen here: 835 posting into a just-loaded
50-clinic group ran at ~40 claim payments/s instead of thousands until ``ANALYZE``.
So a run that wrote many rows analyses the tables it wrote, right after it commits.

Many small runs add up the same way: a new group's backlog of 835 files (a few hundred
claim payments each) grows the remittance tables from nothing to millions of rows, and
where autovacuum is off or behind, their statistics stay those of the empty tables —
seen here: denial derivation went from milliseconds to 10+ s a file once 50,000 claim
payments were posted. So a run also analyses each table it wrote to whose rows changed
since its last ANALYZE by ``STALE_FRACTION`` of the rows it was analysed with (at
least ``STALE_MIN_ROWS``): what autovacuum's default would do, done by the import.
ANALYZE needs the table owner (the application role owns nothing); it reads no
tenant's rows into the application and writes only statistics.
"""

from __future__ import annotations

import logging

from django.db import connection

from ptrevops.tenancy.roles import owner_role

logger = logging.getLogger(__name__)

# Rows written to one table by one run from which its statistics are refreshed.
BULK_ROWS = 20_000
# Rows changed since a table's last ANALYZE, as a share of the rows it was analysed
# with (autovacuum's default autovacuum_analyze_scale_factor), and at least this many.
STALE_FRACTION = 0.1
STALE_MIN_ROWS = 1_000
# The tables an 835 posting fills, by the report's count of rows written there.
REMITTANCE_TABLES = {
    "billing_remittance": "remittances_created",
    "billing_claimpayment": "claim_payments_posted",
    "billing_servicepayment": "service_payments_posted",
    "billing_adjustment": "adjustments",
    "billing_provideradjustment": "provider_adjustments",
    "billing_denial": "denials_created",
}


def bundle_tables_written(document: dict, at_least: int | None = None) -> list[str]:
    """The tables of a bundle run's files that received ``at_least`` (default
    ``BULK_ROWS``) new or changed rows."""
    from episodes.imports.schema import FILES

    at_least = BULK_ROWS if at_least is None else at_least
    by_filename = {spec.filename: spec for spec in FILES}
    tables = []
    for name, counts in (document.get("files") or {}).items():
        spec = by_filename.get(name)
        if spec is not None and counts.get("created", 0) + counts.get("updated", 0) >= at_least:
            tables.append(spec.table)
    return tables


def remittance_tables_written(document: dict, at_least: int | None = None) -> list[str]:
    at_least = BULK_ROWS if at_least is None else at_least
    return [
        table for table, count in REMITTANCE_TABLES.items() if document.get(count, 0) >= at_least
    ]


def after_run(bundle: bool, document: dict) -> None:
    """After a run committed: analyse the tables it wrote ``BULK_ROWS`` rows to, and
    those of the tables it wrote to at all whose statistics are stale."""
    tables_written = bundle_tables_written if bundle else remittance_tables_written
    touched = tables_written(document, at_least=1)
    analyze(sorted(set(tables_written(document)) | set(stale(touched))))


def stale(tables: list[str]) -> list[str]:
    """Of ``tables``, those changed since their last ANALYZE by ``STALE_FRACTION`` of
    the rows they were analysed with (never analysed: ``reltuples`` is -1) and by at
    least ``STALE_MIN_ROWS``, by the server's change counters. Inside an open
    transaction nothing is: the counters do not hold its writes yet, and statistics
    taken then would describe rows that may never commit (the import task calls this
    after its run committed; tests run inside one transaction)."""
    if not tables or connection.in_atomic_block:
        return []
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:
            # This session's counts reach the shared counters when it goes idle,
            # at most once a second unless forced: count the run that just committed.
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            """
            SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.schemaname = current_schema() AND s.relname = ANY(%(tables)s)
              AND s.n_mod_since_analyze >= %(minimum)s
              AND s.n_mod_since_analyze >= %(fraction)s * greatest(c.reltuples, 0)
            """,
            {"tables": list(tables), "minimum": STALE_MIN_ROWS, "fraction": STALE_FRACTION},
        )
        return sorted(row[0] for row in cursor.fetchall())


def analyze(tables: list[str]) -> None:
    """``ANALYZE`` each table, as the owner, outside any tenant transaction."""
    if not tables:
        return
    with owner_role(), connection.cursor() as cursor:
        for table in sorted(set(tables)):
            cursor.execute(f'ANALYZE "{table}"')
    logger.info("planner statistics refreshed", extra={"tables": sorted(set(tables))})
