"""Stage one file into a TEMP table with COPY while validating it.

COPY into the tenant tables themselves is not possible (they are under row-level
security, and COPY FROM refuses such tables), and it could not upsert anyway; so each
file goes into an unlogged-by-nature temporary table with the file's columns in their
PostgreSQL types plus the physical line number, and `upsert` takes it from there in
set-based SQL. Rows are validated one at a time and written in bounded batches of
COPY text: memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from episodes.imports.reader import FileError
from episodes.imports.schema import FileSpec
from episodes.imports.validate import RowConverter

PROGRESS_EVERY = 50_000
# Characters of COPY text gathered before each write.
WRITE_SIZE = 1 << 20


@dataclass(frozen=True)
class Staged:
    read: int
    staged: int
    stopped: FileError | None = None


def staging_table(spec: FileSpec) -> str:
    return f"import_{spec.name}"


def create_staging_table(cursor, spec: FileSpec) -> str:
    """(Re)create the file's staging table; it lives until the transaction ends."""
    table = staging_table(spec)
    columns = ", ".join(f"{column.name} {column.kind.sql}" for column in spec.columns)
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMP TABLE {table} (line integer NOT NULL, {columns}) ON COMMIT DROP")
    return table


def drop_staging_table(cursor, spec: FileSpec) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {staging_table(spec)}")


def copy_rows(
    cursor,
    spec: FileSpec,
    converter: RowConverter,
    records: Iterable[tuple[int, list[str]]],
    on_error: Callable[[int, str, str, str | None], None],
    progress: Callable[[int], None],
) -> Staged:
    """COPY the valid rows of `records` into the staging table.

    Every bad cell is passed to `on_error(line, column, reason, row id)` and its row
    is not staged. A `FileError` met while reading ends the COPY cleanly and is returned in
    `stopped` (the rows staged so far stay staged; the caller decides about them).
    """
    table = staging_table(spec)
    names = ", ".join(["line", *(column.name for column in converter.columns)])
    read = staged = 0
    copy_line = converter.copy_line
    has_columns = bool(converter.columns)
    stopped: FileError | None = None
    # Rows go out as preformatted text lines in ~1 MB writes: psycopg then only
    # forwards bytes (no per-value adaptation, no per-row call into libpq).
    batch: list[str] = []
    size = 0
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        write = copy.write
        try:
            for line, fields in records:
                read += 1
                text, errors = copy_line(fields)
                if errors:
                    row_id = converter.row_id(fields)
                    for column, reason in errors:
                        on_error(line, column, reason, row_id)
                else:
                    row = f"{line}\t{text}\n" if has_columns else f"{line}\n"
                    batch.append(row)
                    size += len(row)
                    staged += 1
                    if size >= WRITE_SIZE:
                        write("".join(batch))
                        batch.clear()
                        size = 0
                if read % PROGRESS_EVERY == 0:
                    progress(read)
        except FileError as exc:
            # Leaving the block with an exception would abort the COPY and with it the
            # whole transaction; end the COPY normally and report the file instead.
            stopped = exc
        if batch:
            write("".join(batch))
    return Staged(read, staged, stopped)
