"""Stage one file into a TEMP table with COPY while validating it.

COPY into the tenant tables themselves is not possible (they are under row-level
security, and COPY FROM refuses such tables), and it could not upsert anyway; so each
file goes into an unlogged-by-nature temporary table with the file's columns in their
PostgreSQL types plus the physical line number, and `upsert` takes it from there in
set-based SQL. Rows are validated one at a time and turned into COPY text in bounded
pieces (`convert_rows`, no database access: it runs in a reader thread, ahead of the
SQL, and spools the text to a temporary file), which `copy_text` then streams to the
server: memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from episodes.imports.reader import FileError
from episodes.imports.schema import Column, FileSpec
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


# Statistics target of the staging tables' ANALYZE: 300 sampled rows per unit, so
# 3,000 rather than the default 30,000. The planner needs the row count and a rough
# number of distinct values per column from them (to size hash tables and pick join
# orders), not fine histograms; sampling is most of what ANALYZE costs.
STAGING_STATISTICS = 10


def analyze_staging_table(cursor, spec: FileSpec) -> None:
    cursor.execute(
        "SELECT current_setting('default_statistics_target'),"
        " set_config('default_statistics_target', %s, true)",
        [str(STAGING_STATISTICS)],
    )
    previous = cursor.fetchone()[0]
    try:
        cursor.execute(f"ANALYZE {staging_table(spec)}")
    finally:
        cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [previous])


def drop_staging_table(cursor, spec: FileSpec) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {staging_table(spec)}")


def convert_rows(
    converter: RowConverter,
    records: Iterable[tuple[int, list[str]]],
    on_error: Callable[[int, str, str, str | None], None],
    progress: Callable[[int], None],
    write: Callable[[str], object],
    stop: Callable[[], bool] = lambda: False,
) -> Staged:
    """Validate `records` and `write` the valid rows as COPY text, in ~1 MB pieces.

    Every bad cell is passed to `on_error(line, column, reason, row id)` and its row
    is not written. A `FileError` met while reading ends the file and is returned in
    `stopped` (the rows written so far stay written; the caller decides about them).
    No database access: this runs in the bundle's reader thread, while the run's
    connection works on the previous file. `stop()` (checked per piece) abandons the
    file early when the run is over anyway.
    """
    read = staged = 0
    copy_line = converter.copy_line
    has_columns = bool(converter.columns)
    stopped: FileError | None = None
    # Rows go out as preformatted text lines: psycopg then only forwards bytes (no
    # per-value adaptation, no per-row call into libpq).
    batch: list[str] = []
    size = 0
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
                    if stop():
                        break
            if read % PROGRESS_EVERY == 0:
                progress(read)
    except FileError as exc:
        stopped = exc
    if batch:
        write("".join(batch))
    return Staged(read, staged, stopped)


def copy_text(cursor, spec: FileSpec, columns: list[Column], chunks: Iterable[bytes]) -> None:
    """COPY text produced by `convert_rows` (UTF-8 `chunks`) into the staging table,
    for the file columns `columns`."""
    names = ", ".join(["line", *(column.name for column in columns)])
    with cursor.cursor.copy(f"COPY {staging_table(spec)} ({names}) FROM STDIN") as copy:
        for chunk in chunks:
            copy.write(chunk)
