"""Fresh planner statistics after a bulk load.

A first import writes millions of rows in one transaction, after PostgreSQL last
sampled those tables; until autovacuum gets round to analysing them (minutes on a
busy server) the planner believes they are nearly empty, and the next imports join
against them with the wrong plans — seen here: 835 posting into a just-loaded
50-clinic group ran at ~40 claim payments/s instead of thousands until ``ANALYZE``.
So a run that wrote many rows analyses the tables it wrote, right after it commits.
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
# The tables an 835 posting fills, by the report's count of rows written there.
REMITTANCE_TABLES = {
    "billing_claimpayment": "claim_payments_posted",
    "billing_servicepayment": "service_payments_posted",
    "billing_adjustment": "adjustments",
}


def bundle_tables_written(document: dict) -> list[str]:
    """The tables of a bundle run's files that received ``BULK_ROWS`` new or changed rows."""
    from episodes.imports.schema import FILES

    by_filename = {spec.filename: spec for spec in FILES}
    tables = []
    for name, counts in (document.get("files") or {}).items():
        spec = by_filename.get(name)
        if spec is not None and counts.get("created", 0) + counts.get("updated", 0) >= BULK_ROWS:
            tables.append(spec.table)
    return tables


def remittance_tables_written(document: dict) -> list[str]:
    return [
        table for table, count in REMITTANCE_TABLES.items() if document.get(count, 0) >= BULK_ROWS
    ]


def analyze(tables: list[str]) -> None:
    """``ANALYZE`` each table, as the owner, outside any tenant transaction."""
    if not tables:
        return
    with owner_role(), connection.cursor() as cursor:
        for table in sorted(set(tables)):
            cursor.execute(f'ANALYZE "{table}"')
    logger.info("planner statistics refreshed", extra={"tables": sorted(set(tables))})
