"""Fixtures for posting tests: a post() helper bound to an organization."""

from __future__ import annotations

import pytest

from billing.remittances import post_835_file
from tests.remittances.factories import as_file


@pytest.fixture
def post():
    """post(org, data, filename=...) -> report, posted inside the org's tenant scope."""
    from ptrevops.tenancy.context import tenant_context

    def run(organization, data: bytes, filename: str = "test.835", **kwargs):
        with tenant_context(organization.pk):
            return post_835_file(
                organization_id=organization.pk, fileobj=as_file(data), filename=filename, **kwargs
            )

    return run
