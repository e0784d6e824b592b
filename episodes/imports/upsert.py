"""Set-based SQL from a staging table into the model's table.

One statement per file resolves every reference by joining the staging rows to the
referenced tables on (organization_id, external_id) — a reference resolves whether
its row came earlier in this bundle (already upserted in this transaction) or was
imported before — and upserts with `INSERT … ON CONFLICT … DO UPDATE … WHERE the row
differs`, so unchanged rows are not rewritten and `RETURNING (xmax = 0)` tells created
from updated. Rows whose references do not resolve simply do not join; only when
some are missing are the (slower) per-column anti-joins run to say which and why.
The organization is a bound parameter in every statement, on top of row-level
security.
"""

from __future__ import annotations

from dataclasses import dataclass

from episodes.imports.schema import FILES_BY_NAME, Column, FileSpec
from episodes.imports.staging import staging_table


@dataclass(frozen=True)
class Upserted:
    considered: int  # staged rows whose references all resolved
    created: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.considered - self.created - self.updated


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


def upsert_sql(spec: FileSpec) -> str:
    columns = list(spec.columns)
    targets = ["organization_id", *(c.db_column for c in columns), *spec.derived]
    values = ["%(org)s", *(_value(c) for c in columns), *spec.derived.values()]
    targets += list(spec.insert_only)
    values += list(spec.insert_only.values())
    key = set(spec.conflict_key)
    updated = [t for t in targets if t != "organization_id" and t not in key]
    updated = [t for t in updated if t not in spec.insert_only]
    resolved = [
        f"(s.{c.name} IS NULL OR r_{c.name}.id IS NOT NULL)"
        for c in columns
        if c.references and not c.required
    ]
    where = f"WHERE {' AND '.join(resolved)}" if resolved else ""
    joins = "\n".join(_joins(spec))
    return f"""
        WITH source AS MATERIALIZED (
            SELECT {", ".join(values)}
            FROM {staging_table(spec)} s
            {joins}
            {where}
        ),
        upserted AS (
            INSERT INTO {spec.table} AS t ({", ".join(targets)})
            SELECT * FROM source
            ON CONFLICT (organization_id, {", ".join(spec.conflict_key)}) DO UPDATE
            SET {", ".join(f"{c} = EXCLUDED.{c}" for c in updated)}
            WHERE ({", ".join(f"t.{c}" for c in updated)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in updated)})
            RETURNING (t.xmax = 0) AS created
        )
        SELECT (SELECT count(*) FROM source),
               count(*) FILTER (WHERE created),
               count(*) FILTER (WHERE NOT created)
        FROM upserted
    """


def upsert(cursor, spec: FileSpec, params: dict) -> Upserted:
    cursor.execute(upsert_sql(spec), params)
    return Upserted(*cursor.fetchone())


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
