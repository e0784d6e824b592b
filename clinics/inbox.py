"""The per-organization inbox folder, imported nightly at the organization's hour.

`var/inbox/<org-slug>/` (or `PTREVOPS_INBOX_DIR/<org-slug>/`): bundles (.zip) are
imported first so that claims exist before the 835s that pay them; each file then
moves to `processed/` or `failed/` beside it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from clinics.choices import ImportKind, ImportSource, ImportStatus
from clinics.import_runs import import_run_create, import_run_execute, move_processed
from clinics.models import Organization
from ptrevops.tenancy.context import tenant_context, tenant_scope

logger = logging.getLogger("ptrevops.inbox")
REMITTANCE_SUFFIXES = {".835", ".edi", ".x12", ".txt", ".dat", ".era"}


def inbox_dir(organization: Organization) -> Path:
    root = Path(getattr(settings, "PTREVOPS_INBOX_DIR", "") or settings.PTREVOPS_VAR_DIR / "inbox")
    path = root / organization.slug
    path.mkdir(parents=True, exist_ok=True)
    return path


def inbox_files(organization: Organization) -> list[tuple[Path, str]]:
    files = sorted(p for p in inbox_dir(organization).iterdir() if p.is_file())
    bundles = [(p, ImportKind.BUNDLE) for p in files if p.suffix.lower() == ".zip"]
    remittances = [
        (p, ImportKind.REMITTANCE_835) for p in files if p.suffix.lower() in REMITTANCE_SUFFIXES
    ]
    return bundles + remittances


def local_date(organization: Organization, now: datetime):
    return now.astimezone(ZoneInfo(organization.timezone)).date()


def import_due(organization: Organization, now: datetime, last_run_on) -> bool:
    """Due once a day, at or after the organization's local import time."""
    local = now.astimezone(ZoneInfo(organization.timezone))
    return local.time() >= organization.nightly_import_time and last_run_on != local.date()


def inbox_import(*, organization: Organization) -> list[tuple[str, str]]:
    """Import every file in the inbox now, in order; returns (file name, status)."""
    outcomes = []
    for path, kind in inbox_files(organization):
        with tenant_context(organization.pk), open(path, "rb") as handle:
            run = import_run_create(
                organization=organization,
                fileobj=handle,
                filename=path.name,
                source=ImportSource.INBOX,
                kind=kind,
            )
        if run.status == ImportStatus.QUEUED:
            with tenant_scope(organization.pk):
                run = import_run_execute(run_id=run.pk)
        succeeded = run.status in (ImportStatus.SUCCEEDED, ImportStatus.SKIPPED)
        move_processed(path, succeeded)
        outcomes.append((path.name, run.status))
        logger.info(
            "inbox file imported",
            extra={"file": path.name, "status": run.status, "organization_id": organization.pk},
        )
    return outcomes
