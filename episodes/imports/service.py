"""Import an EMR export bundle: the orchestration of reader → validate/stage → upsert.

The whole run is one `transaction.atomic()` inside the caller's tenant scope. Files
are taken in the spec's order so that each file's references are already in the
database when it is upserted. Any failed row makes the run roll back at the end —
after every file has been checked, so the report lists all problems at once — unless
`partial=True`, in which case the good rows stay and the failed ones are reported.

Files are read, validated and turned into COPY text by a reader thread (`_Reader`),
up to `LOOKAHEAD` files ahead of the SQL, which runs on the caller's connection in
this thread: Python's work on the next files overlaps PostgreSQL's on this one. The
reader never touches the database; what it finds (errors, counts, the ids of failed
rows) is handed over with the file and reported here, in the same order as if it had
been read inline.
"""

from __future__ import annotations

import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from episodes.imports.reader import BundleError, CsvFile, FileError, open_bundle
from episodes.imports.report import MAX_ERRORS_PER_FILE, BundleReport
from episodes.imports.schema import FILES, Column, FileSpec
from episodes.imports.staging import (
    Staged,
    analyze_staging_table,
    convert_rows,
    copy_text,
    create_staging_table,
    drop_staging_table,
)
from episodes.imports.upsert import (
    Dangling,
    dangling_references,
    drop_lines,
    duplicate_lines,
    first_load,
    upsert,
)
from episodes.imports.validate import RowConverter, read_header
from ptrevops.handoff import quick_gil_handoff
from ptrevops.tenancy.context import current_organization_id

Progress = Callable[[str, int], None]

# Hash joins and the duplicate check over millions of staged rows stay in memory.
WORK_MEM = "256MB"
# Ids of failed rows remembered per file, to tell "points at a row that failed" from
# "points at nothing" in the dependants' errors (bounded: a million bad rows need no
# million-entry set to be reported).
MAX_FAILED_IDS = 100_000


# pg_advisory_xact_lock(class, organization id): the class of EMR bundle imports.
ADVISORY_LOCK = 7_301
# COPY text of a file kept in memory before the reader thread spools it to disk.
SPOOL_IN_MEMORY = 8 << 20
# Files the reader thread may have finished ahead of the one being written. The
# reader then starts on the appointments (its longest file but one) while the
# small files before them are still being written: at 1M visits the run had
# waited 6 s for them with one file of lookahead. Each finished file holds at
# most SPOOL_IN_MEMORY of text in memory (the rest is on disk).
LOOKAHEAD = 4
READ_SIZE = 1 << 20


class _RollBack(Exception):
    """Raised inside the run's atomic block to discard everything it wrote."""


def import_bundle(
    *,
    organization_id: int,
    source: Path,
    partial: bool = False,
    progress: Progress | None = None,
) -> BundleReport:
    """Import the bundle at `source` (folder or .zip) into the current organization.

    Must run inside `tenant_context(organization_id)`. Returns the report; never
    raises for bad input (that is what the report is for).
    """
    if current_organization_id() != organization_id:
        raise RuntimeError("import_bundle must run inside tenant_context(organization_id)")
    report = BundleReport(partial=partial)
    started = time.perf_counter()
    try:
        with open_bundle(Path(source)) as bundle, transaction.atomic():
            report.warnings += bundle.warnings
            run = _Run(organization_id, report, progress)
            run.files(bundle.openers)
            run.finish()
            report.sort_errors()
            _note_unlisted_errors(report)
            if report.has_errors and not partial:
                raise _RollBack
            report.succeeded = True
    except BundleError as exc:
        report.add_error("", 0, "", str(exc))
    except _RollBack:
        report.warnings.append("nothing was imported: the bundle has errors (see errors)")
    report.timings["total"] = round(time.perf_counter() - started, 3)
    return report


def _note_unlisted_errors(report: BundleReport) -> None:
    for name in report.files:
        unlisted = report.errors_in(name) - MAX_ERRORS_PER_FILE
        if unlisted > 0:
            report.warnings.append(f"{name}: {unlisted} more errors not listed")


