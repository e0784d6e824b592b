"""Owner dashboards. Each reads the metrics module; charts are built from its output."""

from __future__ import annotations

import datetime
import functools
from dataclasses import replace
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.views import View

from analytics.dashboards import figures
from analytics.dashboards.definitions import DEFINITIONS, METRIC_ROW_PARAMETERS, METRIC_ROWS
from analytics.dashboards.documents import document, groups_frame, metric_value
from analytics.dashboards.filters import DashboardFilterForm
from analytics.dashboards.panels import (
    Panel,
    count,
    money,
    money_cell,
    number,
    number_cell,
    pct,
    ratio_cell,
)
from clinics.models import Clinic
from clinics.permissions import Capability
from ptrevops.tenancy.views import OrganizationViewMixin

# The dashboards' sub-navigation: (URL name, label).
DASHBOARD_PAGES = [
    ("overview", "Overview"),
    ("dashboard-referrals", "Referrals"),
    ("dashboard-episodes", "Episodes"),
    ("dashboard-schedule", "Schedule"),
    ("dashboard-payers", "Payers"),
    ("dashboard-denials", "Denials"),
    ("dashboard-ar", "A/R"),
    ("dashboard-copays", "Copays"),
]

OVERVIEW_KPIS = [
    "ncrpv",
    "visits",
    "units_per_visit",
    "schedule_utilization",
    "poc_completion_rate",
    "arrival_rate",
    "referrals_received",
    "denial_rate",
    "days_in_ar",
]


def _format(name: str, value) -> str:
    kind = DEFINITIONS[name].kind
    if value is None:
        return "—"
    if kind == "money":
        return money_cell(float(value))
    if kind == "ratio":
        return ratio_cell(float(value))
    if kind == "number":
        return number_cell(float(value))
    return number_cell(value)


def derived_kpi(name: str, value, prior=None, *, kind: str | None = None) -> dict:
    """A tile for a figure the page derives (not a metric of the document)."""
    kind = kind or DEFINITIONS[name].kind
    change = None
    if value is not None and prior not in (None, 0):
        change = (float(value) - float(prior)) / abs(float(prior))

    def text(number):
        if number is None:
            return "—"
        if kind == "money":
            return money_cell(float(number))
        if kind == "ratio":
            return ratio_cell(float(number))
        return number_cell(number)

    return {
        "name": name,
        "title": DEFINITIONS[name].title,
        "value": text(value),
        "prior": text(prior) if prior is not None else None,
        "change": change,
        "change_text": "" if change is None else f"{abs(change):.1%}",
        "visit": DEFINITIONS[name].visit,
        "entry": {},
    }


def _kpi(name: str, current: dict, prior: dict) -> dict:
    now, before = metric_value(current, name), metric_value(prior, name)
    change = None
    if now is not None and before not in (None, 0):
        change = (float(now) - float(before)) / abs(float(before))
    return {
        "name": name,
        "title": DEFINITIONS[name].title,
        "value": _format(name, now),
        "prior": _format(name, before),
        "change": change,
        "change_text": "" if change is None else f"{abs(change):.1%}",
        "visit": DEFINITIONS[name].visit,
        "entry": current.get(name) or {},
    }


class DashboardView(OrganizationViewMixin, View):
    capability = Capability.VIEW_DASHBOARDS
    template_name = "analytics/dashboard.html"
    page_title = ""
    # Which "visit" the page's numbers count (domain/rules.md: say it on every dashboard).
    visit_note = ""

    def get(self, request):
        form = DashboardFilterForm(
            request.GET, membership=self.membership, organization=self.organization
        )
        context = {
            "form": form,
            "page_title": self.page_title,
            "definitions": DEFINITIONS,
            "visit_note": self.visit_note,
            "dashboard_pages": DASHBOARD_PAGES,
        }
        if form.is_valid():
            selection = form.selection()
            context["selection"] = selection
            context.update(self.build(selection))
            for kpi in context.get("kpis", []):
                kpi.setdefault("rows_url", kpi_rows_url(kpi["name"], selection))
            export = request.GET.get("export")
            if export:
                panel = next((p for p in context["panels"] if p.id == export), None)
                if panel is not None:
                    return panel.csv_response(f"{self.organization.slug}-{selection.start}")
        return render(request, self.template_name, context)

    def build(self, selection) -> dict:
        raise NotImplementedError


