"""Episodes: plan-of-care completion, visit adherence, drop-off and visits per episode by
clinic, payer and clinician; the at-risk episodes and the under-scheduled patients."""

from __future__ import annotations

from analytics import selectors
from analytics.dashboards import figures
from analytics.dashboards.pages.base import (
    PageView,
    comparison_panel,
    count,
    number,
    pct,
    value_of,
)
from analytics.dashboards.panels import Panel
from analytics.dashboards.views import _kpi, derived_kpi, drill_url
from billing.rules.authorizations import EXPIRED, NOT_YET_STARTED, VISIT_CAP_REACHED
from clinics.services import audit_record

EPISODE_METRICS = [
    "discharged_episodes",
    "poc_completion_rate",
    "visit_adherence",
    "drop_off_rate",
    "visits_per_episode",
]
EPISODE_COLUMNS = [
    ("Discharged", "discharged_episodes", count),
    ("POC completion", "poc_completion_rate", pct),
    ("Visit adherence", "visit_adherence", pct),
    ("Drop-off", "drop_off_rate", pct),
    ("Visits / episode", "visits_per_episode", number),
]
UNCOVERED_TEXT = {
    EXPIRED: "booked past the authorization's end date",
    VISIT_CAP_REACHED: "booked past the authorized visits",
    NOT_YET_STARTED: "booked before the authorization starts",
}


def _patient(row: dict, prefix: str = "patient__") -> str:
    return f"{row.get(prefix + 'last_name', '')}, {row.get(prefix + 'first_name', '')}".strip(", ")