class _Run:
    def __init__(self, organization_id: int, report: BundleReport, progress: Progress | None):
        self.report = report
        self.progress = progress or (lambda stage, rows: None)
        self.cursor = connection.cursor()
        # synchronous_commit off: the commit does not wait for its WAL to reach the
        # disk. A crash in that fraction of a second loses the whole run (never a
        # part: it is one transaction), and a run that did not record its end is
        # run again; nothing else in the transaction needs more.
        self.cursor.execute(
            "SELECT timezone, set_config('work_mem', %s, true),"
            " set_config('synchronous_commit', 'off', true)"
            " FROM clinics_organization WHERE id = %s",
            [WORK_MEM, organization_id],
        )
        row = self.cursor.fetchone()
        if row is None:
            raise RuntimeError(f"organization {organization_id} is not visible in this scope")
        self.params = {"org": organization_id, "org_timezone": row[0]}
        # One import per organization at a time: two concurrent runs would race on
        # the same external ids.
        self.cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK, organization_id]
        )
        # Check foreign keys as each statement ends, not at the caller's commit: a
        # violation then fails the import that caused it, the pending-check queue
        # never holds the whole bundle, and stage timings include the checks.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.failed_ids: dict[str, set[str]] = {}

    @contextmanager
    def timed(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.report.timings[stage] = round(time.perf_counter() - started, 3)

    def files(self, openers: dict) -> None:
        # The COPY of a big file is hundreds of chunks, each taking the GIL back
        # from the reader when it returns: at 1M visits the stage of the
        # appointments went 1.7 -> 4.0 s once the reader ran further ahead.
        with quick_gil_handoff(), _Reader(openers, self.progress) as reader:
            for prepared in reader:
                self.file(prepared)

    def file(self, prepared: _Prepared) -> None:
        report = self.report
        spec = prepared.spec
        name = spec.filename
        if not prepared.opened:
            for line, column, reason, _ in prepared.errors:
                report.add_error(name, line, column, reason)
            return
        counts = report.file(name)
        self.timings_of(prepared)
        # The reader thread's findings, in its order: header problems, then bad cells.
        for line, column, reason, _ in prepared.errors:
            report.add_error(name, line, column, reason)
        report.add_unlisted_errors(name, prepared.error_count - len(prepared.errors))
        failed_ids = self.failed_ids.setdefault(spec.name, prepared.failed_ids)

        def error(line: int, column: str, reason: str, row_id: str | None = None) -> None:
            report.add_error(name, line, column, reason)
            if row_id is not None and len(failed_ids) < MAX_FAILED_IDS:
                failed_ids.add(row_id)

        counts.unknown_columns = prepared.unknown
        if prepared.unknown:
            report.warnings.append(f"{name}: ignored unknown columns {', '.join(prepared.unknown)}")
        staged = prepared.staged
        if staged is None:  # unreadable header, or a missing or doubled column
            return
        counts.rows_read = staged.read
        if staged.stopped is not None:
            # A file that cannot be read to its end is not imported at all.
            error(staged.stopped.line, "", staged.stopped.reason)
            counts.failed = staged.read
            return
        counts.failed = staged.read - staged.staged

        create_staging_table(self.cursor, spec)
        with self.timed(f"{spec.name}.stage"):
            copy_text(self.cursor, spec, prepared.columns, prepared.chunks())
        with self.timed(f"{spec.name}.upsert"):
            analyze_staging_table(self.cursor, spec)
            rows = staged.staged
            result = first_load(self.cursor, spec, self.params, rows)
            if result is None:
                duplicates = duplicate_lines(self.cursor, spec)
                if duplicates:
                    for line, first in duplicates:
                        error(line, spec.id_column or "", f"duplicate of the row on line {first}")
                    drop_lines(self.cursor, spec, [line for line, _ in duplicates])
                    rows -= len(duplicates)
                    counts.failed += len(duplicates)
                present = frozenset(column.name for column in prepared.columns)
                result = upsert(self.cursor, spec, self.params, rows, present)
        if result.considered < rows:
            for dangling in dangling_references(
                self.cursor, spec, self.params, MAX_ERRORS_PER_FILE
            ):
                error(
                    dangling.line, dangling.column, self.unresolved(spec, dangling), dangling.row_id
                )
            counts.failed += rows - result.considered
        counts.created, counts.updated = result.created, result.updated
        counts.unchanged = result.unchanged
        drop_staging_table(self.cursor, spec)
        self.progress(f"{spec.name}.done", result.considered)

    def timings_of(self, prepared: _Prepared) -> None:
        """The reader thread's own time on the file (it overlaps the SQL of the files
        before), and how long this thread then still waited for it."""
        self.report.timings[f"{prepared.spec.name}.read"] = round(prepared.read_seconds, 3)
        self.report.timings[f"{prepared.spec.name}.wait"] = round(prepared.waited, 3)

    def finish(self) -> None:
        # Back to Django's default (every foreign key is INITIALLY DEFERRED) for the
        # rest of the caller's transaction.
        self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def unresolved(self, spec: FileSpec, dangling: Dangling) -> str:
        target = spec.by_name[dangling.column].references
        if dangling.value in self.failed_ids.get(target, ()):
            return f"{dangling.value!r} is on a row of {target}.csv that failed"
        return f"{dangling.value!r} matches no row of {target}.csv or the database"


@dataclass
class _Prepared:
    """One file as the reader thread leaves it: its header's verdict, its errors (the
    first `MAX_ERRORS_PER_FILE` listed, all counted), the ids of its failed rows, and
    the COPY text of its valid rows in a temporary file."""

    spec: FileSpec
    opened: bool = True
    unknown: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    errors: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    error_count: int = 0
    failed_ids: set[str] = field(default_factory=set)
    staged: Staged | None = None  # None: the rows were not read (header problems)
    spool: tempfile.SpooledTemporaryFile | None = None
    read_seconds: float = 0.0
    waited: float = 0.0

    def error(self, line: int, column: str, reason: str, row_id: str | None = None) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_PER_FILE:
            self.errors.append((line, column, reason, row_id))
        if row_id is not None and len(self.failed_ids) < MAX_FAILED_IDS:
            self.failed_ids.add(row_id)

    def chunks(self) -> Iterator[bytes]:
        if self.spool is None:
            return
        self.spool.seek(0)
        while chunk := self.spool.read(READ_SIZE):
            yield chunk

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


def prepare_file(
    spec: FileSpec, opener, progress: Progress, stop: Callable[[], bool] = lambda: False
) -> _Prepared:
    """Read, check and convert one file, without touching the database."""
    started = time.perf_counter()
    prepared = _Prepared(spec)
    try:
        stream = opener()
    except OSError as exc:
        prepared.opened = False
        prepared.error(0, "", f"cannot be opened: {exc}")
        return prepared
    with stream:
        try:
            csv_file = CsvFile(stream)
        except FileError as exc:
            prepared.error(exc.line, "", exc.reason)
            return prepared
        header = read_header(spec, csv_file.header)
        prepared.unknown = header.unknown
        for column in header.missing_required:
            prepared.error(1, column, "required column is missing from the header")
        for column in header.duplicated:
            prepared.error(1, column, "column appears twice in the header")
        if header.missing_required or header.duplicated:
            return prepared
        converter = RowConverter(spec, header)
        prepared.columns = converter.columns
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by _Prepared.close
            max_size=SPOOL_IN_MEMORY, mode="w+b", prefix="ptrevops-import-"
        )
        prepared.spool = spool
        try:
            staged = convert_rows(
                converter,
                csv_file,
                prepared.error,
                lambda rows: progress(spec.name, rows),
                lambda text: spool.write(text.encode()),
                stop,
            )
        except BaseException:
            prepared.close()
            raise
    prepared.staged = staged
    progress(spec.name, staged.read)
    prepared.read_seconds = time.perf_counter() - started
    return prepared


