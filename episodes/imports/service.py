"""Import an EMR export bundle: the orchestration of reader → validate/stage → upsert.

The whole run is one `transaction.atomic()` inside the caller's tenant scope. Files
are taken in the spec's order so that each file's references are already in the
database when it is upserted. Any failed row makes the run roll back at the end —
after every file has been checked, so the report lists all problems at once — unless
`partial=True`, in which case the good rows stay and the failed ones are reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from episodes.imports.reader import BundleError, CsvFile, FileError, open_bundle
from episodes.imports.report import MAX_ERRORS_PER_FILE, BundleReport
from episodes.imports.schema import FILES, FileSpec
from episodes.imports.staging import copy_rows, create_staging_table, drop_staging_table
from episodes.imports.upsert import (
    Dangling,
    dangling_references,
    drop_lines,
    duplicate_lines,
    upsert,
)
from episodes.imports.validate import RowConverter, read_header
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
        self.cursor.execute(
            "SELECT timezone, set_config('work_mem', %s, true) FROM clinics_organization"
            " WHERE id = %s",
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
        for spec in FILES:
            if spec.name not in openers:
                continue
            try:
                stream = openers[spec.name]()
            except OSError as exc:
                self.report.add_error(spec.filename, 0, "", f"cannot be opened: {exc}")
                continue
            with stream:
                self.file(spec, stream)

    def file(self, spec: FileSpec, stream) -> None:
        report = self.report
        name = spec.filename
        counts = report.file(name)

        failed_ids = self.failed_ids.setdefault(spec.name, set())

        def error(line: int, column: str, reason: str, row_id: str | None = None) -> None:
            report.add_error(name, line, column, reason)
            if row_id is not None and len(failed_ids) < MAX_FAILED_IDS:
                failed_ids.add(row_id)

        try:
            csv_file = CsvFile(stream)
        except FileError as exc:
            error(exc.line, "", exc.reason)
            return
        header = read_header(spec, csv_file.header)
        counts.unknown_columns = header.unknown
        if header.unknown:
            report.warnings.append(f"{name}: ignored unknown columns {', '.join(header.unknown)}")
        for column in header.missing_required:
            error(1, column, "required column is missing from the header")
        for column in header.duplicated:
            error(1, column, "column appears twice in the header")
        if header.missing_required or header.duplicated:
            return

        create_staging_table(self.cursor, spec)
        with self.timed(f"{spec.name}.stage"):
            staged = copy_rows(
                self.cursor,
                spec,
                RowConverter(spec, header),
                csv_file,
                error,
                lambda rows: self.progress(spec.name, rows),
            )
        counts.rows_read = staged.read
        self.progress(spec.name, staged.read)
        if staged.stopped is not None:
            # A file that cannot be read to its end is not imported at all.
            error(staged.stopped.line, "", staged.stopped.reason)
            counts.failed = staged.read
            drop_staging_table(self.cursor, spec)
            return
        counts.failed = staged.read - staged.staged

        with self.timed(f"{spec.name}.upsert"):
            self.cursor.execute(f"ANALYZE import_{spec.name}")
            rows = staged.staged
            duplicates = duplicate_lines(self.cursor, spec)
            if duplicates:
                for line, first in duplicates:
                    error(line, spec.id_column or "", f"duplicate of the row on line {first}")
                drop_lines(self.cursor, spec, [line for line, _ in duplicates])
                rows -= len(duplicates)
                counts.failed += len(duplicates)
            result = upsert(self.cursor, spec, self.params, rows)
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

    def finish(self) -> None:
        # Back to Django's default (every foreign key is INITIALLY DEFERRED) for the
        # rest of the caller's transaction.
        self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def unresolved(self, spec: FileSpec, dangling: Dangling) -> str:
        target = spec.by_name[dangling.column].references
        if dangling.value in self.failed_ids.get(target, ()):
            return f"{dangling.value!r} is on a row of {target}.csv that failed"
        return f"{dangling.value!r} matches no row of {target}.csv or the database"
