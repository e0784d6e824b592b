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


def run_file(command, organization: Organization, path: Path, kind: str, *, partial=False):
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
    command.stdout.write(f"{path}: {run.status} (run {run.pk})")
    command.stdout.write(json.dumps(run.report, indent=2, default=str))
    if run.status == ImportStatus.FAILED:
        command.stderr.write(f"{path}: {run.error_message}")
    return run
