"""Schedule: utilization by clinic and clinician, attended appointments by weekday × hour,
arrival / cancellation / no-show rates by clinic and month."""

from __future__ import annotations

import pandas as pd

from analytics import selectors
from analytics.dashboards import figures
from analytics.dashboards.pages.base import PageView, comparison_panel, count, pct, value_of
from analytics.dashboards.panels import Panel
from analytics.dashboards.views import _kpi, drill_url, narrowed
from analytics.metrics.values import ratio_value
from clinics.models import Clinic

SCHEDULE_METRICS = ["schedule_utilization", "arrival_rate", "cancellation_rate", "no_show_rate"]
RATE_COLUMNS = [
    ("Utilization", "schedule_utilization", pct),
    ("Arrival", "arrival_rate", pct),
    ("Cancellation", "cancellation_rate", pct),
    ("No-show", "no_show_rate", pct),
]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class ScheduleView(PageView):
    page_title = "Schedule"
    page_metrics = (*SCHEDULE_METRICS, "visits")
    visit_note = (
        "Every number here counts scheduled appointments by their local date: utilization "
        "and the heatmap count attended ones (arrived or completed); arrival, cancellation and "
        "no-show rates count attended + cancelled + late-cancelled + no-show appointments."
    )
    period_note = "Appointments dated in the period (clinic local date)."

    def build(self, selection) -> dict:
        prior_selection = selection.prior()
        current = self.doc(selection)["metrics"]
        prior = self.doc(prior_selection)["metrics"]
        by_clinic = self.frame(selection, "clinic", SCHEDULE_METRICS + ["visits"])
        by_clinician = self.frame(selection, "clinician", SCHEDULE_METRICS)
        by_month = self.frame(selection, "month", SCHEDULE_METRICS)
        filters = self.metric_filters(selection)
        slots = selectors.attended_by_weekday_hour(filters)
        clinic_months = selectors.appointments_by_clinic_month(filters)
        clinic_names = self.names("clinic")  # external id → name; clinic_months: by db id
        clinic_by_pk = dict(Clinic.objects.values_list("pk", "external_id"))

        # A working day at least (07:00–19:00), widened to every hour with appointments.
        busy = [hour for (_, hour), row in slots.items() if row["attended"]]
        hours = list(range(min([7, *busy]), max([19, *busy]) + 1))
        z = [
            [int(slots.get((day, hour), {}).get("attended", 0)) for hour in hours]
            for day in range(1, 8)
        ]
        heat_slots = [(slot, row) for slot, row in sorted(slots.items()) if row["attended"]]
        heat_rows = [
            [
                WEEKDAYS[day - 1],
                f"{hour:02d}:00",
                count(row["attended"]),
                count(row["attended_minutes"]),
            ]
            for (day, hour), row in heat_slots
        ]
        # each cell: its attended appointments (the drill-down's weekday + hour)
        heat_links = [
            drill_url("appointments", selection, weekday=day, hour=hour)
            for (day, hour), _ in heat_slots
        ]

        grid_rows = []
        grid_links = []
        for (clinic_pk, month), row in sorted(
            clinic_months.items(),
            key=lambda item: (clinic_names.get(clinic_by_pk.get(item[0][0]), ""), item[0][1]),
        ):
            denominator = row["attended"] + row["cancelled"] + row["late_cancel"] + row["no_show"]
            external_id = clinic_by_pk.get(clinic_pk)
            grid_rows.append(
                [
                    f"{clinic_names.get(external_id, external_id)} · {month}",
                    row["attended"],
                    row["cancelled"] + row["late_cancel"],
                    row["no_show"],
                    pct(ratio_value(row["attended"], denominator)),
                    pct(ratio_value(row["cancelled"] + row["late_cancel"], denominator)),
                    pct(ratio_value(row["no_show"], denominator)),
                ]
            )
            grid_links.append(
                drill_url(
                    "appointments",
                    _narrow_month(selection, month, external_id),
                )
            )
        clinic_month_frame = pd.DataFrame(
            [
                {
                    "clinic": clinic_names.get(clinic_by_pk.get(pk), ""),
                    "period": month,
                    "arrival": float(
                        ratio_value(
                            row["attended"],
                            row["attended"]
                            + row["cancelled"]
                            + row["late_cancel"]
                            + row["no_show"],
                        )
                        or 0
                    ),
                }
                for (pk, month), row in clinic_months.items()
            ],
            columns=["clinic", "period", "arrival"],
        )
        arrival_by_clinic = (
            clinic_month_frame.pivot_table(index="period", columns="clinic", values="arrival")
            .reset_index()
            .sort_values("period")
            if len(clinic_month_frame)
            else pd.DataFrame({"period": []})
        )

        panels = [
            comparison_panel(
                id="clinic-utilization",
                title="Schedule utilization by clinic",
                definition="schedule_utilization",
                frame=by_clinic,
                value="schedule_utilization",
                label="Utilization",
                reference=value_of(current, "schedule_utilization"),
                dimension="clinic",
                columns=RATE_COLUMNS,
                selection=selection,
                drill="appointments",
                percent=True,
            ),
            comparison_panel(
                id="clinician-utilization",
                title="Schedule utilization by clinician",
                definition="schedule_utilization",
                frame=by_clinician,
                value="schedule_utilization",
                label="Utilization",
                reference=value_of(current, "schedule_utilization"),
                dimension="clinician",
                columns=RATE_COLUMNS,
                selection=selection,
                drill="appointments",
                percent=True,
            ),
            Panel(
                id="heatmap",
                title="Attended appointments by weekday and hour",
                definition="attended_heatmap",
                figure_json=figures.to_json(
                    figures.heatmap(z, x=hours, y=WEEKDAYS, label="Attended appointments")
                ),
                columns=["Weekday", "Hour", "Attended appointments", "Attended minutes"],
                rows=heat_rows,
                links=heat_links,
                note="Counts of attended appointments by the start's weekday and hour in each "
                "clinic's local time — not utilization, which needs capacity per hour.",
            ),
            Panel(
                id="rates-trend",
                title="Arrival, cancellation and no-show rates by month",
                definition="arrival_rate",
                figure_json=figures.to_json(
                    figures.multi_line(
                        by_month,
                        x="period",
                        series={
                            "arrival_rate": "Arrival",
                            "cancellation_rate": "Cancellation",
                            "no_show_rate": "No-show",
                        },
                        percent=True,
                    )
                ),
                columns=["Month", *[c[0] for c in RATE_COLUMNS]],
                rows=[
                    [row["period"], *[fmt(row[col]) for _, col, fmt in RATE_COLUMNS]]
                    for row in by_month.to_dict("records")
                ],
                links=[
                    drill_url("appointments", selection, "month", row["period"])
                    for row in by_month.to_dict("records")
                ],
                note="Targets: arrival ≥ 90%, cancellation + no-show ≤ 10–15%.",
            ),
            comparison_panel(
                id="clinic-arrival",
                title="Arrival rate by clinic",
                definition="arrival_rate",
                frame=by_clinic,
                value="arrival_rate",
                label="Arrival rate",
                reference=value_of(current, "arrival_rate"),
                dimension="clinic",
                columns=RATE_COLUMNS[1:] + [("Visits", "visits", count)],
                selection=selection,
                drill="appointments",
                percent=True,
            ),
            Panel(
                id="clinic-month-rates",
                title="Arrival rate by clinic and month",
                definition="arrival_rate",
                figure_json=figures.to_json(
                    figures.multi_line(
                        arrival_by_clinic,
                        x="period",
                        series={c: c for c in arrival_by_clinic.columns if c != "period"},
                        percent=True,
                    )
                ),
                columns=[
                    "Clinic · month",
                    "Attended",
                    "Cancelled",
                    "No-show",
                    "Arrival",
                    "Cancellation",
                    "No-show rate",
                ],
                rows=grid_rows,
                links=grid_links,
                note="Cancelled includes late cancels.",
            ),
        ]
        kpis = [_kpi(name, current, prior) for name in SCHEDULE_METRICS]
        return {
            "kpis": kpis,
            "panels": panels,
            "prior": prior_selection,
            "period_note": self.period_note,
        }


def _narrow_month(selection, month: str, clinic: str | None):
    return narrowed(narrowed(selection, "month", month), "clinic", clinic)
