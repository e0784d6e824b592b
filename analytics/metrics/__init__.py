"""The one metrics module: spec/metrics.md implemented as SQL over the normalized tables.

Public API::

    resolve_filters(*, organization_id, start, end, clinics=(), clinicians=(), payers=(),
                    sources=(), as_of=None, group_by=None) -> MetricFilters
    compute_metrics(filters, *, organization_slug) -> MetricsReport
    report_document(report) -> dict        # the JSON document of the spec
    report_table(report) -> str            # the same, as a readable table
    metrics_document(organization, **selection) -> dict   # resolve + compute + JSON

Everything must run inside ``tenant_context(organization.pk)``.
"""

from __future__ import annotations

from analytics.metrics.compute import METRIC_NAMES, MetricsReport, compute_metrics
from analytics.metrics.filters import (
    GroupBy,
    MetricFilterError,
    MetricFilters,
    parse_date,
    parse_group_by,
    resolve_filters,
)
from analytics.metrics.output import report_document, report_table


def metrics_document(
    organization, *, source: str = "direct", metrics: tuple[str, ...] | None = None, **selection
) -> dict:
    """Resolve the selection (external ids), compute and return the JSON document
    (only the ``metrics`` named, when given)."""
    filters = resolve_filters(organization_id=organization.pk, **selection)
    return report_document(
        compute_metrics(
            filters, organization_slug=organization.slug, source=source, metrics=metrics
        )
    )


__all__ = [
    "METRIC_NAMES",
    "GroupBy",
    "MetricFilterError",
    "MetricFilters",
    "MetricsReport",
    "compute_metrics",
    "metrics_document",
    "parse_date",
    "parse_group_by",
    "report_document",
    "report_table",
    "resolve_filters",
]
