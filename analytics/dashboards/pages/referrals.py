"""Referrals: per source — referrals, conversion, visits and net collected per referral —
the monthly trend, clinics compared, and the sources going quiet."""

from __future__ import annotations

from decimal import Decimal

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
from analytics.dashboards.views import _kpi, derived_kpi, drill_url
from episodes.models import ReferralSource

REFERRAL_METRICS = ["referrals_received", "referral_conversion", "visits_per_referral"]
# A source "goes quiet" when its referrals fall to at most this share of the prior period.
QUIET_SHARE = 0.5


def net_per_referral(page: PageView, selection) -> tuple[dict, Decimal, int]:
    """Net collected per referral source (external id → (money, referrals)), the total
    money and the referral count, from the money the rollup refresh keeps per
    referral."""
    filters = page.metric_filters(selection, group_by="source")
    rows = selectors.referral_net_collected(filters)
    external = dict(
        ReferralSource.objects.filter(pk__in=[key for key in rows if key is not None]).values_list(
            "pk", "external_id"
        )
    )
    by_source = {
        external.get(key): (row["net_collected"], row["referrals_received"])
        for key, row in rows.items()
    }
    total = sum((money for money, _ in by_source.values()), Decimal("0"))
    return by_source, total, sum(referrals for _, referrals in by_source.values())


def _per(total: Decimal, referrals: int):
    return None if not referrals else float(total / referrals)


class ReferralsView(PageView):
    page_title = "Referrals"
    page_metrics = tuple(REFERRAL_METRICS)
    visit_note = (
        "Visits per referral and net collected per referral count finalized visits (attended "
        "appointments with a date of service) of the referrals' episodes, to date; conversion "
        "counts an attended evaluation appointment."
    )
    period_note = "Referrals by received date; visits and money of their episodes to date."

    def build(self, selection) -> dict:
        prior_selection = selection.prior()
        current = self.doc(selection)["metrics"]
        prior = self.doc(prior_selection)["metrics"]
        by_source_money, total_money, total_referrals = net_per_referral(self, selection)
        _, prior_money, prior_referrals = net_per_referral(self, prior_selection)

        sources = self.frame(selection, "source", REFERRAL_METRICS)
        sources["net_per_referral"] = [
            _per(*by_source_money.get(group, (Decimal("0"), 0))) for group in sources["period"]
        ]
        by_month = self.frame(selection, "month", REFERRAL_METRICS)
        by_clinic = self.frame(selection, "clinic", REFERRAL_METRICS)
        prior_sources = self.frame(prior_selection, "source", ["referrals_received"])
        quiet = _quiet_sources(prior_sources, sources)

        source_columns = [
            ("Referrals", "referrals_received", count),
            ("Conversion", "referral_conversion", pct),
            ("Visits / referral", "visits_per_referral", number),
            ("Net collected / referral", "net_per_referral", money),
        ]
        panels = [
            comparison_panel(
                id="source-referrals",
                title="Referrals by source",
                definition="referrals_received",
                frame=sources,
                value="referrals_received",
                label="Referrals",
                reference=None,
                dimension="source",
                columns=source_columns,
                selection=selection,
                drill="referrals",
                note="Click a source to list its referrals.",
            ),
            comparison_panel(
                id="source-conversion",
                title="Referral conversion by source",
                definition="referral_conversion",
                frame=sources,
                value="referral_conversion",
                label="Conversion",
                reference=value_of(current, "referral_conversion"),
                dimension="source",
                columns=source_columns[:2],
                selection=selection,
                drill="referrals",
                percent=True,
            ),
            comparison_panel(
                id="source-net",
                title="Net collected per referral, by source",
                definition="net_collected_per_referral",
                frame=sources,
                value="net_per_referral",
                label="Net collected / referral",
                reference=_per(total_money, total_referrals),
                dimension="source",
                columns=[source_columns[0], source_columns[2], source_columns[3]],
                selection=selection,
                drill="referrals",
                money_axis=True,
            ),
            Panel(
                id="referrals-trend",
                title="Referrals received by month",
                definition="referrals_received",
                figure_json=figures.to_json(
                    figures.category_bars(
                        by_month, x="period", value="referrals_received", label="Referrals"
                    )
                ),
                columns=["Month", "Referrals", "Conversion", "Visits / referral"],
                rows=[
                    [
                        row["period"],
                        count(row["referrals_received"]),
                        pct(row["referral_conversion"]),
                        number(row["visits_per_referral"]),
                    ]
                    for row in by_month.to_dict("records")
                ],
                links=[
                    drill_url("referrals", selection, "month", row["period"])
                    for row in by_month.to_dict("records")
                ],
            ),
            comparison_panel(
                id="clinic-conversion",
                title="Referral conversion by clinic",
                definition="referral_conversion",
                frame=by_clinic,
                value="referral_conversion",
                label="Conversion",
                reference=value_of(current, "referral_conversion"),
                dimension="clinic",
                columns=[
                    ("Referrals", "referrals_received", count),
                    ("Conversion", "referral_conversion", pct),
                    ("Visits / referral", "visits_per_referral", number),
                ],
                selection=selection,
                drill="referrals",
                percent=True,
            ),
            Panel(
                id="quiet-sources",
                title="Sources going quiet",
                definition="sources_going_quiet",
                figure_json=figures.to_json(
                    figures.grouped_bars(
                        quiet,
                        y="label",
                        columns={"prior": "Prior period", "current": "This period"},
                    )
                )
                if len(quiet)
                else "",
                columns=["Referral source", "Prior period", "This period", "Change"],
                rows=[
                    [row["label"], row["prior"], row["current"], pct(row["change"])]
                    for row in quiet.to_dict("records")
                ],
                links=[
                    drill_url(
                        "referrals",
                        prior_selection,
                        "source",
                        row["period"],
                    )
                    for row in quiet.to_dict("records")
                ],
                note=(
                    f"Sources with referrals in {prior_selection.start:%b %-d, %Y} – "
                    f"{prior_selection.end:%b %-d, %Y} and none or at most half as many now. "
                    "Click a source to list its prior-period referrals."
                ),
            ),
        ]
        kpis = [_kpi(name, current, prior) for name in REFERRAL_METRICS]
        kpis.append(
            derived_kpi(
                "net_collected_per_referral",
                _per(total_money, total_referrals),
                _per(prior_money, prior_referrals),
            )
        )
        kpis.append(derived_kpi("sources_going_quiet", len(quiet), kind="count"))
        return {
            "kpis": kpis,
            "panels": panels,
            "prior": prior_selection,
            "period_note": self.period_note,
        }


def _quiet_sources(prior: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    now = {
        row["period"]: int(row["referrals_received"] or 0)
        for row in current.to_dict("records")
        if row["period"] is not None
    }
    rows = []
    for row in prior.to_dict("records"):
        before = int(row["referrals_received"] or 0)
        if row["period"] is None or before == 0:
            continue
        after = now.get(row["period"], 0)
        if after <= before * QUIET_SHARE:
            rows.append(
                {
                    "period": row["period"],
                    "label": row["label"],
                    "prior": before,
                    "current": after,
                    "change": (after - before) / before,
                }
            )
    rows.sort(key=lambda item: (item["change"], -item["prior"], item["label"]))
    return pd.DataFrame(rows, columns=["period", "label", "prior", "current", "change"])
