"""Celery tasks of analytics."""

from __future__ import annotations

from analytics.rollups import refresh_after_import
from ptrevops.celery import TenantTask, app


class RefreshTask(TenantTask):
    # refresh_after_import opens its own tenant_context transaction.
    single_transaction = False


@app.task(base=RefreshTask, name="analytics.refresh_rollups", time_limit=3600)
def refresh_rollups(*, organization_id: int) -> bool:
    """Rewrite the rollup days a write outside an import marked dirty (a copay
    logged at the desk): the refresh every import ends with. Nothing to do when a
    dashboard read (or an earlier refresh) got there first."""
    return refresh_after_import(organization_id) is not None
