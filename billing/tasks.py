"""Celery tasks of billing."""

from __future__ import annotations

from ptrevops.celery import TenantTask, app


class RefreshTask(TenantTask):
    # refresh_after_import opens its own tenant_context transaction.
    single_transaction = False


@app.task(base=RefreshTask, name="billing.refresh_rollups", time_limit=3600)
def refresh_rollups(*, organization_id: int) -> bool:
    """Rewrite the rollup days a write at the desk marked dirty (a copay logged):
    the refresh every import ends with. Nothing to do when a dashboard read (or an
    earlier refresh) got there first."""
    from analytics.rollups import refresh_after_import

    return refresh_after_import(organization_id) is not None
