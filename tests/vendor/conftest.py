"""Fixtures for vendor-export tests: a canonical base, vendor files, runs."""

from __future__ import annotations

import io
import zipfile

import pytest

from clinics import import_runs
from clinics.choices import ImportKind, ImportSource
from episodes.imports import import_bundle
from ptrevops.tenancy.context import tenant_context, tenant_scope
from tests.imports.bundles import sample, write_bundle


@pytest.fixture
def base(org, tmp_path):
    """The importer tests' sample bundle (patients PT1/PT2, clinicians T1/T2, episodes
    EP1/EP2, appointments AP1–AP3, visits V1/V2, payers P1/P2, charges CH1–CH3)."""
    folder = write_bundle(tmp_path / "base", sample())
    with tenant_context(org.pk):
        report = import_bundle(organization_id=org.pk, source=folder)
    assert report.succeeded, report.errors
    return org


def csv_bytes(header: list[str], *rows: list[str]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def run_vendor():
    """run_vendor(org, content, filename, profile, partial=False) -> the finished ImportRun."""

    def run(organization, content: bytes, filename: str, profile: str, partial: bool = False):
        with tenant_context(organization.pk):
            created = import_runs.import_run_create(
                organization=organization,
                fileobj=io.BytesIO(content),
                filename=filename,
                source=ImportSource.CLI,
                kind=ImportKind.BUNDLE,
                partial=partial,
                profile=profile,
            )
        with tenant_scope(organization.pk):
            return import_runs.import_run_execute(run_id=created.pk)

    return run


@pytest.fixture
def row_errors():
    def errors(organization, run):
        with tenant_context(organization.pk):
            return list(
                run.row_errors.order_by("pk").values_list("file", "line", "column", "reason")
            )

    return errors
