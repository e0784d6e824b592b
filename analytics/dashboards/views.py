"""Owner dashboards. Each reads the metrics module; charts are built from its output."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from analytics.dashboards import figures
from analytics.dashboards.definitions import DEFINITIONS
from analytics.dashboards.documents import document, groups_frame, metric_value
from analytics.dashboards.filters import DashboardFilterForm
from analytics.dashboards.panels import Panel, money_cell, number_cell, ratio_cell
from clinics.models import Clinic
from clinics.permissions import Capability
from ptrevops.tenancy.views import OrganizationViewMixin

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
        "visit": DEFINITIONS[name].visit,
        "entry": current.get(name) or {},
    }


class DashboardView(OrganizationViewMixin, View):
    capability = Capability.VIEW_DASHBOARDS
    template_name = ""
    page_title = ""

    def get(self, request):
        form = DashboardFilterForm(
            request.GET, membership=self.membership, organization=self.organization
        )
        context = {"form": form, "page_title": self.page_title, "definitions": DEFINITIONS}
        if form.is_valid():
            selection = form.selection()
            context["selection"] = selection
            context.update(self.build(selection))
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

    def build(self, selection) -> dict:
        organization = self.organization
        current = document(organization, selection)["metrics"]
        prior = document(organization, selection.prior())["metrics"]
        by_month = groups_frame(
            document(organization, selection, "month"),
            ["ncrpv", "visits", "billable_visits", "net_collected_revenue"],
        )
        clinic_names = dict(Clinic.objects.values_list("external_id", "name"))
        by_clinic = groups_frame(
            document(organization, selection, "clinic"),
            ["ncrpv", "visits", "schedule_utilization", "denial_rate", "arrival_rate"],
            labels=clinic_names,
        )
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
                        money_cell(r.ncrpv),
                        money_cell(r.net_collected_revenue),
                        r.billable_visits,
                        ratio_cell(r.maturity),
                    ]
                    for r in by_month.itertuples()
                ],
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
                rows=[[r.period, r.visits, r.billable_visits] for r in by_month.itertuples()],
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
                columns=["Clinic", "NCRPV", "Visits", "Utilization", "Arrival rate", "Denial rate"],
                rows=[
                    [
                        r.label,
                        money_cell(r.ncrpv),
                        r.visits,
                        ratio_cell(r.schedule_utilization),
                        ratio_cell(r.arrival_rate),
                        ratio_cell(r.denial_rate),
                    ]
                    for r in by_clinic.itertuples()
                ],
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
                rows=[
                    [r.label, ratio_cell(r.schedule_utilization)] for r in by_clinic.itertuples()
                ],
            ),
        ]
        return {
            "kpis": [_kpi(name, current, prior) for name in OVERVIEW_KPIS],
            "panels": panels,
            "prior": selection.prior(),
        }


def _float(value):
    return None if value is None else float(value)


def definitions(request):
    return render(request, "analytics/definitions.html", {"definitions": DEFINITIONS})
