"""The metrics document of spec/metrics.md ("Output format"), and a readable table.

* money: strings with 2 decimals (``"1234.50"``);
* counts: integers;
* ratios: ``{"value", "numerator", "denominator"}``, the value a number rounded to
  6 places, ``null`` when the denominator is 0;
* extras beside the value: ``maturity`` (on ``ncrpv``), ``lines_no_contract_rate``
  (on ``expected_allowed``), ``lines_denied`` (on ``payer_yield``), ``counts`` per
  root cause (on ``denials_by_root_cause``), ``buckets`` and
  ``patient_credit_balances`` (on ``ar_aging``), ``episodes`` (on ``at_risk_episodes``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from analytics.metrics.compute import MetricsReport
from analytics.metrics.filters import DIMENSIONS
from analytics.metrics.values import Count, Metric, Money, NotApplicable, Ratio, money


def _plain(value: Any, *, places: int = 2) -> Any:
    """JSON-ready: Decimal → string with ``places`` decimals; containers recursively."""
    if isinstance(value, Decimal):
        if places == 2:
            return str(money(value))
        return str(value.quantize(Decimal(1).scaleb(-places)))
    if isinstance(value, Ratio | Count | Money | NotApplicable):
        return metric_json(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def metric_json(metric: Metric) -> dict[str, Any]:
    if isinstance(metric, NotApplicable):
        document: dict[str, Any] = {"value": None}
        if metric.ratio:
            document.update(numerator=None, denominator=None)
        document["not_applicable"] = metric.reason
        return document
    if isinstance(metric, Ratio):
        value = metric.value
        document = {
            "value": None if value is None else float(value),
            "numerator": _plain(metric.numerator),
            "denominator": _plain(metric.denominator, places=metric.denominator_places),
        }
    elif isinstance(metric, Money):
        document = {"value": _plain(metric.value)}
    else:
        document = {"value": metric.value}
    document.update({key: _plain(item) for key, item in metric.extras.items()})
    return document


def metrics_json(metrics: dict[str, Metric]) -> dict[str, Any]:
    return {name: metric_json(metric) for name, metric in metrics.items()}


def report_document(report: MetricsReport) -> dict[str, Any]:
    """The one JSON document the command (``--format json``) and the API return."""
    filters = report.filters
    document: dict[str, Any] = {
        "organization": report.organization_slug,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "filters": {
            **{
                dimension: list(filters.external_ids.get(dimension, ())) for dimension in DIMENSIONS
            },
            "as_of": filters.as_of_date.isoformat(),
            "group_by": None if filters.group_by is None else str(filters.group_by),
        },
        "metrics": metrics_json(report.metrics),
    }
    if report.groups is not None:
        document["groups"] = [
            {"group": group.label, "metrics": metrics_json(group.metrics)}
            for group in report.groups
        ]
    return document


def _cell(metric: Metric) -> str:
    if isinstance(metric, NotApplicable):
        return "n/a"
    if isinstance(metric, Ratio):
        value = metric.value
        shown = "—" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")
        numerator = _plain(metric.numerator)
        denominator = _plain(metric.denominator, places=metric.denominator_places)
        return f"{shown}  ({numerator} / {denominator})"
    if isinstance(metric, Money):
        return "—" if metric.value is None else str(money(metric.value))
    return str(metric.value)


def report_table(report: MetricsReport) -> str:
    """A plain-text table: one line per metric, then one block per group."""
    filters = report.filters
    lines = [
        f"{report.organization_slug}  {filters.start.isoformat()} .. {filters.end.isoformat()}"
        f"  (as of {filters.as_of_date.isoformat()})"
    ]
    chosen = [
        f"{dimension}={','.join(ids)}"
        for dimension in DIMENSIONS
        if (ids := filters.external_ids.get(dimension))
    ]
    if chosen:
        lines.append("filters: " + "  ".join(chosen))
    blocks = [("all", report.metrics)]
    blocks += [(group.label or "(none)", group.metrics) for group in report.groups or []]
    width = max(len(name) for name in report.metrics)
    for title, metrics in blocks:
        lines.append("")
        lines.append(f"== {title}")
        for name, metric in metrics.items():
            lines.append(f"{name:<{width}}  {_cell(metric)}")
    return "\n".join(lines) + "\n"
