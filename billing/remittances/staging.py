"""Temporary staging tables, ``COPY`` into them, and pre-assigned row ids.

Why staging: ``COPY FROM`` is the fastest way to move rows into PostgreSQL but
cannot target a table under row-level security, and every billing table is under
it. So each batch is copied into session-private TEMP tables (no RLS, no WAL),
resolved there with set-based joins, and moved into the real tables with one
``INSERT … SELECT`` per table (see ``posting.py``), which RLS checks as usual.

Why pre-assigned ids: a claim payment's services and adjustments must point at
it before anything is written. Ids are taken in blocks from the real tables'
sequences (``nextval`` over ``generate_series``), so children reference parents
without a round trip per row. Unused ids at the end are just gaps.

The tables are created ``ON COMMIT DROP`` inside the posting's transaction, so
a rollback or the commit removes them; ``prepare`` empties them when a second
file is posted in the same transaction.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

# Column lists shared by the DDL, the COPY statements and the Python row tuples
# (``batch.py`` builds tuples in exactly this order).
STAGE_TABLES: dict[str, Sequence[tuple[str, str]]] = {
    "remit_stage_remittance": (
        ("id", "bigint"),
        ("payer_id", "bigint"),
        ("payer_identifier", "text"),
        ("identifier_candidates", "text[]"),
        ("payer_name", "text"),
        ("trace_number", "text"),
        ("payment_date", "date"),
        ("total_paid", "numeric"),
        ("credit_debit", "text"),
        ("payment_method", "text"),
        ("payee_name", "text"),
        ("payee_npi", "text"),
        ("file_sequence", "integer"),
        ("warnings", "jsonb"),
    ),
    "remit_stage_claim": (
        ("id", "bigint"),
        ("remittance_id", "bigint"),
        ("patient_control_number", "text"),
        ("status_code", "text"),
        ("charge_amount", "numeric"),
        ("paid_amount", "numeric"),
        ("patient_responsibility", "numeric"),
        ("payer_claim_control_number", "text"),
        ("sequence", "integer"),
        ("remark_codes", "text[]"),
    ),
    "remit_stage_service": (
        ("id", "bigint"),
        ("remittance_id", "bigint"),
        ("claim_payment_id", "bigint"),
        ("cpt_code", "text"),
        ("modifiers", "text[]"),
        ("charge_amount", "numeric"),
        ("paid_amount", "numeric"),
        ("units", "numeric"),
        ("line_item_control_number", "text"),
        ("service_date", "date"),
        ("allowed_amount", "numeric"),
        ("remark_codes", "text[]"),
    ),
    "remit_stage_adjustment": (
        ("remittance_id", "bigint"),
        ("claim_payment_id", "bigint"),
        ("service_payment_id", "bigint"),
        ("group_code", "text"),
        ("reason_code", "text"),
        ("amount", "numeric"),
        ("quantity", "numeric"),
    ),
    "remit_stage_plb": (
        ("remittance_id", "bigint"),
        ("provider_identifier", "text"),
        ("fiscal_period_date", "date"),
        ("reason_code", "text"),
        ("reference", "text"),
        ("amount", "numeric"),
    ),
    # Warnings known only when a transaction ends, for a remittance whose header
    # row was already moved to the real table by an earlier batch.
    "remit_stage_warning": (
        ("id", "bigint"),
        ("warnings", "jsonb"),
    ),
}

# Columns filled in the staging tables by the resolving joins, not by COPY.
RESOLVED_COLUMNS: dict[str, Sequence[tuple[str, str]]] = {
    "remit_stage_claim": (("claim_id", "bigint"), ("visit_id", "bigint")),
}


def prepare(cursor) -> None:
    """Create the staging tables for this transaction, or empty them if they exist."""
    for table, columns in STAGE_TABLES.items():
        all_columns = list(columns) + list(RESOLVED_COLUMNS.get(table, ()))
        column_sql = ", ".join(f"{name} {kind}" for name, kind in all_columns)
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({column_sql}) ON COMMIT DROP")
    clear(cursor)


def clear(cursor) -> None:
    """Empty every staging table (they are private to this session; no RLS involved)."""
    cursor.execute("TRUNCATE " + ", ".join(STAGE_TABLES))


def copy_text(raw_cursor, table: str, lines: list[str] | bytes) -> None:
    """``COPY`` rows already formatted as COPY text lines (see ``copytext.py``),
    as a list of lines or as their concatenation, encoded."""
    columns = ", ".join(name for name, _ in STAGE_TABLES[table])
    with raw_cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(lines if isinstance(lines, bytes) else "".join(lines))


class IdPool:
    """Ids from a real table's sequence, fetched a block at a time, in ascending order.

    Shared by two threads in a posting (``service.py``): the parsing thread takes
    ids, the database thread fetches them (the connection belongs to it) — with
    ``top_up`` between batches, or via ``refill`` from ``take``'s ``request``
    when the parsing thread runs dry. ``deque.popleft``/``extend`` are atomic, and
    only the database thread extends, so ids stay ascending.
    """

    def __init__(self, cursor, table: str, block: int) -> None:
        self._cursor = cursor
        self._table = table
        self._block = block
        self._ids: deque[int] = deque()
        self._sequence: str | None = None
        # Set by the posting when another thread takes the ids: called with the
        # pool when it is empty, returns once ``refill`` has run.
        self.request = None

    def take(self) -> int:
        ids = self._ids
        if not ids:
            if self.request is None:
                self.refill()
            else:
                self.request(self)
        return ids.popleft()

    def top_up(self, minimum: int) -> None:
        """Fetch blocks until at least ``minimum`` ids are available."""
        while len(self._ids) < minimum:
            self.refill()

    def refill(self) -> None:
        cursor = self._cursor
        if self._sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self._table])
            self._sequence = cursor.fetchone()[0]
        # The regclass is cast once; pg_get_serial_sequence per row costs 5× more.
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
            [self._sequence, self._block],
        )
        self._ids.extend(sorted(row[0] for row in cursor.fetchall()))
