"""Denials: the denial-rate trend; denied claims by root cause, payer, CARC and clinic;
the dollars still at stake in open denials."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analytics import selectors
from analytics.dashboards import figures
from analytics.dashboards.pages.base import PageView, comparison_panel, count, money, pct, value_of
from analytics.dashboards.panels import Panel
from analytics.dashboards.views import _kpi, derived_kpi, drill_url
from billing.choices import RootCause

CLAIM_METRICS = ["claims_first_adjudicated", "denied_claims", "denial_rate", "clean_claim_rate"]
CLAIM_COLUMNS = [
    ("First adjudicated", "claims_first_adjudicated", count),
    ("Denied", "denied_claims", count),
    ("Denial rate", "denial_rate", pct),
    ("Clean claim rate", "clean_claim_rate", pct),
]


def _root_label(value: str) -> str:
    try:
        return RootCause(value).label
    except ValueError:
        return value.replace("_", " ")


class DenialsView(PageView):
    page_title = "Denials"
    page_metrics = (*CLAIM_METRICS, "denials_by_root_cause")
    visit_note = (
        "Denial numbers count claims (each for one finalized visit) at their first "
        "adjudication, by its payment date — not visits or appointments."
    )
    period_note = "Claims whose first remittance is dated in the period."

    def build(self, selection) -> dict:
        prior_selection = selection.prior()
        current = self.doc(selection)["metrics"]
        prior = self.doc(prior_selection)["metrics"]
        by_month = self.frame(selection, "month", CLAIM_METRICS)
        by_payer = self.frame(selection, "payer", CLAIM_METRICS)
        by_clinic = self.frame(selection, "clinic", CLAIM_METRICS)
        causes = (current.get("denials_by_root_cause") or {}).get("counts") or {}
        cause_frame = pd.DataFrame(
            [
                {"cause": _root_label(cause), "key": cause, "claims": claims}
                for cause, claims in sorted(causes.items(), key=lambda item: (-item[1], item[0]))
                if claims
            ],
            columns=["cause", "key", "claims"],
        )
        denied_total = sum(causes.values()) or 0
        filters = self.metric_filters(selection)
        carcs = selectors.denied_claims_by_carc(filters)
        carc_frame = pd.DataFrame(
            [
                {
                    "carc": key.split("|", 1)[1] or "(CLP02 = 4)",
                    # the drill-down's ``carc`` parameter: "none" for CLP02 = 4 alone
                    "code": key.split("|", 1)[1] or "none",
                    "cause": _root_label(key.split("|", 1)[0]),
                    "claims": claims,
                }
                for key, claims in sorted(carcs.items(), key=lambda item: (-item[1], item[0]))
            ],
            columns=["carc", "code", "cause", "claims"],
        )
        at_stake = selectors.open_denial_dollars(filters)
        stake_by_cause: dict[str, Decimal] = {}
        for row in at_stake:
            stake_by_cause[row["root_cause"]] = (
                stake_by_cause.get(row["root_cause"], Decimal("0")) + row["amount"]
            )
        stake_frame = pd.DataFrame(
            [
                {"cause": _root_label(cause), "amount": float(amount)}
                for cause, amount in sorted(stake_by_cause.items(), key=lambda item: -item[1])
            ],
            columns=["cause", "amount"],
        )
        stake_total = sum(stake_by_cause.values(), Decimal("0"))

        panels = [
            Panel(
                id="denial-trend",
                title="Denial rate by month",
                definition="denial_rate",
                figure_json=figures.to_json(
                    figures.multi_line(
                        by_month,
                        x="period",
                        series={"denial_rate": "Denial rate", "clean_claim_rate": "Clean claims"},
                        percent=True,
                    )
                ),
                columns=["Month", *[c[0] for c in CLAIM_COLUMNS]],
                rows=[
                    [row["period"], *[fmt(row[col]) for _, col, fmt in CLAIM_COLUMNS]]
                    for row in by_month.to_dict("records")
                ],
                links=[
                    drill_url("claims", selection, "month", row["period"])
                    for row in by_month.to_dict("records")
                ],
                note="Target: denial rate ≤ 5%, clean claims ≥ 95%.",
            ),
            Panel(
                id="root-causes",
                title="Denied claims by root cause",
                definition="denials_by_root_cause",
                figure_json=figures.to_json(
                    figures.category_bars(cause_frame, x="cause", value="claims", label="Denied")
                )
                if len(cause_frame)
                else "",
                columns=["Root cause", "Denied claims", "Share"],
                rows=[
                    [
                        row["cause"],
                        count(row["claims"]),
                        pct(row["claims"] / denied_total if denied_total else None),
                    ]
                    for row in cause_frame.to_dict("records")
                ],
                links=[
                    drill_url("claims", selection, cause=row["key"])
                    for row in cause_frame.to_dict("records")
                ],
            ),
            comparison_panel(
                id="payer-denials",
                title="Denial rate by payer",
                definition="denial_rate",
                frame=by_payer,
                value="denial_rate",
                label="Denial rate",
                reference=value_of(current, "denial_rate"),
                dimension="payer",
                columns=CLAIM_COLUMNS,
                selection=selection,
                drill="claims",
                percent=True,
            ),
            comparison_panel(
                id="clinic-denials",
                title="Denial rate by clinic",
                definition="denial_rate",
                frame=by_clinic,
                value="denial_rate",
                label="Denial rate",
                reference=value_of(current, "denial_rate"),
                dimension="clinic",
                columns=CLAIM_COLUMNS,
                selection=selection,
                drill="claims",
                percent=True,
            ),
            Panel(
                id="carcs",
                title="Denied claims by CARC",
                definition="denials_by_carc",
                figure_json=figures.to_json(
                    figures.category_bars(carc_frame, x="carc", value="claims", label="Denied")
                )
                if len(carc_frame)
                else "",
                columns=["CARC", "Root cause", "Denied claims"],
                rows=[
                    [row["carc"], row["cause"], count(row["claims"])]
                    for row in carc_frame.to_dict("records")
                ],
                links=[
                    drill_url("claims", selection, carc=row["code"])
                    for row in carc_frame.to_dict("records")
                ],
            ),
            Panel(
                id="at-stake",
                title="Dollars at stake in open denials",
                definition="denial_dollars_at_stake",
                figure_json=figures.to_json(
                    figures.category_bars(
                        stake_frame, x="cause", value="amount", label="Open", money=True
                    )
                )
                if len(stake_frame)
                else "",
                columns=["Root cause", "Payer", "Open denials", "Amount"],
                rows=[
                    [
                        _root_label(row["root_cause"]),
                        row["claim__payer__name"],
                        row["denials"],
                        money(row["amount"]),
                    ]
                    for row in at_stake
                ],
                links=[
                    drill_url(
                        "claims",
                        selection,
                        "payer",
                        row["claim__payer__external_id"],
                        open_denials=1,
                        cause=row["root_cause"],
                    )
                    for row in at_stake
                ],
                note=f"Total open: {money(stake_total)}.",
            ),
        ]
        kpis = [_kpi(name, current, prior) for name in CLAIM_METRICS]
        kpis.append(derived_kpi("denial_dollars_at_stake", stake_total))
        return {
            "kpis": kpis,
            "panels": panels,
            "prior": prior_selection,
            "period_note": self.period_note,
        }
