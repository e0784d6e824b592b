"""A refresh of a few days runs each family's SQL in its index-driven ("narrow") form;
it must yield exactly the grain rows of the hash-join form the full build uses."""

from __future__ import annotations

import datetime
import random

import pytest

from analytics.metrics.filters import MetricFilters
from analytics.metrics.queries import base
from analytics.rollups.refresh import BY_FAMILY, GRAIN_QUERIES
from ptrevops.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 6, 30)


def _grain_rows(org, family: str, start, end, *, narrow: bool) -> tuple[bool, dict]:
    query = GRAIN_QUERIES[family](
        MetricFilters(organization_id=org.pk, start=start, end=end), grain=True
    )
    assert query.narrow is narrow
    rows = query.fetch()
    return "ANY(ARRAY(" in query.sql(), {tuple(key): row for key, row in rows.items()}


def test_narrow_family_sql_yields_the_rows_of_the_wide_form(group, org, monkeypatch):
    rng = random.Random(5)
    ranges = [(END - datetime.timedelta(days=6), END)]
    for _ in range(5):
        start = datetime.date(2026, 4, 1) + datetime.timedelta(days=rng.randrange(0, 85))
        ranges.append((start, start + datetime.timedelta(days=rng.randrange(0, 20))))
    with tenant_context(org.pk):
        for family in BY_FAMILY:
            if family not in GRAIN_QUERIES:
                continue  # balance intervals: derived from the ledger rows
            rows_seen = 0
            for start, end in ranges:
                monkeypatch.setattr(base, "NARROW_DAYS", 32)
                rewritten, narrow = _grain_rows(org, family, start, end, narrow=True)
                monkeypatch.setattr(base, "NARROW_DAYS", 0)
                _, wide = _grain_rows(org, family, start, end, narrow=False)
                assert narrow == wide, (family, start, end)
                rows_seen += len(wide)
            # The families that read the big tables really take the narrow form, on data.
            if family in ("visits", "charge_lines", "claims", "receivables", "referrals"):
                assert rewritten, family
                assert rows_seen > 0, family
