"""Daily rollups of the metric families, kept fresh incrementally.

- ``triggers``: statement triggers on the source tables mark stale (family, day)s;
- ``refresh``: ``refresh(org)`` rewrites the dirty days, ``rebuild(org)`` everything;
- ``read``: ``RollupQuery`` answers a family from its rollup table.

``compute_metrics(..., source="rollup")`` reads them; ``ensure_fresh`` is called
first so a reader never sees rows older than the last committed write.
"""

from __future__ import annotations

import logging

from analytics.rollups.refresh import RefreshReport, has_dirty_days, rebuild, refresh

logger = logging.getLogger(__name__)


def ensure_fresh(organization_id: int) -> RefreshReport | None:
    """Refresh the organization's dirty days, if any (inside its tenant scope)."""
    if has_dirty_days(organization_id):
        return refresh(organization_id)
    return None


def analyze_stale_rollups() -> None:
    """Fresh planner statistics for the rollup tables a refresh changed by a tenth or
    more (a first build writes millions of rows; see clinics.planner_statistics)."""
    from analytics.models import (
        ROLLUPS,
        PatientCreditBalance,
        ReceivableBalance,
        ReceivableMovement,
    )
    from clinics import planner_statistics

    tables = [
        model._meta.db_table
        for model in (*ROLLUPS, ReceivableBalance, PatientCreditBalance, ReceivableMovement)
    ]
    planner_statistics.analyze(planner_statistics.stale(tables))


def refresh_after_import(organization_id: int) -> RefreshReport | None:
    """The import task's last step: rewrite the days its runs touched, in a
    transaction of its own (the runs have committed; if this fails, the dirty marks
    stay and the next refresh or the next dashboard read does the work)."""
    from ptrevops.tenancy.context import tenant_context

    with tenant_context(organization_id):
        report = ensure_fresh(organization_id)
    if report is not None:
        logger.info("rollups refreshed", extra={"rollup_refresh": report.as_dict()})
        analyze_stale_rollups()
    return report


__all__ = [
    "RefreshReport",
    "analyze_stale_rollups",
    "ensure_fresh",
    "has_dirty_days",
    "rebuild",
    "refresh",
    "refresh_after_import",
]
