"""The Overview dashboard: numbers, comparison, exports, scoping and roles."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from analytics.metrics import metrics_document
from clinics.models import Clinic
from ptrevops.tenancy.context import tenant_context
from tests.dashboards.conftest import populate

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-03-01", "end": "2026-04-30"}
START, END = datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)


def test_overview_shows_kpis_trend_and_clinic_comparison(group, client_as):
    page = client_as(group, "owner").get(reverse("overview"), PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    # 6 paid visits: 3 × $90 (North) + 3 × $180 (South) = $810 → NCRPV $135.00
    assert "$135.00" in html
    assert "Alpha PT North Clinic" in html and "Alpha PT South Clinic" in html
    for panel in ("ncrpv-trend", "visits-trend", "clinic-ncrpv", "clinic-utilization"):
        assert f'id="fig-{panel}"' in html
    assert html.count('href="/analytics/definitions/#') >= 9


def test_each_chart_exports_its_table_as_csv(group, client_as):
    response = client_as(group, "owner").get(
        reverse("overview"), {**PERIOD, "export": "ncrpv-trend"}
    )
    assert response["Content-Type"] == "text/csv"
    rows = response.content.decode().splitlines()
    assert rows[0] == "Month,NCRPV,Net collected,Billable visits,Maturity"
    # March: 4 visits, 2 × $90 + 2 × $180 = $540 → $135.00
    assert rows[1] == "2026-03,$135.00,$540.00,4,100.0%"
    assert rows[2] == "2026-04,$135.00,$270.00,2,100.0%"


def test_clinic_filter_narrows_every_number(group, client_as):
    response = client_as(group, "owner").get(
        reverse("overview"), {**PERIOD, "clinic": "C1", "export": "ncrpv-trend"}
    )
    assert response.content.decode().splitlines()[1] == "2026-03,$90.00,$180.00,2,100.0%"


def test_member_limited_to_one_clinic_sees_only_its_numbers(group, member, client):
    with tenant_context(group.pk):
        north = Clinic.objects.get(external_id="C1")
    client.force_login(member(group, "viewer", clinics=[north]))
    response = client.get(reverse("overview"), {**PERIOD, "export": "clinic-ncrpv"})
    # utilization: 3 visits × 45 min = 135 of 480 available minutes = 28.1%; no episode
    # discharged in the period (POC completion blank); days in A/R those of the
    # clinic's own metrics document.
    with tenant_context(group.pk):
        days = metrics_document(group, source="direct", start=START, end=END, clinics=["C1"])
    days_in_ar = days["metrics"]["days_in_ar"]["value"]
    rows = response.content.decode().splitlines()
    assert rows[0] == (
        "Clinic,NCRPV,Visits,Utilization,Arrival rate,POC completion,Denial rate,Days in A/R"
    )
    assert rows[1:] == [f"Alpha PT North Clinic,$90.00,3,28.1%,100.0%,,0.0%,{days_in_ar:.2f}"]


def test_another_organizations_data_never_appears(group, other_org, client_as):
    populate(other_org)
    html = client_as(group, "owner").get(reverse("overview"), PERIOD).content.decode()
    assert "Beta PT" not in html
    assert "$135.00" in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("manager", 200),
        ("viewer", 200),
        ("biller", 403),
        ("front_desk", 403),
        ("clinician", 403),
    ],
)
def test_dashboard_roles(group, client_as, role, status):
    assert client_as(group, role).get(reverse("overview"), PERIOD).status_code == status


def test_a_bad_period_is_explained_not_crashed(group, client_as):
    page = client_as(group, "owner").get(
        reverse("overview"), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert page.status_code == 200
    assert "The start date is after the end date." in page.content.decode()


def test_definitions_page_lists_every_metric(client_as, org):
    html = client_as(org, "viewer").get(reverse("definitions")).content.decode()
    for name in ("ncrpv", "schedule_utilization", "denial_rate", "days_in_ar", "ar_aging"):
        assert f'id="{name}"' in html
