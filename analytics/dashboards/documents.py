"""Turn metrics documents (spec/metrics.md output) into DataFrames for the pages."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analytics.metrics import metrics_document

# A month is "mature" once this share of its billable visits with a claim has a remittance.
MATURITY_THRESHOLD = 0.9


def metric_value(metrics: dict, name: str):
    """The plain value of one metric of a document (Decimal for money, float for ratios)."""
    entry = metrics.get(name) or {}
    value = entry.get("value")
    if isinstance(value, str):
        return Decimal(value)
    return value


def document(
    organization, selection, group_by: str | None = None, metrics: list[str] | None = None
) -> dict:
    """The selection's metrics document, read from the rollups; with ``metrics``, only
    those (and only the queries they need)."""
    return metrics_document(
        organization,
        source="rollup",
        group_by=group_by,
        metrics=None if metrics is None else tuple(metrics),
        **selection.as_kwargs(),
    )


def groups_frame(doc: dict, names: list[str], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per group with the named metrics' values (+ NCRPV maturity)."""
    rows = []
    for group in doc.get("groups", []):
        metrics = group["metrics"]
        row = {
            "period": group["group"],
            "label": (labels or {}).get(group["group"], group["group"]),
        }
        for name in names:
            value = metric_value(metrics, name)
            row[name] = float(value) if isinstance(value, Decimal) else value
        maturity = (metrics.get("ncrpv") or {}).get("maturity") or {}
        maturity_value = maturity.get("value") if isinstance(maturity, dict) else None
        row["maturity"] = maturity_value
        row["mature"] = maturity_value is None or maturity_value >= MATURITY_THRESHOLD
        rows.append(row)
    return pd.DataFrame(rows, columns=["period", "label", *names, "maturity", "mature"])
