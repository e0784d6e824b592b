"""Copays: collected at the time of service by clinic, by month and by staff member."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analytics import selectors
from analytics.dashboards import figures
from analytics.dashboards.pages.base import PageView, comparison_panel, money, pct, value_of
from analytics.dashboards.panels import Panel
from analytics.dashboards.views import _kpi, derived_kpi, drill_url

# The staff member of copays whose ``collected_by`` is empty: the table's label and the
# drill-down's ``staff`` value.
NO_STAFF = "(not recorded)"


def copay_frame(frame_doc: dict, labels: dict) -> pd.DataFrame:
    rows = []
    for group in frame_doc.get("groups", []):
        entry = group["metrics"].get("copay_collected_at_tos") or {}
        rows.append(
            {
                "period": group["group"],
                "label": labels.get(group["group"], group["group"]),
                "rate": entry.get("value"),
                "collected": float(Decimal(entry.get("numerator") or "0")),
                "due": float(Decimal(entry.get("denominator") or "0")),
            }
        )
    return pd.DataFrame(rows, columns=["period", "label", "rate", "collected", "due"])


class CopaysView(PageView):
    page_title = "Copays"
    page_metrics = ("copay_collected_at_tos",)
    visit_note = (
        "Copays count finalized visits (attended appointments with a date of service) and "
        "the copay due from the eligibility in force on that date."
    )
    period_note = "Visits by date of service; a copay counts when collected on that date."

    def build(self, selection) -> dict:
        prior_selection = selection.prior()
        current = self.doc(selection)["metrics"]
        prior = self.doc(prior_selection)["metrics"]
        by_clinic = copay_frame(self.doc(selection, "clinic"), self.names("clinic"))
        by_month = copay_frame(self.doc(selection, "month"), {})
        staff = selectors.copays_by_staff(self.metric_filters(selection))
        staff_total = sum((row["amount"] for row in staff), Decimal("0"))
        staff_frame = pd.DataFrame(
            [{"label": row["staff"] or NO_STAFF, "amount": float(row["amount"])} for row in staff],
            columns=["label", "amount"],
        )
        columns = [
            ("Collected at TOS", "collected", money),
            ("Due", "due", money),
            ("Rate", "rate", pct),
        ]
        entry = current.get("copay_collected_at_tos") or {}
        panels = [
            comparison_panel(
                id="clinic-copays",
                title="Copay collected at time of service by clinic",
                definition="copay_collected_at_tos",
                frame=by_clinic,
                value="rate",
                label="Collected at TOS",
                reference=value_of(current, "copay_collected_at_tos"),
                dimension="clinic",
                columns=columns,
                selection=selection,
                drill="visits",
                percent=True,
                note="Target: 90–95%. The dashed line is the whole selection (group).",
            ),
            Panel(
                id="copays-trend",
                title="Copay collected at time of service by month",
                definition="copay_collected_at_tos",
                figure_json=figures.to_json(
                    figures.multi_line(
                        by_month, x="period", series={"rate": "Collected at TOS"}, percent=True
                    )
                ),
                columns=["Month", *[c[0] for c in columns]],
                rows=[
                    [row["period"], *[fmt(row[col]) for _, col, fmt in columns]]
                    for row in by_month.to_dict("records")
                ],
                links=[
                    drill_url("visits", selection, "month", row["period"])
                    for row in by_month.to_dict("records")
                ],
            ),
            Panel(
                id="staff-copays",
                title="Copays collected at time of service by staff member",
                definition="copays_by_staff",
                figure_json=figures.to_json(
                    figures.comparison_bars(
                        staff_frame, value="amount", label="Collected", reference=None, money=True
                    )
                )
                if len(staff_frame)
                else "",
                columns=["Staff member", "Payments", "Collected", "Share"],
                rows=[
                    [
                        row["staff"] or NO_STAFF,
                        row["payments"],
                        money(row["amount"]),
                        pct(row["amount"] / staff_total if staff_total else None),
                    ]
                    for row in staff
                ],
                # each staff member's copays collected at the time of service
                links=[
                    drill_url("payments", selection, staff=row["staff"] or NO_STAFF)
                    for row in staff
                ],
            ),
        ]
        kpis = [
            _kpi("copay_collected_at_tos", current, prior),
            derived_kpi(
                "copays_by_staff",
                Decimal(entry.get("numerator") or "0"),
                Decimal(((prior.get("copay_collected_at_tos") or {}).get("numerator")) or "0"),
            ),
        ]
        kpis[1]["title"] = "Collected at TOS"
        return {
            "kpis": kpis,
            "panels": panels,
            "prior": prior_selection,
            "period_note": self.period_note,
        }
