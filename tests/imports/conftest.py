"""Fixtures for importer tests: run an import in an organization's scope."""

from __future__ import annotations

import pytest

from episodes.imports import import_bundle
from ptrevops.tenancy.context import tenant_context


@pytest.fixture
def run_import():
    """run_import(org, source, **options) -> BundleReport, inside org's tenant scope."""

    def run(organization, source, **options):
        with tenant_context(organization.pk):
            return import_bundle(organization_id=organization.pk, source=source, **options)

    return run
