"""The owner dashboards beyond the Overview: exact numbers from a small fixture, a CSV
per page, roles, tenancy and clinic-limited members."""

from __future__ import annotations

import csv
import datetime
import itertools

import pytest
from django.urls import reverse

from clinics.models import AuditEvent, Clinic
from ptrevops.tenancy.context import tenant_context
from tests.dashboards.conftest import populate_full
from tests.metrics.builders import Builder

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-03-01", "end": "2026-04-30"}
PAGES = [
    "dashboard-referrals",
    "dashboard-episodes",
    "dashboard-schedule",
    "dashboard-payers",
    "dashboard-denials",
    "dashboard-ar",
    "dashboard-copays",
]
ROW_KINDS = [
    "visits",
    "claims",
    "ar",
    "episodes",
    "at-risk",
    "referrals",
    "appointments",
    "lines",
    "payments",
]


def csv_rows(client, name, panel, **extra):
    response = client.get(reverse(name), {**PERIOD, **extra, "export": panel})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return response.content.decode().splitlines()


def html(client, name, **extra) -> str:
    response = client.get(reverse(name), {**PERIOD, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_referrals_page(full_group, client_as):
    client = client_as(full_group, "owner")
    page = html(client, "dashboard-referrals")
    assert "Which visit is counted" in page
    # RA (converted, 2 visits, $100 paid + $20 copay) and RD (no episode): $120 / 2
    assert "$60.00" in page
    assert 'href="/analytics/definitions/#net_collected_per_referral"' in page
    assert csv_rows(client, "dashboard-referrals", "source-referrals") == [
        "Referral source,Referrals,Conversion,Visits / referral,Net collected / referral",
        "Dr Adams,2,50.0%,1.00,$60.00",
    ]
    # Dr Baker sent 2 referrals in the prior period and none now.
    assert csv_rows(client, "dashboard-referrals", "quiet-sources")[1:] == ["Dr Baker,2,0,-100.0%"]
    assert csv_rows(client, "dashboard-referrals", "referrals-trend")[1:] == [
        "2026-03,1,100.0%,2.00",
        "2026-04,1,0.0%,0.00",
    ]
    # The source's drill lists each referral's net collected to date: RA's $120, RD's $0.
    response = client.get(
        reverse("dashboard-rows", args=["referrals"]), {**PERIOD, "export": "csv"}
    )
    listed = list(csv.reader(response.content.decode().splitlines()))
    assert listed[0][-1] == "Net collected to date"
    assert sorted(row[-1] for row in listed[1:]) == ["$0.00", "$120.00"]
    response = client.get(reverse("dashboard-rows", args=["referrals"]), PERIOD)
    assert "Net collected to date: $120.00 over 2 referrals = $60.00 per referral." in (
        response.content.decode()
    )


def test_episodes_page(full_group, client_as):
    client = client_as(full_group, "owner")
    page = html(client, "dashboard-episodes")
    assert "Which visit is counted" in page
    # EA self-discharged (2 of 10 visits), EB goals met (0 of 6): completion 1/2,
    # adherence 2/16, drop-off 1/2, visits per episode 1.00
    assert csv_rows(client, "dashboard-episodes", "clinic-completion") == [
        "Clinic,Discharged,POC completion,Visit adherence,Drop-off,Visits / episode",
        "Alpha PT North Clinic,1,0.0%,20.0%,100.0%,2.00",
        "Alpha PT South Clinic,1,100.0%,0.0%,0.0%,0.00",
    ]
    assert csv_rows(client, "dashboard-episodes", "episodes-trend")[2] == (
        "2026-04,2,50.0%,12.5%,50.0%,1.00"
    )
    # North's episode: last visit 04-06, nothing booked → at risk; South's is booked 05-04.
    at_risk = csv_rows(client, "dashboard-episodes", "at-risk")
    assert len(at_risk) == 2
    assert at_risk[1].startswith("EP1,") and ",Alpha PT North Clinic,2026-04-06,P1," in at_risk[1]
    # South: 2 visits / week → 8 expected over 4 weeks, 1 booked, past the auth's end.
    gaps = csv_rows(client, "dashboard-episodes", "under-scheduled")
    assert len(gaps) == 2
    assert ",Alpha PT South Clinic,P1,2.0,8,1," in gaps[1]
    assert "booked past the authorization's end date (2026-05-04)" in gaps[1]


def test_schedule_page(full_group, client_as):
    client = client_as(full_group, "owner")
    page = html(client, "dashboard-schedule")
    assert "Which visit is counted" in page
    assert "37.5%" in page  # 8 attended × 45 min of 2 × 480 available minutes
    assert "80.0%" in page  # arrival: 8 of 10
    assert csv_rows(client, "dashboard-schedule", "heatmap") == [
        "Weekday,Hour,Attended appointments,Attended minutes",
        "Mon,12:00,6,270",
        "Tue,12:00,2,90",
    ]
    assert csv_rows(client, "dashboard-schedule", "clinic-month-rates")[1] == (
        "Alpha PT North Clinic · 2026-03,4,1,1,66.7%,16.7%,16.7%"
    )


def test_payers_page(full_group, client_as):
    client = client_as(full_group, "owner")
    page = html(client, "dashboard-payers")
    assert "Which visit is counted" in page
    assert csv_rows(client, "dashboard-payers", "payer-mix") == [
        "Payer,Visits,Visit share,Net collected,Net share",
        "P1,6,75.0%,$810.00,87.1%",
        "Medicare,2,25.0%,$120.00,12.9%",
    ]
    underpaid = csv_rows(client, "dashboard-payers", "underpaid-lines")
    assert len(underpaid) == 2
    assert underpaid[1].endswith(
        ",Medicare,Alpha PT North Clinic,97161,1,$150.00,$100.00,$100.00,$50.00"
    )
    # Medicare: 31 and 24 days; P1: 49, 42, 14 days twice each.
    assert csv_rows(client, "dashboard-payers", "days-to-pay")[1:] == [
        "Medicare,2,27.5,30.3",
        "P1,6,42.0,49.0",
    ]


def test_denials_page(full_group, client_as):
    client = client_as(full_group, "owner")
    page = html(client, "dashboard-denials")
    assert "12.5%" in page and "$100.00" in page
    assert csv_rows(client, "dashboard-denials", "payer-denials")[1:] == [
        "P1,6,0,0.0%,100.0%",
        "Medicare,2,1,50.0%,50.0%",
    ]
    assert csv_rows(client, "dashboard-denials", "carcs")[1:] == ["197,Authorization,1"]
    assert csv_rows(client, "dashboard-denials", "at-stake")[1:] == [
        "Authorization,Medicare,1,$100.00"
    ]


def test_ar_page(full_group, client_as):
    client = client_as(full_group, "owner")
    page = html(client, "dashboard-ar")
    assert "Which visit is counted" in page
    # P1: North 3 × $60 open, South 3 × −$30 (overpaid); Medicare: $50 claim, −$20 copay
    assert csv_rows(client, "dashboard-ar", "payer-aging") == [
        "Payer,A/R total,0-30,31-60,61-90,91-120,120+",
        "P1,$90.00,$30.00,$60.00,$0.00,$0.00,$0.00",
        "Medicare,$30.00,$0.00,$30.00,$0.00,$0.00,$0.00",
    ]
    assert csv_rows(client, "dashboard-ar", "days-in-ar-trend")[1:] == [
        "2026-03,88.0,$880.00,$0.00",
        "2026-04,9.0,$120.00,$0.00",
    ]


def test_copays_page(full_group, client_as):
    client = client_as(full_group, "owner")
    page = html(client, "dashboard-copays")
    assert "Which visit is counted" in page
    assert csv_rows(client, "dashboard-copays", "staff-copays")[1:] == ["Jo,1,$20.00,100.0%"]
    assert csv_rows(client, "dashboard-copays", "clinic-copays")[1] == (
        "Alpha PT North Clinic,$20.00,$40.00,50.0%"
    )


def test_every_page_links_its_rows_and_sub_nav(full_group, client_as):
    client = client_as(full_group, "owner")
    for name in PAGES:
        page = html(client, name)
        assert "/analytics/rows/" in page, name
        for other in PAGES:
            assert f'href="{reverse(other)}?' in page
        assert "Which visit is counted" in page


def test_drill_down_lists_the_rows_behind_a_clinic_month(full_group, client_as):
    client = client_as(full_group, "owner")
    url = reverse("dashboard-rows", args=["visits"])
    query = {"start": "2026-03-01", "end": "2026-03-31", "clinic": "C1", "export": "csv"}
    rows = client.get(url, query).content.decode().splitlines()
    assert len(rows) == 1 + 4  # North's March visits: 03-02, 03-09, EA's 03-10 and 03-17
    assert rows[3].startswith("2026-03-10,")
    assert rows[3].endswith(",yes,$200.00,$100.00,$20.00,$120.00,$20.00,$20.00")
    claims = client.get(
        reverse("dashboard-rows", args=["claims"]), {**PERIOD, "payer": "P2", "export": "csv"}
    ).content.decode()
    assert "CO-197 $100.00" in claims and "authorization (CARC 197)" in claims
    page = client.get(reverse("dashboard-rows", args=["episodes"]), PERIOD).content.decode()
    assert "EA" in page and "self discharged" in page
    with tenant_context(full_group.pk):
        assert AuditEvent.objects.filter(action="analytics.rows_viewed").count() == 3


def test_every_row_list_renders(full_group, client_as):
    client = client_as(full_group, "owner")
    for kind in ROW_KINDS:
        response = client.get(reverse("dashboard-rows", args=[kind]), PERIOD)
        assert response.status_code == 200, kind
        assert "No rows in this selection." not in response.content.decode(), kind
    assert client.get(reverse("dashboard-rows", args=["nothing"]), PERIOD).status_code == 404


def test_drill_down_pages_are_paginated(full_group, client_as):
    client = client_as(full_group, "owner")
    with tenant_context(full_group.pk):
        b = Builder(full_group)
        b._ids = itertools.count(1000)  # clear of the fixture's ids
        clinic = Clinic.objects.get(external_id="C1")
        clinician = b.clinician("T9", clinic)
        episode = b.episode(clinic, external_id="EPX")
        for day in range(60):
            b.appointment(
                episode, clinician, datetime.date(2026, 3, 1) + datetime.timedelta(day % 28)
            )
    page = client.get(reverse("dashboard-rows", args=["appointments"]), PERIOD).content.decode()
    assert "Page 1 of 2" in page
    second = client.get(
        reverse("dashboard-rows", args=["appointments"]), {**PERIOD, "page": 2}
    ).content.decode()
    assert "Page 2 of 2" in second


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
def test_roles(org, client_as, role, status):
    client = client_as(org, role)
    for name in PAGES:
        assert client.get(reverse(name), PERIOD).status_code == status, name
    for kind in ROW_KINDS:
        response = client.get(reverse("dashboard-rows", args=[kind]), PERIOD)
        assert response.status_code == status, kind


def test_an_empty_selection_draws_no_blank_chart(org, client_as):
    client = client_as(org, "owner")
    for name in PAGES:
        page = html(client, name)
        assert "data-plotly" not in page, name
        assert "No data in this selection." in page, name


def test_another_organizations_data_never_appears(full_group, other_org, client_as):
    populate_full(other_org)
    with tenant_context(other_org.pk):
        b = Builder(other_org)
        b._ids = itertools.count(1000)
        b.source("BETA-SRC")
        clinic = Clinic.objects.get(external_id="C1")
        b.episode(clinic, external_id="BETA-EP")
    client = client_as(full_group, "owner")
    for name in PAGES:
        page = html(client, name)
        assert "Beta PT" not in page, name
    for kind in ROW_KINDS:
        page = client.get(reverse("dashboard-rows", args=[kind]), PERIOD).content.decode()
        assert "Beta PT" not in page, kind
    # Same external ids in both groups: A's numbers are still A's alone.
    assert csv_rows(client, "dashboard-copays", "staff-copays")[1:] == ["Jo,1,$20.00,100.0%"]
    # A drill-down naming B's rows shows nothing of B.
    response = client.get(
        reverse("dashboard-rows", args=["visits"]), {**PERIOD, "episode": "BETA-EP"}
    )
    page = response.content.decode()
    assert response.status_code == 400  # a wrong parameter: refused, with its reason
    assert "unknown episode id: BETA-EP" in page and "No rows in this selection." in page
    response = client.get(
        reverse("dashboard-rows", args=["referrals"]), {**PERIOD, "source": "BETA-SRC"}
    )
    page = response.content.decode()
    # B's source is no choice in A's filter: the request is refused, no rows are listed.
    assert "Select a valid choice" in page and "<tbody>" not in page
    assert "Beta PT" not in page


def test_clinic_limited_member_sees_only_their_clinics(full_group, member, client):
    with tenant_context(full_group.pk):
        north = Clinic.objects.get(external_id="C1")
    client.force_login(member(full_group, "viewer", clinics=[north]))
    assert csv_rows(client, "dashboard-schedule", "clinic-utilization")[1:] == [
        "Alpha PT North Clinic,46.9%,71.4%,14.3%,14.3%"
    ]
    for name in PAGES:
        assert "Alpha PT South Clinic" not in html(client, name), name
    visits = client.get(
        reverse("dashboard-rows", args=["visits"]), {**PERIOD, "export": "csv"}
    ).content.decode()
    assert "Alpha PT North Clinic" in visits and "Alpha PT South Clinic" not in visits
    # Asking for the other clinic by URL shows nothing of it.
    page = client.get(
        reverse("dashboard-rows", args=["visits"]), {**PERIOD, "clinic": "C2"}
    ).content.decode()
    assert "Alpha PT South Clinic" not in page
    assert "Select a valid choice" in page and "<tbody>" not in page


def test_drill_down_rows_add_up_to_the_metrics(full_group, client_as):
    """The rows behind each number are the metric's own rows: counts and sums agree."""
    from decimal import Decimal

    from analytics.metrics import metrics_document

    with tenant_context(full_group.pk):
        metrics = metrics_document(
            full_group, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 30)
        )["metrics"]
    client = client_as(full_group, "owner")

    def rows(kind):
        response = client.get(reverse("dashboard-rows", args=[kind]), {**PERIOD, "export": "csv"})
        return list(csv.reader(response.content.decode().splitlines()))[1:]

    def money(cell):
        return Decimal(cell.replace("$", "").replace(",", ""))

    visits = rows("visits")
    assert len(visits) == metrics["visits"]["value"]
    net = sum(money(row[-3]) for row in visits)
    assert net == Decimal(metrics["net_collected_revenue"]["value"])
    assert len(rows("claims")) == metrics["claims_first_adjudicated"]["value"]
    assert sum(row[-3] == "yes" for row in rows("claims")) == metrics["denied_claims"]["value"]
    assert len(rows("episodes")) == metrics["discharged_episodes"]["value"]
    assert [row[0] for row in rows("at-risk")] == (metrics["at_risk_episodes"]["episodes"])
    assert len(rows("referrals")) == metrics["referrals_received"]["value"]
    ar = sum(money(row[-2]) for row in rows("ar"))
    assert ar == Decimal(metrics["ar_aging"]["value"])
