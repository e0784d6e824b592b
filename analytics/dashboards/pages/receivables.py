"""A/R: aging buckets by payer and clinic as of the period end, days in A/R by month."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analytics.dashboards import figures
from analytics.dashboards.pages.base import (
    PageView,
    comparison_panel,
    money,
    number,
    value_of,
)
from analytics.dashboards.panels import Panel
from analytics.dashboards.views import _kpi, derived_kpi, drill_url
from analytics.metrics.queries.receivables import AGING_BUCKETS


def aging_frame(doc: dict, labels: dict, no_value: str) -> pd.DataFrame:
    rows = []
    for group in doc.get("groups", []):
        entry = group["metrics"].get("ar_aging") or {}
        buckets = entry.get("buckets") or {}
        row = {
            "period": group["group"],
            "label": labels.get(group["group"], group["group"]) or no_value,
            "total": float(Decimal(entry.get("value") or "0")),
        }
        for bucket in AGING_BUCKETS:
            row[bucket] = float(Decimal(buckets.get(bucket) or "0"))
        days = (group["metrics"].get("days_in_ar") or {}).get("value")
        row["days_in_ar"] = days
        if (
            group["group"] is None
            and not row["total"]
            and not any(row[bucket] for bucket in AGING_BUCKETS)
        ):
            continue  # no balance without a payer (clinic…): nothing to show
        rows.append(row)
    return pd.DataFrame(rows, columns=["period", "label", "total", *AGING_BUCKETS, "days_in_ar"])


def over_90(metrics: dict):
    entry = metrics.get("ar_aging") or {}
    total = Decimal(entry.get("value") or "0")
    buckets = entry.get("buckets") or {}
    late = Decimal(buckets.get("91-120") or "0") + Decimal(buckets.get("120+") or "0")
    return None if not total else float(late / total)


class ReceivablesView(PageView):
    page_title = "A/R"
    page_metrics = ("ar_aging", "days_in_ar")
    visit_note = (
        "A/R counts claims of finalized visits (date of service on or before the as-of date) "
        "and patient balances of visits that have a claim; days in A/R divides by gross "
        "charges of the visits of the last 90 days."
    )
    period_note = "Balances as of the period end (each month: as of its last day)."

    def build(self, selection) -> dict:
        prior_selection = selection.prior()
        current = self.doc(selection)["metrics"]
        prior = self.doc(prior_selection)["metrics"]
        by_payer = aging_frame(self.doc(selection, "payer"), self.names("payer"), "no payer")
        by_clinic_doc = self.doc(selection, "clinic")
        by_clinic = aging_frame(by_clinic_doc, self.names("clinic"), "")
        by_month = aging_frame(self.doc(selection, "month"), {}, "")
        aging_columns = [(bucket, bucket, money) for bucket in AGING_BUCKETS]

        def aging_rows(frame):
            return [
                [row["label"], money(row["total"]), *[money(row[b]) for b in AGING_BUCKETS]]
                for row in frame.to_dict("records")
            ]

        panels = [
            Panel(
                id="payer-aging",
                title="A/R aging by payer",
                definition="ar_aging",
                figure_json=figures.to_json(
                    figures.stacked_bars(by_payer, x="label", columns=list(AGING_BUCKETS))
                ),
                columns=["Payer", "A/R total", *[c[0] for c in aging_columns]],
                rows=aging_rows(by_payer),
                links=[
                    drill_url("ar", selection, "payer", row["period"])
                    for row in by_payer.to_dict("records")
                ],
                note="Days from date of service to the period end. Patient balances belong to "
                "the payer of the visit's primary claim.",
            ),
            Panel(
                id="days-in-ar-trend",
                title="Days in A/R by month (as of each month end)",
                definition="days_in_ar",
                figure_json=figures.to_json(
                    figures.multi_line(by_month, x="period", series={"days_in_ar": "Days in A/R"})
                ),
                columns=["Month", "Days in A/R", "A/R total", "Over 90 days"],
                rows=[
                    [
                        row["period"],
                        number(row["days_in_ar"], 1),
                        money(row["total"]),
                        money(row["91-120"] + row["120+"]),
                    ]
                    for row in by_month.to_dict("records")
                ],
                links=[
                    drill_url("ar", selection, "month", row["period"])
                    for row in by_month.to_dict("records")
                ],
                note="Benchmark: 25–35 days.",
            ),
            Panel(
                id="clinic-aging",
                title="A/R aging by clinic",
                definition="ar_aging",
                figure_json=figures.to_json(
                    figures.stacked_bars(by_clinic, x="label", columns=list(AGING_BUCKETS))
                ),
                columns=["Clinic", "A/R total", *[c[0] for c in aging_columns]],
                rows=aging_rows(by_clinic),
                links=[
                    drill_url("ar", selection, "clinic", row["period"])
                    for row in by_clinic.to_dict("records")
                ],
            ),
            comparison_panel(
                id="clinic-days-in-ar",
                title="Days in A/R by clinic",
                definition="days_in_ar",
                frame=by_clinic,
                value="days_in_ar",
                label="Days in A/R",
                reference=value_of(current, "days_in_ar"),
                dimension="clinic",
                columns=[
                    ("Days in A/R", "days_in_ar", lambda v: number(v, 1)),
                    ("A/R total", "total", money),
                ],
                selection=selection,
                drill="ar",
            ),
        ]
        kpis = [
            derived_kpi(
                "ar_aging",
                Decimal((current.get("ar_aging") or {}).get("value") or "0"),
                Decimal((prior.get("ar_aging") or {}).get("value") or "0"),
            ),
            _kpi("days_in_ar", current, prior),
            derived_kpi("ar_over_90", over_90(current), over_90(prior)),
        ]
        kpis[0]["title"] = "A/R total"
        return {
            "kpis": kpis,
            "panels": panels,
            "prior": prior_selection,
            "period_note": self.period_note,
        }
