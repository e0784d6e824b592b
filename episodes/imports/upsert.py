"""Set-based SQL from a staging table into the model's table.

Every reference is resolved by joining the staging rows to the referenced tables on
(organization_id, external_id) — a reference resolves whether its row came earlier in
this bundle (already written in this transaction) or was imported before. Rows whose
references do not resolve simply do not join; only when some are missing are the
(slower) per-column anti-joins run to say which and why.

Writing is split by what each row needs, so that each costs only what it must:

- a first load into an organization's empty table is one plain `INSERT … SELECT`
  (no conflict arbitration, no join to the target);
- otherwise one statement joins the staging rows to the target by its key, INSERTs
  the rows whose key is new, UPDATEs only the rows that differ (`IS DISTINCT FROM`)
  and leaves the unchanged ones alone — not rewritten, and not even locked, which
  `INSERT … ON CONFLICT DO UPDATE … WHERE` would do for every existing row.

An update writes only the columns the file has (`FileSpec.updated_targets`): a vendor
export mapped onto a few canonical columns leaves the others of existing rows alone.

Concurrent imports into one organization are excluded by the run's advisory lock; a
row written by anything else between the join and the INSERT fails the run on the
unique constraint (it is retried), never silently. The organization is a bound
parameter in every statement, on top of row-level security.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from psycopg import errors

from episodes.imports.schema import FILES_BY_NAME, Column, FileSpec
from episodes.imports.staging import staging_table

_VARCHAR = re.compile(r"varchar\(\d+\)")


@dataclass(frozen=True)
class Upserted:
    considered: int  # staged rows whose references all resolved
    created: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.considered - self.created - self.updated


@cache
def _column_types(model: str) -> dict[str, str]:
    """The model table's column → its PostgreSQL type (values are cast to it, so the
    change test compares exactly what would be stored)."""
    fields = apps.get_model(model)._meta.concrete_fields
    # Without varchar's length: an explicit cast would silently truncate a value that
    # the INSERT's assignment cast refuses (validation keeps them short anyway).
    return {field.column: _VARCHAR.sub("varchar", field.db_type(connection)) for field in fields}


def _value(column: Column) -> str:
    if column.references:
        return f"r_{column.name}.id"
    if column.default is not None and not column.required:
        return f"COALESCE(s.{column.name}, {column.default})"
    return f"s.{column.name}"


def _joins(spec: FileSpec) -> list[str]:
    joins = []
    for column in spec.columns:
        if not column.references:
            continue
        table = FILES_BY_NAME[column.references].table
        alias = f"r_{column.name}"
        kind = "JOIN" if column.required else "LEFT JOIN"
        joins.append(
            f"{kind} {table} {alias} ON {alias}.organization_id = %(org)s"
            f" AND {alias}.external_id = s.{column.name}"
        )
    return joins + list(spec.extra_joins)


@dataclass(frozen=True)
class _Parts:
    targets: list[str]  # written on insert, in order (organization_id first)
    values: dict[str, str]  # target → SQL value over the staging row and the joins
    keys: dict[str, str]  # conflict-key target → its value, uncast (so it can use the index)
    updated: list[str]  # targets rewritten when a row changed
    joins: str
    where: str


def _parts(spec: FileSpec, present: frozenset[str] | None = None) -> _Parts:
    types = _column_types(spec.model)
    raw = {c.db_column: _value(c) for c in spec.columns}
    raw.update(spec.derived)
    raw.update(spec.insert_only)
    values = {target: f"CAST({value} AS {types[target]})" for target, value in raw.items()}
    targets = ["organization_id", *values]
    # A new row gets every column (the file's blanks and absent columns take their
    # defaults); an existing row only the columns the file provides.
    updated = spec.updated_targets(present)
    resolved = [
        f"(s.{c.name} IS NULL OR r_{c.name}.id IS NOT NULL)"
        for c in spec.columns
        if c.references and not c.required
    ]
    return _Parts(
        targets=targets,
        values={"organization_id": "%(org)s", **values},
        keys={"organization_id": "%(org)s", **{key: raw[key] for key in spec.conflict_key}},
        updated=updated,
        joins="\n".join(_joins(spec)),
        where=f"WHERE {' AND '.join(resolved)}" if resolved else "",
    )


def _quoted(name: str) -> str:
    return f'"{name}"'


def insert_sql(spec: FileSpec) -> str:
    """First load: every resolved staging row is a new row."""
    parts = _parts(spec)
    return f"""
        INSERT INTO {spec.table} ({", ".join(parts.targets)})
        SELECT {", ".join(parts.values.values())}
        FROM {staging_table(spec)} s
        {parts.joins}
        {parts.where}
    """


def upsert_sql(spec: FileSpec, present: frozenset[str] | None = None) -> str:
    """Insert new keys, update changed rows, skip (and do not lock) unchanged ones.

    `present`: the file's columns (None: all); "changed" and the UPDATE look only at
    the model columns they feed (`FileSpec.updated_targets`)."""
    parts = _parts(spec, present)
    # Uncast, so that the target's unique index serves the join even when the plan is
    # a nested loop (the target's statistics predate this run's rows).
    key_match = " AND ".join(f"t.{key} = {value}" for key, value in parts.keys.items())
    updated = parts.updated
    changed = (
        f"({', '.join(f't.{c}' for c in updated)})"
        f" IS DISTINCT FROM ({', '.join(parts.values[c] for c in updated)})"
        if updated
        else "false"
    )
    selected = ", ".join(f"{value} AS {_quoted(t)}" for t, value in parts.values.items())
    return f"""
        WITH source AS MATERIALIZED (
            SELECT {selected}, t.id AS existing_id, {changed} AS changed
            FROM {staging_table(spec)} s
            {parts.joins}
            LEFT JOIN {spec.table} t ON {key_match}
            {parts.where}
        ),
        inserted AS (
            INSERT INTO {spec.table} ({", ".join(parts.targets)})
            SELECT {", ".join(_quoted(t) for t in parts.targets)}
            FROM source WHERE existing_id IS NULL
            RETURNING 1
        ),
        updated AS (
            UPDATE {spec.table} t
            SET {", ".join(f"{c} = source.{_quoted(c)}" for c in updated) or "id = t.id"}
            FROM source
            WHERE source.changed AND t.id = source.existing_id
              AND t.organization_id = %(org)s
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM source),
               (SELECT count(*) FROM inserted),
               (SELECT count(*) FROM updated)
    """


def has_rows(cursor, spec: FileSpec, params: dict) -> bool:
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {spec.table} WHERE organization_id = %(org)s)", params
    )
    return cursor.fetchone()[0]


# Staged rows from which every join is a hash join. The referenced and target tables
# were mostly written in this very transaction, after their statistics were taken (and
# the application role may not ANALYZE them), so the planner thinks the organization
# has a handful of rows there and plans nested loops; for a big file, a nested loop
# whose inner side is not an index probe would rescan the staging table per outer row.
HASH_JOINS_FROM = 20_000


@contextmanager
def _hash_joins(cursor, rows: int) -> Iterator[None]:
    if rows >= HASH_JOINS_FROM:
        cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
    try:
        yield
    finally:
        if rows >= HASH_JOINS_FROM:
            cursor.execute("SELECT set_config('enable_nestloop', 'on', true)")


def upsert(
    cursor,
    spec: FileSpec,
    params: dict,
    rows: int = 0,
    present: frozenset[str] | None = None,
) -> Upserted:
    """Write the staging table of `spec` (`rows` staged rows, of the file columns
    `present`, None for all) into its model's table."""
    with _hash_joins(cursor, rows):
        if not has_rows(cursor, spec, params):
            cursor.execute(insert_sql(spec), params)
            return Upserted(cursor.rowcount, cursor.rowcount, 0)
        cursor.execute(upsert_sql(spec, present), params)
        return Upserted(*cursor.fetchone())


