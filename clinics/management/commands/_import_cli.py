"""Shared by `import_bundle` and `import_835`: run imports synchronously, print reports."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.core.management.base import CommandError

from clinics.choices import ImportSource, ImportStatus
from clinics.import_runs import import_run_create, import_run_execute
from clinics.models import Organization
from ptrevops.tenancy.context import tenant_context, tenant_scope
from ptrevops.tenancy.roles import owner_role


def organization_by_slug(slug: str) -> Organization:
    # Operators name any organization: looked up as the owner role (cross-tenant).
    with owner_role():
        organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise CommandError(f"no organization with slug {slug!r}")
    return organization


def zip_folder(folder: Path) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, path.name)
    buffer.seek(0)
    return buffer


def compact_report(report: dict) -> str:
    """One line per entity with its counts; the full JSON comes with -v 2."""
    lines = []
    for name, counts in (report.get("files") or {}).items():
        if isinstance(counts, dict):
            figures = ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, int))
            lines.append(f"  {name}: {figures}")
    for key, value in report.items():
        if isinstance(value, int) and not isinstance(value, bool):
            lines.append(f"  {key}: {value}")
    return "\n".join(lines) or "  (no counts)"


def run_file(command, organization: Organization, path: Path, kind: str, *, partial=False):
    command.verbosity = getattr(command, "verbosity", 1)
    if not path.exists():
        raise CommandError(f"{path}: no such file or folder")
    if path.is_dir():
        fileobj, filename = zip_folder(path), f"{path.name}.zip"
    else:
        fileobj, filename = open(path, "rb"), path.name  # noqa: SIM115 closed below
    try:
        with tenant_context(organization.pk):
            run = import_run_create(
                organization=organization,
                fileobj=fileobj,
                filename=filename,
                source=ImportSource.CLI,
                kind=kind,
                partial=partial,
            )
    finally:
        fileobj.close()
    if run.status == ImportStatus.SKIPPED:
        command.stdout.write(f"{path}: already imported in run {run.duplicate_of_id}; skipped")
        return run
    with tenant_scope(organization.pk):
        run = import_run_execute(run_id=run.pk)
    verbosity = command.verbosity
    if verbosity >= 1:
        command.stdout.write(f"{path}: {run.status} (run {run.pk})")
    if verbosity >= 2 or (verbosity == 1 and run.status == ImportStatus.FAILED):
        command.stdout.write(json.dumps(run.report, indent=2, default=str))
    elif verbosity == 1:
        command.stdout.write(compact_report(run.report))
    if run.status == ImportStatus.FAILED:
        command.stderr.write(f"{path}: {run.error_message}")
    return run
