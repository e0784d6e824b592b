"""Import runs: store the file, skip one already imported, run it, record the outcome.

Every way in — the upload page, the API, the inbox folder and the CLI — goes
through `import_run_create` and then `import_run_execute` (in a Celery task, or
synchronously for the CLI). Each run does its writes in one transaction: a failure
or a killed worker leaves nothing behind, and the stored file can be run again.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from clinics import planner_statistics
from clinics.choices import ImportKind, ImportSource, ImportStatus
from clinics.models import ImportRowError, ImportRun, Organization, User
from ptrevops.tenancy.context import current_organization_id, tenant_context

logger = logging.getLogger("ptrevops.imports")
MAX_STORED_ROW_ERRORS = 100_000
# Key of the run's report under which the profile's fingerprint is recorded.
PROFILE_FINGERPRINT = "profile_fingerprint"
_CHUNK = 1024 * 1024


def import_storage_dir(organization: Organization) -> Path:
    path = Path(settings.PTREVOPS_VAR_DIR) / "imports" / organization.slug
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store(fileobj: BinaryIO, destination: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(destination, "wb") as out:
        while chunk := fileobj.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def guess_kind(filename: str, head: bytes) -> str:
    """A zip or CSV is a bundle; anything that starts like X12 is an 835."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"ISA", b"ST*", b"ST|", b"GS")):
        return ImportKind.REMITTANCE_835
    if head.startswith(b"PK") or filename.lower().endswith((".zip", ".csv")):
        return ImportKind.BUNDLE
    return ImportKind.REMITTANCE_835


def import_run_create(
    *,
    organization: Organization,
    fileobj: BinaryIO,
    filename: str,
    source: str,
    kind: str | None = None,
    created_by: User | None = None,
    partial: bool = False,
    profile: str = "canonical",
) -> ImportRun:
    """Store the file and queue a run; a file already imported with the same profile
    (and mapping) is skipped."""
    assert current_organization_id() == organization.pk
    safe_name = Path(filename).name or "upload"
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    destination = import_storage_dir(organization) / f"{stamp}-{safe_name}"
    sha256, size = _store(fileobj, destination)
    if kind is None:
        with open(destination, "rb") as handle:
            kind = guess_kind(safe_name, handle.read(16))
    previous = _same_import(sha256, kind, profile)
    run = ImportRun.objects.create(
        organization=organization,
        kind=kind,
        source=source,
        profile=profile,
        original_filename=safe_name,
        stored_path=str(destination),
        sha256=sha256,
        size_bytes=size,
        partial=partial,
        created_by=created_by,
        status=ImportStatus.SKIPPED if previous else ImportStatus.QUEUED,
        duplicate_of=previous,
        finished_at=timezone.now() if previous else None,
    )
    return run


def profile_fingerprint(profile: str) -> str:
    """The profile and the mapping it applies now (see episodes.vendor.runner)."""
    from episodes.vendor.runner import profile_fingerprint as fingerprint

    return fingerprint(profile)


def _same_import(sha256: str, kind: str, profile: str) -> ImportRun | None:
    """The first succeeded run of the same bytes, kind and profile — and, for a vendor
    profile, the same mapping (as recorded when that run ran): the same file mapped
    differently is a different import. Runs from before fingerprints were recorded
    match only as canonical imports."""
    fingerprint = profile_fingerprint(profile)
    candidates = ImportRun.objects.filter(
        sha256=sha256, kind=kind, profile=profile, status=ImportStatus.SUCCEEDED
    ).order_by("created_at")
    for run in candidates.only("pk", "report", "profile"):
        recorded = (run.report or {}).get(PROFILE_FINGERPRINT, "canonical")
        if recorded == fingerprint:
            return run
    return None


def _progress_key(run_id: int) -> str:
    return f"import-progress:{run_id}"


def import_run_progress(run_id: int) -> dict:
    return cache.get(_progress_key(run_id)) or {}


def _progress_reporter(run: ImportRun) -> Callable[[str, int], None]:
    started = time.monotonic()

    def report(stage: str, rows: int) -> None:
        # Kept in Redis, not the database: the run's transaction is still open.
        cache.set(
            _progress_key(run.pk),
            {"stage": stage, "rows": rows, "seconds": round(time.monotonic() - started, 1)},
            timeout=24 * 3600,
        )

    return report


