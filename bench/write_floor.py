"""The write floor of an import: its stored rows copied table to table.

After an import, ``write_floor`` ``INSERT … SELECT``-s the organization's rows of
the given tables into scratch copies of them (no row-level security, triggers or
foreign keys), each statement committed, three ways:

- ``bare``: into tables without indexes;
- ``indexed``: into tables with the product's indexes (``LIKE … INCLUDING
  INDEXES``), maintained row by row as every import into the shared tables must;
- ``built_after``: into bare tables, then the same indexes built over them, which
  only a load into a table of its own (a new organization's partition, say) could do.

Only the writes are left: no parsing, validation, reference resolution, matching or
upsert, so no importer that writes these rows into indexed shared tables can be
faster than ``indexed`` on the same server. The scratch schemas are dropped.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.db import connection

from ptrevops.tenancy.roles import owner_role


@dataclass(frozen=True)
class Floor:
    bare: float
    indexed: float
    built_after: float


def write_floor(tables: list[str], organization_id: int) -> Floor:
    return Floor(
        bare=_copy_rows(tables, organization_id, indexes="none"),
        indexed=_copy_rows(tables, organization_id, indexes="maintained"),
        built_after=_copy_rows(tables, organization_id, indexes="built after"),
    )


def _copy_rows(tables: list[str], organization_id: int, *, indexes: str) -> float:
    shape = "INCLUDING DEFAULTS" + (" INCLUDING INDEXES" if indexes == "maintained" else "")
    schema = f"bench_floor_{uuid.uuid4().hex[:8]}"
    with owner_role(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {schema}")
        try:
            for table in tables:
                cursor.execute(f"CREATE TABLE {schema}.{table} (LIKE {table} {shape})")
            started = time.perf_counter()
            for table in tables:
                cursor.execute(
                    f"INSERT INTO {schema}.{table} SELECT * FROM {table}"
                    " WHERE organization_id = %s",
                    [organization_id],
                )
            if indexes == "built after":
                for statement in _index_definitions(cursor, tables, schema):
                    cursor.execute(statement)
            return time.perf_counter() - started
        finally:
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")


def _index_definitions(cursor, tables: list[str], schema: str) -> list[str]:
    """The tables' index definitions, renamed into ``schema``."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid, 0, false) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indrelid"
        " WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%s)",
        [tables],
    )
    statements = []
    for number, (table, definition) in enumerate(cursor.fetchall()):
        head, _, tail = definition.partition(f" ON public.{table} ")
        unique = "UNIQUE " if head.startswith("CREATE UNIQUE") else ""
        statements.append(f"CREATE {unique}INDEX floor_{number} ON {schema}.{table} {tail}")
    return statements