class _HasDuplicates(Exception):
    pass


def first_load(cursor, spec: FileSpec, params: dict, rows: int) -> Upserted | None:
    """Insert a file with ids into the organization's empty table without looking for
    duplicate ids first (`duplicate_lines` hash-groups every staged id: ≈ 3 s of
    backend CPU for the 3.2 million charges of a 1M-visit bundle).

    On a first load every row is new, so the unique `(organization, external_id)`
    refuses a repeated id; only rows dropped for a dangling reference could hide one,
    and only then is `duplicate_lines` run. With a duplicate the INSERT is undone (a
    savepoint) and None returned: the caller reports the duplicates and takes the
    general path, exactly as without this shortcut. None too when the table is not
    empty or the file has no ids (natural keys may hold NULLs, which the unique
    constraint does not compare).
    """
    if not spec.id_column or has_rows(cursor, spec, params):
        return None
    with _hash_joins(cursor, rows):
        try:
            with transaction.atomic():
                cursor.execute(insert_sql(spec), params)
                inserted = cursor.rowcount
                if inserted < rows and duplicate_lines(cursor, spec):
                    raise _HasDuplicates
        except _HasDuplicates:
            return None
        except IntegrityError as exc:
            if not isinstance(exc.__cause__, errors.UniqueViolation):
                raise
            return None
    return Upserted(inserted, inserted, 0)


def duplicate_lines(cursor, spec: FileSpec) -> list[tuple[int, int]]:
    """(line, first line) of every staged row repeating an earlier row's key.

    A key twice in one upsert would make PostgreSQL refuse the statement (or, when
    neither copy changes anything, slip through and be miscounted); the spec says ids
    are unique per file, so the later copies fail. The hash aggregate finds nothing
    in a normal file; only then are the lines looked up.
    """
    table = staging_table(spec)
    key = ", ".join(spec.staged_key)
    cursor.execute(
        f"SELECT 1 FROM (SELECT 1 FROM {table} s GROUP BY {key} HAVING count(*) > 1) d LIMIT 1"
    )
    if cursor.fetchone() is None:
        return []
    cursor.execute(
        f"""
        SELECT line, first_line FROM (
            SELECT s.line, min(s.line) OVER (PARTITION BY {key}) AS first_line FROM {table} s
        ) ranked
        WHERE line <> first_line ORDER BY line
        """
    )
    return cursor.fetchall()


def drop_lines(cursor, spec: FileSpec, lines: list[int]) -> None:
    cursor.execute(f"DELETE FROM {staging_table(spec)} WHERE line = ANY(%s)", [lines])


@dataclass(frozen=True)
class Dangling:
    line: int
    column: str
    value: str
    row_id: str | None  # the failing row's own id


def dangling_references(cursor, spec: FileSpec, params: dict, limit: int) -> list[Dangling]:
    """References that resolve to nothing in this organization, the first `limit` per
    column, by line."""
    found = []
    own_id = f"s.{spec.id_column}" if spec.id_column else "NULL"
    for column in spec.columns:
        if not column.references:
            continue
        target = FILES_BY_NAME[column.references].table
        cursor.execute(
            f"""
            SELECT s.line, s.{column.name}, {own_id}
            FROM {staging_table(spec)} s
            WHERE s.{column.name} IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM {target} r
                WHERE r.organization_id = %(org)s AND r.external_id = s.{column.name}
            )
            ORDER BY s.line LIMIT %(limit)s
            """,
            {**params, "limit": limit},
        )
        found += [Dangling(line, column.name, value, row) for line, value, row in cursor.fetchall()]
    return sorted(found, key=lambda dangling: dangling.line)