class OverviewView(DashboardView):
    template_name = "analytics/overview.html"
    page_title = "Overview"
    visit_note = (
        "Visits and NCRPV count finalized visits (attended appointments with a date of "
        "service; NCRPV only billable ones); utilization and arrival rate count scheduled "
        "appointments."
    )

    def build(self, selection) -> dict:
        organization = self.organization
        # The period's KPIs and the clinics compared come from one document (grouped
        # reads carry the whole selection's total).
        by_clinic_doc = document(organization, selection, "clinic", OVERVIEW_KPIS)
        current = by_clinic_doc["metrics"]
        prior = document(organization, selection.prior(), metrics=OVERVIEW_KPIS)["metrics"]
        trend = ["ncrpv", "visits", "billable_visits", "net_collected_revenue"]
        by_month = groups_frame(document(organization, selection, "month", trend), trend)
        clinic_names = dict(Clinic.objects.values_list("external_id", "name"))
        by_clinic = groups_frame(by_clinic_doc, OVERVIEW_KPIS, labels=clinic_names)
        panels = [
            Panel(
                id="ncrpv-trend",
                title="Net collected revenue per visit, by month",
                definition="ncrpv",
                figure_json=figures.to_json(
                    figures.trend_with_maturity(by_month, value="ncrpv", label="NCRPV", money=True)
                ),
                columns=["Month", "NCRPV", "Net collected", "Billable visits", "Maturity"],
                rows=[
                    [
                        r.period,
                        money(r.ncrpv),
                        money(r.net_collected_revenue),
                        count(r.billable_visits),
                        pct(r.maturity),
                    ]
                    for r in by_month.itertuples()
                ],
                links=[drill_url("visits", selection, "month", p) for p in by_month["period"]],
                note="Hollow markers: months whose remittances are not yet mature.",
            ),
            Panel(
                id="visits-trend",
                title="Visits by month",
                definition="visits",
                figure_json=figures.to_json(
                    figures.monthly_bars(by_month, value="visits", label="Visits")
                ),
                columns=["Month", "Visits", "Billable visits"],
                rows=[
                    [r.period, count(r.visits), count(r.billable_visits)]
                    for r in by_month.itertuples()
                ],
                links=[drill_url("visits", selection, "month", p) for p in by_month["period"]],
            ),
            Panel(
                id="clinic-ncrpv",
                title="NCRPV by clinic",
                definition="ncrpv",
                figure_json=figures.to_json(
                    figures.comparison_bars(
                        by_clinic,
                        value="ncrpv",
                        label="NCRPV",
                        money=True,
                        reference=_float(metric_value(current, "ncrpv")),
                    )
                ),
                columns=[
                    "Clinic",
                    "NCRPV",
                    "Visits",
                    "Utilization",
                    "Arrival rate",
                    "POC completion",
                    "Denial rate",
                    "Days in A/R",
                ],
                rows=[
                    [
                        r.label,
                        money(r.ncrpv),
                        count(r.visits),
                        pct(r.schedule_utilization),
                        pct(r.arrival_rate),
                        pct(r.poc_completion_rate),
                        pct(r.denial_rate),
                        number(r.days_in_ar),
                    ]
                    for r in by_clinic.itertuples()
                ],
                links=[drill_url("visits", selection, "clinic", p) for p in by_clinic["period"]],
                note="The dashed line is the whole selection (group).",
            ),
            Panel(
                id="clinic-utilization",
                title="Schedule utilization by clinic",
                definition="schedule_utilization",
                figure_json=figures.to_json(
                    figures.comparison_bars(
                        by_clinic,
                        value="schedule_utilization",
                        label="Utilization",
                        money=False,
                        percent=True,
                        reference=_float(metric_value(current, "schedule_utilization")),
                    )
                ),
                columns=["Clinic", "Utilization"],
                rows=[[r.label, pct(r.schedule_utilization)] for r in by_clinic.itertuples()],
                links=[
                    drill_url("appointments", selection, "clinic", p) for p in by_clinic["period"]
                ],
            ),
        ]
        return {
            "kpis": [_kpi(name, current, prior) for name in OVERVIEW_KPIS],
            "panels": panels,
            "prior": selection.prior(),
        }


def _float(value):
    """A number for a cell or a chart; None for no value (None or pandas' NaN)."""
    return None if value is None or value != value else float(value)


def month_bounds(selection, label: str) -> tuple:
    """The days of month ``label`` (YYYY-MM) inside the selection's period."""
    year, month = (int(part) for part in label.split("-"))
    first = datetime.date(year, month, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return max(first, selection.start), min(last, selection.end)


def narrowed(selection, dimension: str | None = None, value: str | None = None):
    """The selection narrowed to one row of a table: a month, clinic, payer, clinician
    or referral source (external id)."""
    if dimension is None:
        return selection
    if dimension == "month":
        start, end = month_bounds(selection, value)
        return replace(selection, start=start, end=end)
    if dimension == "period":
        start, end = value
        return replace(selection, start=start, end=end)
    attribute = {
        "clinic": "clinics",
        "payer": "payers",
        "clinician": "clinicians",
        "source": "sources",
    }[dimension]
    return replace(selection, **{attribute: [value]})


def drill_url(
    kind: str, selection, dimension: str | None = None, value=None, **extra
) -> str | None:
    """The drill-down page listing the ``kind`` rows behind one table row; ``None`` for
    rows without a value (e.g. visits with no payer): they cannot be filtered on."""
    if dimension is not None and value in (None, ""):
        return None
    query = narrowed(selection, dimension, value).query_string()
    if extra:
        query += "&" + urlencode(extra)
    return f"{_rows_path(kind, get_script_prefix())}?{query}"


@functools.cache
def _rows_path(kind: str, _prefix: str) -> str:
    # (Reversed once per kind and script prefix: pages link thousands of table rows.)
    return reverse("dashboard-rows", args=[kind])


def kpi_rows_url(name: str, selection) -> str | None:
    """The drill-down rows behind a KPI tile's number for the selection; ``None`` for a
    metric no row list makes up (its tile links to its definition only)."""
    kind = METRIC_ROWS.get(name)
    return drill_url(kind, selection, **METRIC_ROW_PARAMETERS.get(name, {})) if kind else None


def definitions(request):
    return render(request, "analytics/definitions.html", {"definitions": DEFINITIONS})
