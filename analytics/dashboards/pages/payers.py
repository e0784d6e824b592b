"""Payers: mix (visits and net collected), NCRPV and payer yield by payer, underpaid
lines, days to pay."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from analytics import selectors
from analytics.dashboards import figures
from analytics.dashboards.pages.base import (
    PageView,
    comparison_panel,
    count,
    money,
    number,
    pct,
    value_of,
)
from analytics.dashboards.panels import Panel
from analytics.dashboards.views import _kpi, drill_url
from analytics.metrics.queries.base import ALL
from billing.models import Payer

PAYER_METRICS = [
    "visits",
    "billable_visits",
    "net_collected_revenue",
    "ncrpv",
    "payer_yield",
    "underpaid_lines",
    "expected_allowed",
]


# Underpaid lines listed on the page (the largest shortfalls first).
UNDERPAID_LISTED = 200


class PayersView(PageView):
    page_title = "Payers"
    page_metrics = tuple(PAYER_METRICS)
    visit_note = (
        "Payer mix counts finalized visits (attended appointments with a date of service) by "
        "the payer of the visit's primary claim; NCRPV counts finalized billable visits; yield "
        "and underpaid lines count adjudicated claim lines."
    )
    period_note = "Visits by date of service; money collected to date."

    def build(self, selection) -> dict:
        prior_selection = selection.prior()
        current = self.doc(selection)["metrics"]
        prior = self.doc(prior_selection)["metrics"]
        by_payer = self.frame(selection, "payer", PAYER_METRICS)
        by_clinic = self.frame(selection, "clinic", PAYER_METRICS)
        total_visits = by_payer["visits"].fillna(0).sum()
        total_net = by_payer["net_collected_revenue"].fillna(0).sum()
        by_payer["visit_share"] = by_payer["visits"] / total_visits if total_visits else None
        by_payer["net_share"] = by_payer["net_collected_revenue"] / total_net if total_net else None
        filters = self.metric_filters(selection)
        lines = selectors.underpaid_line_rows(filters)
        # The largest shortfalls only: a year at 50 clinics has thousands of underpaid
        # lines (their details alone took 1.9 s); all of them are one click away.
        largest = sorted(lines, key=lambda line_id: (-lines[line_id]["underpaid_amount"], line_id))
        listed = largest[:UNDERPAID_LISTED]
        line_details = selectors.lines_detail(listed)
        underpaid = sorted(
            (
                {**line_details[line_id], **lines[line_id]}
                for line_id in listed
                if line_id in line_details
            ),
            key=lambda row: (-row["underpaid_amount"], row["claim__external_id"]),
        )
        underpaid_note = ""
        if len(lines) > UNDERPAID_LISTED:
            underpaid_note = (
                f"The {UNDERPAID_LISTED} largest shortfalls of {len(lines):,} underpaid lines; "
                "the underpaid-lines tile above opens all of them."
            )
        payer_names = dict(Payer.objects.values_list("pk", "name"))
        payer_ids = dict(Payer.objects.values_list("pk", "external_id"))
        # The payers' and the whole selection's days to pay from one read.
        days = selectors.days_to_pay(filters, "payer", with_total=True)
        overall = days.pop(ALL, None)
        days_frame = pd.DataFrame(
            [
                {
                    "period": payer_ids.get(key),
                    "label": payer_names.get(key, "no payer"),
                    "claims": row["claims"],
                    "median": float(row["median_days"]),
                    "p90": float(row["p90_days"]),
                }
                for key, row in sorted(days.items(), key=lambda item: payer_names.get(item[0], ""))
            ],
            columns=["period", "label", "claims", "median", "p90"],
        )

        mix_columns = [
            ("Visits", "visits", count),
            ("Visit share", "visit_share", pct),
            ("Net collected", "net_collected_revenue", money),
            ("Net share", "net_share", pct),
        ]
        panels = [
            Panel(
                id="payer-mix",
                title="Payer mix: visits and net collected",
                definition="payer_mix",
                figure_json=figures.to_json(
                    figures.grouped_bars(
                        by_payer.assign(
                            visit_share=by_payer["visit_share"],
                            net_share=by_payer["net_share"],
                        ),
                        y="label",
                        columns={"visit_share": "Share of visits", "net_share": "Share of net"},
                        percent=True,
                    )
                ),
                columns=["Payer", *[c[0] for c in mix_columns]],
                rows=[
                    [row["label"], *[fmt(row[col]) for _, col, fmt in mix_columns]]
                    for row in by_payer.to_dict("records")
                ],
                links=[
                    drill_url("visits", selection, "payer", row["period"])
                    for row in by_payer.to_dict("records")
                ],
            ),
            comparison_panel(
                id="payer-ncrpv",
                title="NCRPV by payer",
                definition="ncrpv",
                frame=by_payer,
                value="ncrpv",
                label="NCRPV",
                reference=value_of(current, "ncrpv"),
                dimension="payer",
                columns=[
                    ("NCRPV", "ncrpv", money),
                    ("Billable visits", "billable_visits", count),
                    ("Net collected", "net_collected_revenue", money),
                ],
                selection=selection,
                drill="visits",
                money_axis=True,
            ),
            comparison_panel(
                id="payer-yield",
                title="Payer yield by payer",
                definition="payer_yield",
                frame=by_payer,
                value="payer_yield",
                label="Yield",
                reference=value_of(current, "payer_yield"),
                dimension="payer",
                columns=[
                    ("Yield", "payer_yield", pct),
                    ("Expected allowed", "expected_allowed", money),
                    ("Underpaid lines", "underpaid_lines", count),
                ],
                selection=selection,
                drill="lines",
                percent=True,
            ),
            comparison_panel(
                id="clinic-yield",
                title="Payer yield by clinic",
                definition="payer_yield",
                frame=by_clinic,
                value="payer_yield",
                label="Yield",
                reference=value_of(current, "payer_yield"),
                dimension="clinic",
                columns=[
                    ("Yield", "payer_yield", pct),
                    ("NCRPV", "ncrpv", money),
                    ("Underpaid lines", "underpaid_lines", count),
                ],
                selection=selection,
                drill="lines",
                note="The dashed line is the whole selection (group). Rows open the clinic's "
                "charge lines (yield, underpaid lines); NCRPV's visits are on the Overview.",
                percent=True,
            ),
            Panel(
                id="days-to-pay",
                title="Days to pay by payer",
                definition="days_to_pay",
                figure_json=figures.to_json(
                    figures.grouped_bars(
                        days_frame, y="label", columns={"median": "Median", "p90": "90th pct"}
                    )
                )
                if len(days_frame)
                else "",
                columns=["Payer", "Claims", "Median days", "90th percentile"],
                rows=[
                    [row["label"], row["claims"], number(row["median"], 1), number(row["p90"], 1)]
                    for row in days_frame.to_dict("records")
                ],
                links=[
                    drill_url("claims", selection, "payer", row["period"])
                    for row in days_frame.to_dict("records")
                ],
                note=(
                    "All payers: median "
                    f"{number(overall['median_days'], 1)}, 90th percentile "
                    f"{number(overall['p90_days'], 1)} days."
                    if overall
                    else ""
                ),
            ),
            Panel(
                id="underpaid-lines",
                title="Underpaid lines",
                definition="underpaid_line_list",
                figure_json="",
                columns=[
                    "Claim",
                    "DOS",
                    "Payer",
                    "Clinic",
                    "CPT",
                    "Units",
                    "Expected",
                    "Paid",
                    "Paid + PR",
                    "Short",
                ],
                rows=[
                    [
                        row["claim__external_id"],
                        row["visit__date_of_service"],
                        row["claim__payer__name"],
                        row["visit__clinic__name"],
                        " ".join([row["cpt_code"], *row["modifiers"]]),
                        row["units"],
                        money(row["expected_allowed"]),
                        money(row["paid"]),
                        money(row["yield_received"]),
                        money(row["underpaid_amount"]),
                    ]
                    for row in underpaid
                ],
                links=[underpaid_link(selection, row) for row in underpaid],
                note=underpaid_note,
            ),
        ]
        kpis = [
            _kpi(name, current, prior)
            for name in (
                "ncrpv",
                "payer_yield",
                "expected_allowed",
                "underpaid_lines",
                "net_collected_revenue",
            )
        ]
        return {
            "kpis": kpis,
            "panels": panels,
            "prior": prior_selection,
            "period_note": self.period_note,
        }


def underpaid_link(selection, line: dict) -> str | None:
    """The underpaid lines list narrowed to one row of the underpaid-lines table: its
    DOS, claim payer and clinic (the line with its PR and contract reductions)."""
    day = line["visit__date_of_service"]
    return drill_url(
        "lines",
        replace(
            selection,
            start=day,
            end=day,
            payers=[line["claim__payer__external_id"]],
            clinics=[line["visit__clinic__external_id"]],
        ),
        underpaid=1,
    )
