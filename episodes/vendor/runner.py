"""Run an import of a vendor export: convert → canonical import → removals, one transaction.

Called by the import-run executor (clinics.import_runs) for runs whose `profile` is
not "canonical": "webpt" for WebPT's Standard Extract, or the id of a saved
`clinics.ColumnMappingProfile`. Must run inside the run's `tenant_context`; the
caller rolls the transaction back when this returns `succeeded=False`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import asdict
from pathlib import Path

from episodes.imports import import_bundle
from episodes.imports.reader import BundleError
from episodes.vendor import webpt
from episodes.vendor.convert import (
    Override,
    convert,
    custom_plans,
    source_files,
    webpt_plans,
)
from episodes.vendor.removals import apply_removals
from episodes.vendor.transforms import MappingError


def _organization_timezone(organization_id: int) -> str:
    from clinics.models import Organization

    organization = Organization.objects.filter(pk=organization_id).first()
    return organization.timezone if organization else "UTC"


def webpt_overrides() -> list[Override]:
    """The organization's saved mappings that apply to tables of a WebPT extract."""
    from clinics.models import ColumnMappingProfile

    return [
        Override(profile.source_table, profile.target, profile.mapping)
        for profile in ColumnMappingProfile.objects.filter(vendor__iexact="webpt")
        .exclude(source_table="")
        .order_by("pk")
    ]


def profile_fingerprint(profile: str) -> str:
    """What importing with `profile` means now, as a short string: "canonical", or
    the profile with a hash of the saved mapping(s) it would apply (a WebPT run
    applies the organization's WebPT overrides too). Two runs of the same file are
    the same import only if their fingerprints are equal. Must run in the
    organization's tenant scope."""
    if profile == "canonical":
        return profile
    from clinics.models import ColumnMappingProfile

    if profile == webpt.PROFILE:
        used = [[o.source_table, o.target, o.mapping] for o in webpt_overrides()]
    else:
        mapping = (
            ColumnMappingProfile.objects.filter(pk=int(profile)).first()
            if profile.isdigit()
            else None
        )
        used = None if mapping is None else [mapping.target, mapping.mapping]
    text = json.dumps(used, sort_keys=True, separators=(",", ":"))
    return f"{profile}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _plans(profile: str, files, warnings):
    if profile == webpt.PROFILE:
        return webpt_plans(files, webpt_overrides(), warnings)
    from clinics.models import ColumnMappingProfile

    mapping = (
        ColumnMappingProfile.objects.filter(pk=int(profile)).first() if profile.isdigit() else None
    )
    if mapping is None:
        raise MappingError(f"there is no column mapping {profile!r} (was it deleted?)")
    warnings.append(f"mapped with {mapping.name!r} onto {mapping.target}.csv")
    return custom_plans(files, mapping.target, mapping.mapping, warnings), []


def import_vendor_export(
    *,
    organization_id: int,
    source: Path,
    original_filename: str,
    profile: str,
    partial: bool = False,
    progress=None,
) -> tuple[bool, dict, list[tuple[str, int | None, str, str]]]:
    """Returns (succeeded, report document, row errors as (file, line, column, reason))."""
    warnings: list[str] = []
    document: dict = {"profile": profile, "succeeded": False}
    try:
        files = source_files(source, original_filename)
        plans, plan_errors = _plans(profile, files, warnings)
    except (BundleError, MappingError) as exc:
        document.update(warnings=warnings, error_count=1)
        return False, document, [(original_filename, None, "", str(exc))]
    with tempfile.TemporaryDirectory(prefix="ptrevops-vendor-") as folder:
        conversion = convert(
            plans,
            Path(folder),
            default_timezone=_organization_timezone(organization_id),
            partial=partial,
        )
        errors = list(plan_errors) + conversion.errors
        warnings += conversion.warnings
        document["conversion"] = {
            "sources": conversion.sources,
            "rows": conversion.rows,
            "removals": {name: len(items) for name, items in conversion.removals.items()},
        }
        if not plans and not errors:
            warnings.append("nothing to import: no file of the upload could be mapped")
        if errors and not partial:
            warnings.append("nothing was imported: the export has errors (see errors)")
            hidden = conversion.error_count - len(conversion.errors)
            return _done(False, document, errors, warnings, hidden)
        report = import_bundle(
            organization_id=organization_id,
            source=Path(folder),
            partial=partial,
            progress=progress,
        )
    errors += [conversion.source_of(error) for error in report.errors]
    bundle = report.as_dict()
    document["files"] = bundle["files"]
    document["timings"] = bundle["timings"]
    warnings += bundle["warnings"]
    succeeded = report.succeeded
    if succeeded and conversion.removals:
        removed = apply_removals(organization_id, conversion.removals)
        document["removals"] = removed.as_dict()
        errors += removed.errors
        if removed.errors and not partial:
            succeeded = False
            warnings.append("nothing was imported: some removed rows are still referenced")
    if succeeded:
        from billing.remittances import match_unmatched_payments

        document["payments_matched_late"] = match_unmatched_payments(
            organization_id=organization_id
        )
        # Copays logged at the desk before these visits existed.
        from billing.copays.services import link_desk_copays

        document["desk_copays_linked"] = link_desk_copays(organization_id=organization_id)
    hidden = conversion.error_count - len(conversion.errors)
    hidden += bundle["error_count"] - len(report.errors)
    return _done(succeeded, document, errors, warnings, hidden)


def _done(succeeded, document, errors, warnings, hidden: int):
    """`hidden`: errors counted but not listed (beyond the per-file limits)."""
    document.update(
        succeeded=succeeded,
        warnings=warnings,
        errors=[asdict(error) for error in errors[:1000]],
        error_count=len(errors) + hidden,
    )
    return succeeded, document, [(e.file, e.line or None, e.column, e.reason) for e in errors]
