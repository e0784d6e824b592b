"""Helpers for the metric tests: a builder in the organization's scope and a runner
that returns the JSON document exactly as the API and the command print it."""

from __future__ import annotations

import datetime

import pytest

from analytics.metrics import metrics_document
from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder


@pytest.fixture
def build(org):
    """``with build() as b:`` — a Builder for ``org`` inside its tenant scope."""
    from contextlib import contextmanager

    @contextmanager
    def scope(organization=None):
        organization = organization or org
        with tenant_context(organization.pk):
            yield Builder(organization)

    return scope


@pytest.fixture
def run(org):
    """run(start, end, **selection) -> the metrics JSON document for ``org``."""

    def compute(start: datetime.date, end: datetime.date, organization=None, **selection):
        organization = organization or org
        with tenant_context(organization.pk):
            return metrics_document(organization, start=start, end=end, **selection)

    return compute