class EpisodesView(PageView):
    page_title = "Episodes"
    page_metrics = (*EPISODE_METRICS, "at_risk_episodes")
    visit_note = (
        "Visit adherence and visits per episode count finalized visits (attended appointments "
        "with a date of service) of the discharged episodes, to date; under-scheduled patients "
        "count booked appointments (status scheduled)."
    )
    period_note = (
        "Episodes discharged in the period; at-risk and under-scheduled as of the period end."
    )

    def build(self, selection) -> dict:
        prior_selection = selection.prior()
        current = self.doc(selection)["metrics"]
        prior = self.doc(prior_selection)["metrics"]
        frames = {
            dimension: self.frame(selection, dimension, EPISODE_METRICS)
            for dimension in ("clinic", "payer", "clinician")
        }
        by_month = self.frame(selection, "month", EPISODE_METRICS)
        filters = self.metric_filters(selection)
        at_risk = selectors.at_risk_episode_rows(filters)
        at_risk_details = selectors.episodes_detail(at_risk, as_of=filters.as_of_date)
        gaps = selectors.under_scheduled_episodes(filters)
        gap_details = selectors.episodes_detail([gap.episode_id for gap in gaps])
        # Patient names on the page: access to patient records is audit-logged.
        audit_record(
            action="analytics.patient_list_viewed",
            actor=self.request.user,
            detail={"page": "episodes", "episodes": len(at_risk) + len(gaps)},
        )

        panels = [
            comparison_panel(
                id="clinic-completion",
                title="Plan-of-care completion by clinic",
                definition="poc_completion_rate",
                frame=frames["clinic"],
                value="poc_completion_rate",
                label="POC completion",
                reference=value_of(current, "poc_completion_rate"),
                dimension="clinic",
                columns=EPISODE_COLUMNS,
                selection=selection,
                drill="episodes",
                percent=True,
            ),
            comparison_panel(
                id="clinic-adherence",
                title="Visit adherence by clinic",
                definition="visit_adherence",
                frame=frames["clinic"],
                value="visit_adherence",
                label="Visit adherence",
                reference=value_of(current, "visit_adherence"),
                dimension="clinic",
                columns=EPISODE_COLUMNS[:1] + EPISODE_COLUMNS[2:3],
                selection=selection,
                drill="episodes",
                percent=True,
            ),
            comparison_panel(
                id="payer-drop-off",
                title="Drop-off by payer",
                definition="drop_off_rate",
                frame=frames["payer"],
                value="drop_off_rate",
                label="Drop-off",
                reference=value_of(current, "drop_off_rate"),
                dimension="payer",
                columns=EPISODE_COLUMNS,
                selection=selection,
                drill="episodes",
                percent=True,
            ),
            comparison_panel(
                id="clinician-drop-off",
                title="Drop-off by clinician",
                definition="drop_off_rate",
                frame=frames["clinician"],
                value="drop_off_rate",
                label="Drop-off",
                reference=value_of(current, "drop_off_rate"),
                dimension="clinician",
                columns=EPISODE_COLUMNS,
                selection=selection,
                drill="episodes",
                percent=True,
                note="Clinician of each episode's first visit. The dashed line is the group.",
            ),
            comparison_panel(
                id="clinic-drop-off",
                title="Drop-off by clinic",
                definition="drop_off_rate",
                frame=frames["clinic"],
                value="drop_off_rate",
                label="Drop-off",
                reference=value_of(current, "drop_off_rate"),
                dimension="clinic",
                columns=EPISODE_COLUMNS[:1] + EPISODE_COLUMNS[3:4],
                selection=selection,
                drill="episodes",
                percent=True,
            ),
            comparison_panel(
                id="clinic-visits-per-episode",
                title="Visits per episode by clinic",
                definition="visits_per_episode",
                frame=frames["clinic"],
                value="visits_per_episode",
                label="Visits / episode",
                reference=value_of(current, "visits_per_episode"),
                dimension="clinic",
                columns=EPISODE_COLUMNS[:1] + EPISODE_COLUMNS[4:],
                selection=selection,
                drill="episodes",
            ),
            Panel(
                id="episodes-trend",
                title="Completion and drop-off by month",
                definition="poc_completion_rate",
                figure_json=figures.to_json(
                    figures.multi_line(
                        by_month,
                        x="period",
                        series={
                            "poc_completion_rate": "POC completion",
                            "drop_off_rate": "Drop-off",
                        },
                        percent=True,
                    )
                ),
                columns=[
                    "Month",
                    "Discharged",
                    "POC completion",
                    "Adherence",
                    "Drop-off",
                    "Visits / episode",
                ],
                rows=[
                    [row["period"], *[fmt(row[col]) for _, col, fmt in EPISODE_COLUMNS]]
                    for row in by_month.to_dict("records")
                ],
                links=[
                    drill_url("episodes", selection, "month", row["period"])
                    for row in by_month.to_dict("records")
                ],
                note="Months without discharges have no rate (gaps in the lines).",
            ),
            Panel(
                id="at-risk",
                title=f"At-risk episodes as of {filters.as_of_date:%b %-d, %Y}",
                definition="at_risk_episodes",
                figure_json="",
                columns=["Episode", "Patient", "Clinic", "Last visit", "Payer", "Started"],
                rows=[
                    [
                        detail["external_id"],
                        _patient(detail),
                        detail["clinic__name"],
                        detail["last_visit"] or "none",
                        detail["primary_payer__name"] or "",
                        detail["start_date"],
                    ]
                    for detail in sorted(
                        at_risk_details.values(),
                        key=lambda d: (d["last_visit"] is not None, d["last_visit"], d["id"]),
                    )
                ],
                links=[
                    drill_url(
                        "visits",
                        selection,
                        "period",
                        (detail["start_date"], filters.as_of_date),
                        episode=detail["external_id"],
                    )
                    for detail in sorted(
                        at_risk_details.values(),
                        key=lambda d: (d["last_visit"] is not None, d["last_visit"], d["id"]),
                    )
                ],
                note="Open, no appointment booked after the date and no visit in its last 7 "
                "days. Click an episode for its visits.",
            ),
            Panel(
                id="under-scheduled",
                title=f"Under-scheduled patients (next 4 weeks from {filters.as_of_date:%b %-d})",
                definition="under_scheduled_episodes",
                figure_json="",
                columns=[
                    "Episode",
                    "Patient",
                    "Clinic",
                    "Payer",
                    "Visits / week",
                    "Expected",
                    "Booked",
                    "Issue",
                ],
                rows=[
                    [
                        gap_details[gap.episode_id]["external_id"],
                        _patient(gap_details[gap.episode_id]),
                        gap_details[gap.episode_id]["clinic__name"],
                        gap_details[gap.episode_id]["primary_payer__name"] or "",
                        number(gap.visits_per_week, 1) if gap.visits_per_week else "",
                        gap.expected,
                        gap.booked_next_4_weeks,
                        _issue(gap),
                    ]
                    for gap in gaps
                ],
                links=[
                    drill_url(
                        "visits",
                        selection,
                        "period",
                        (gap_details[gap.episode_id]["start_date"], filters.as_of_date),
                        episode=gap_details[gap.episode_id]["external_id"],
                    )
                    for gap in gaps
                ],
            ),
        ]
        kpis = [_kpi(name, current, prior) for name in EPISODE_METRICS]
        kpis.append(_kpi("at_risk_episodes", current, prior))
        kpis.append(derived_kpi("under_scheduled_episodes", len(gaps), kind="count"))
        return {
            "kpis": kpis,
            "panels": panels,
            "prior": prior_selection,
            "period_note": self.period_note,
        }


def _issue(gap) -> str:
    issues = []
    if gap.under_scheduled:
        issues.append(f"under-scheduled: {gap.booked_next_4_weeks} of {gap.expected} booked")
    reasons = []
    for booking in gap.not_covered:
        text = UNCOVERED_TEXT.get(booking.reason, booking.reason)
        if text not in reasons:
            reasons.append(text)
    for text in reasons:
        dates = [
            b.booked_date.isoformat()
            for b in gap.not_covered
            if UNCOVERED_TEXT.get(b.reason, b.reason) == text
        ]
        issues.append(f"{text} ({', '.join(dates)})")
    return "; ".join(issues)