def _execute(run: ImportRun, progress) -> tuple[bool, dict, list]:
    """Run the importer for the run's kind; returns (succeeded, report, row errors)."""
    path = Path(run.stored_path)
    if run.kind == ImportKind.BUNDLE and run.profile != "canonical":
        # A vendor export (WebPT, or a saved column mapping): converted to a canonical
        # bundle, imported and its removals applied, all in this transaction.
        from episodes.vendor.runner import import_vendor_export

        return import_vendor_export(
            organization_id=run.organization_id,
            source=path,
            original_filename=run.original_filename,
            profile=run.profile,
            partial=run.partial,
            progress=progress,
        )
    if run.kind == ImportKind.BUNDLE:
        from episodes.imports import import_bundle

        report = import_bundle(
            organization_id=run.organization_id,
            source=path,
            partial=run.partial,
            progress=progress,
        )
        errors = [(e.file, e.line, e.column, e.reason) for e in report.errors]
        document = report.as_dict()
        if report.succeeded:
            # Claims may arrive after the 835s that pay them: match those payments now.
            from billing.remittances import match_unmatched_payments

            document["payments_matched_late"] = match_unmatched_payments(
                organization_id=run.organization_id
            )
            # Copays logged at the desk before these visits existed.
            from billing.copays.services import link_desk_copays

            document["desk_copays_linked"] = link_desk_copays(organization_id=run.organization_id)
        return report.succeeded, document, errors
    from billing.remittances import post_835_file

    with open(path, "rb") as handle:
        report = post_835_file(
            organization_id=run.organization_id,
            fileobj=handle,
            filename=run.original_filename,
            sha256=run.sha256,
            import_run_id=run.pk,
            progress=lambda posted: progress("claim payments", posted.claim_payments_read),
        )
    errors = [(run.original_filename, None, "", message) for message in report.errors]
    return report.ok, report.as_dict(), errors


def import_run_execute(*, run_id: int) -> ImportRun:
    """Run a queued (or failed, or interrupted) import in its own transactions."""
    organization_id = current_organization_id()
    with tenant_context(organization_id):
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.status in (ImportStatus.SUCCEEDED, ImportStatus.SKIPPED):
            return run
        run.status = ImportStatus.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "attempts"])

    progress = _progress_reporter(run)
    succeeded, report, errors, message = False, {}, [], ""
    fingerprint = ""
    try:
        with tenant_context(organization_id):
            # Taken before the importer reads the mapping, in the same transaction.
            fingerprint = profile_fingerprint(run.profile)
            succeeded, report, errors = _execute(run, progress)
            report = {**report, PROFILE_FINGERPRINT: fingerprint}
            if not succeeded:
                # Roll back whatever the importer wrote: a failed run commits nothing.
                transaction.set_rollback(True)
            else:
                _finish(run, ImportStatus.SUCCEEDED, report, errors, "")
    except Exception as error:  # recorded on the run; the task itself must not retry
        logger.exception("import run %s failed", run_id)
        message = f"{type(error).__name__}: {error}"
    if not succeeded:
        with tenant_context(organization_id):
            if fingerprint:
                report = {**report, PROFILE_FINGERPRINT: fingerprint}
            _finish(run, ImportStatus.FAILED, report, errors, message)
    else:
        planner_statistics.after_run(run.kind == ImportKind.BUNDLE, report)
    return run


def _finish(run: ImportRun, status: str, report: dict, errors: list, message: str) -> None:
    run.status = status
    run.report = report
    run.error_message = message or ("" if status == ImportStatus.SUCCEEDED else _summary(errors))
    run.error_count = len(errors)
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "report", "error_message", "error_count", "finished_at"])
    run.row_errors.all().delete()
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                organization_id=run.organization_id,
                run=run,
                file=file,
                line=line,
                column=column or "",
                reason=reason,
            )
            for file, line, column, reason in errors[:MAX_STORED_ROW_ERRORS]
        ],
        batch_size=5000,
    )


def _summary(errors: list) -> str:
    if not errors:
        return "the import failed"
    file, line, column, reason = errors[0]
    where = (
        f"{file}" + (f", line {line}" if line else "") + (f", column {column}" if column else "")
    )
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {reason}{more}"


def import_run_retry(*, run: ImportRun) -> ImportRun:
    """Queue a failed run again with the same stored file."""
    if run.status != ImportStatus.FAILED:
        raise ValueError("only a failed run can be retried")
    run.status = ImportStatus.QUEUED
    run.save(update_fields=["status"])
    return run


def import_run_enqueue(run: ImportRun) -> None:
    """Start the Celery task once the run's row is committed."""
    if run.status != ImportStatus.QUEUED:
        return
    from clinics.tasks import run_import

    organization_id = run.organization_id
    transaction.on_commit(lambda: run_import.delay(run_id=run.pk, organization_id=organization_id))


def move_processed(path: Path, succeeded: bool) -> Path:
    """Inbox files go to processed/ or failed/ beside the inbox."""
    target_dir = path.parent / ("processed" if succeeded else "failed")
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    if target.exists():
        target = target_dir / f"{timezone.now():%Y%m%dT%H%M%S}-{path.name}"
    shutil.move(str(path), target)
    return target


__all__ = [
    "ImportSource",
    "import_run_create",
    "import_run_enqueue",
    "import_run_execute",
    "import_run_progress",
    "import_run_retry",
]