_END = object()


class _Reader:
    """Reads the bundle's files in a thread, `LOOKAHEAD` files ahead of the run.

    Parsing and validation are Python (they hold the GIL), the upsert is PostgreSQL
    (psycopg releases the GIL while it waits for the server): with the reading of
    file n+1 overlapping the SQL of file n, a run takes about the larger of the two
    instead of their sum. Iterating yields `_Prepared` files in the spec's order;
    leaving the block (also by an exception) stops the thread and removes its spools.
    """

    def __init__(self, openers: dict, progress: Progress):
        self._openers = openers
        self._progress = progress
        self._queue: queue.Queue = queue.Queue(maxsize=LOOKAHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bundle-reader", daemon=True)

    def __enter__(self) -> _Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        while self._thread.is_alive() or not self._queue.empty():
            try:
                item = self._queue.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(item, _Prepared):
                item.close()
        self._thread.join()

    def __iter__(self) -> Iterator[_Prepared]:
        while True:
            started = time.perf_counter()
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            item.waited = time.perf_counter() - started
            try:
                yield item
            finally:
                item.close()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        if isinstance(item, _Prepared):
            item.close()
        return False

    def _run(self) -> None:
        try:
            for spec in FILES:
                if spec.name not in self._openers:
                    continue
                prepared = prepare_file(
                    spec, self._openers[spec.name], self._progress, self._stop.is_set
                )
                if not self._put(prepared):
                    return
        except BaseException as exc:  # handed to the run's thread, raised there
            self._put(exc)
            return
        self._put(_END)
