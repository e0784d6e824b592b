"""Every number drills down to the rows behind it (issue 5): KPI tiles link to the rows
of their number for the page's selection, tables link each row to its rows, and the
Overview's tables write their numbers with thousands separators."""

from __future__ import annotations

import csv
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from analytics.dashboards import views
from analytics.dashboards.definitions import DEFINITIONS, METRIC_ROW_PARAMETERS, METRIC_ROWS
from analytics.dashboards.pages.drilldown import KINDS

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-03-01", "end": "2026-04-30"}

# page → {KPI metric: the row kind its tile opens (None: definition only)}
EXPECTED_TILES = {
    "overview": {
        "ncrpv": "visits",
        "visits": "visits",
        "units_per_visit": "visits",
        "schedule_utilization": "appointments",
        "poc_completion_rate": "episodes",
        "arrival_rate": "appointments",
        "referrals_received": "referrals",
        "denial_rate": "claims",
        "days_in_ar": "ar",
    },
    "dashboard-referrals": {
        "referrals_received": "referrals",
        "referral_conversion": "referrals",
        "visits_per_referral": "referrals",
        "net_collected_per_referral": "referrals",
        "sources_going_quiet": None,
    },
    "dashboard-episodes": {
        "discharged_episodes": "episodes",
        "poc_completion_rate": "episodes",
        "visit_adherence": "episodes",
        "drop_off_rate": "episodes",
        "visits_per_episode": "episodes",
        "at_risk_episodes": "at-risk",
        "under_scheduled_episodes": None,
    },
    "dashboard-schedule": {
        "schedule_utilization": "appointments",
        "arrival_rate": "appointments",
        "cancellation_rate": "appointments",
        "no_show_rate": "appointments",
    },
    "dashboard-payers": {
        "ncrpv": "visits",
        "payer_yield": "lines",
        "expected_allowed": "lines",
        "underpaid_lines": "lines",
        "net_collected_revenue": "visits",
    },
    "dashboard-denials": {
        "claims_first_adjudicated": "claims",
        "denied_claims": "claims",
        "denial_rate": "claims",
        "clean_claim_rate": "claims",
        "denial_dollars_at_stake": "claims",
    },
    "dashboard-ar": {"ar_aging": "ar", "days_in_ar": "ar", "ar_over_90": "ar"},
    "dashboard-copays": {"copay_collected_at_tos": "visits", "copays_by_staff": "visits"},
}
TILE = re.compile(
    r'<div class="kpi card[^"]*" id="kpi-(?P<name>[\w-]+)"(?P<body>.*?)\n  </div>', re.S
)
HREF = re.compile(r'<a class="(?P<cls>[^"]+)" href="(?P<href>[^"]+)"')


def tiles(html: str) -> dict[str, dict[str, str]]:
    """Per KPI tile: its links by class (kpi-definition, kpi-value kpi-rows)."""
    return {
        match["name"]: {
            link["cls"]: unescape(link["href"]) for link in HREF.finditer(match["body"])
        }
        for match in TILE.finditer(html)
    }


def table_links(html: str, panel: str) -> list[tuple[str, str]]:
    """(first cell text, href) of the linked rows of one panel's table."""
    section = html.split(f'id="{panel}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1]
    return [
        (unescape(text), unescape(href))
        for href, text in re.findall(r'<a class="cell-label" href="([^"]+)"[^>]*>([^<]*)</a>', body)
    ]


def csv_of(client, url: str) -> list[list[str]]:
    response = client.get(url + "&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.reader(response.content.decode().splitlines()))[1:]


def test_the_metric_to_rows_mapping_names_real_lists_and_metrics():
    assert set(METRIC_ROWS.values()) <= set(KINDS)
    assert set(METRIC_ROWS) <= set(DEFINITIONS)
    assert set(METRIC_ROW_PARAMETERS) <= set(METRIC_ROWS)


@pytest.mark.parametrize("page", list(EXPECTED_TILES))
def test_every_kpi_tile_links_to_its_rows_and_its_definition(full_group, client_as, page):
    client = client_as(full_group, "owner")
    query = {**PERIOD, "clinic": "C1"}
    html = client.get(reverse(page), query).content.decode()
    found = tiles(html)
    assert list(found) == list(EXPECTED_TILES[page])
    for name, kind in EXPECTED_TILES[page].items():
        links = found[name]
        assert links["kpi-definition"] == f"/analytics/definitions/#{name}", (page, name)
        if kind is None:
            assert "kpi-value kpi-rows" not in links, (page, name)
            continue
        url = urlsplit(links["kpi-value kpi-rows"])
        assert url.path == reverse("dashboard-rows", args=[kind]), (page, name)
        # the page's whole selection, not narrowed to anything (but the subset of the
        # list the number counts: underpaid lines, open denials)
        subset = {key: [value] for key, value in METRIC_ROW_PARAMETERS.get(name, {}).items()}
        assert parse_qs(url.query) == {
            "start": ["2026-03-01"],
            "end": ["2026-04-30"],
            "clinic": ["C1"],
            **subset,
        }


def test_kpi_tiles_open_the_rows_that_make_their_numbers(full_group, client_as):
    client = client_as(full_group, "owner")
    overview = tiles(client.get(reverse("overview"), PERIOD).content.decode())
    # 8 visits: 6 of the two clinics' episodes + EA's evaluation and treatment
    assert len(csv_of(client, overview["visits"]["kpi-value kpi-rows"])) == 8
    # denial rate 12.5%: 1 denied of 8 claims first adjudicated
    claims = csv_of(client, overview["denial_rate"]["kpi-value kpi-rows"])
    assert len(claims) == 8 and sum(row[10] == "yes" for row in claims) == 1
    # referrals received: RA (North) and RD (South)
    assert len(csv_of(client, overview["referrals_received"]["kpi-value kpi-rows"])) == 2
    # POC completion 50%: EA and EB discharged
    episodes = csv_of(client, overview["poc_completion_rate"]["kpi-value kpi-rows"])
    assert sorted(row[0] for row in episodes) == ["EA", "EB"]
    # arrival 80%: 8 attended of 10; the booked 05-04 appointment is after the period
    appointments = csv_of(client, overview["arrival_rate"]["kpi-value kpi-rows"])
    assert len(appointments) == 10
    episodes_page = tiles(client.get(reverse("dashboard-episodes"), PERIOD).content.decode())
    at_risk = csv_of(client, episodes_page["at_risk_episodes"]["kpi-value kpi-rows"])
    assert [row[0] for row in at_risk] == ["EP1"]


def test_denied_claims_by_carc_and_root_cause_link_their_claims(full_group, client_as):
    client = client_as(full_group, "owner")
    html = client.get(reverse("dashboard-denials"), PERIOD).content.decode()
    [(carc, carc_url)] = table_links(html, "carcs")
    assert carc == "197"
    assert parse_qs(urlsplit(carc_url).query)["carc"] == ["197"]
    rows = csv_of(client, carc_url)
    assert len(rows) == 1  # the table's "Denied claims" for CARC 197
    assert rows[0][4] == "Medicare" and rows[0][-1] == "authorization (CARC 197)"
    page = client.get(carc_url).content.decode()
    assert "Claims first adjudicated that were denied with CARC 197" in page
    assert 'href="/analytics/definitions/#denials_by_carc"' in page
    # the CSV link of the list keeps the narrowing
    assert "carc=197&amp;export=csv" in page

    [(cause, cause_url)] = table_links(html, "root-causes")
    assert cause == "Authorization"
    assert parse_qs(urlsplit(cause_url).query)["cause"] == ["authorization"]
    assert [row[0] for row in csv_of(client, cause_url)] == [rows[0][0]]
    # no claim was denied by CLP02 = 4 without a CARC, nor for eligibility
    assert csv_of(client, cause_url.replace("cause=authorization", "carc=none")) == []
    assert csv_of(client, cause_url.replace("cause=authorization", "cause=eligibility")) == []


def test_heatmap_cells_link_their_attended_appointments(full_group, client_as):
    client = client_as(full_group, "owner")
    html = client.get(reverse("dashboard-schedule"), PERIOD).content.decode()
    links = table_links(html, "heatmap")
    assert [cell for cell, _ in links] == ["Mon", "Tue"]
    counts = []
    for _, url in links:
        query = parse_qs(urlsplit(url).query)
        assert set(query) == {"start", "end", "weekday", "hour"}
        rows = csv_of(client, url)
        assert {row[6] for row in rows} <= {"arrived", "completed"}
        counts.append(len(rows))
    # the table's "Attended appointments": Mon 12:00 → 6, Tue 12:00 → 2 (local time)
    assert counts == [6, 2]
    page = client.get(links[0][1]).content.decode()
    assert "Appointments attended and starting on Mon 12:00–12:59" in page


def test_extra_parameters_fit_their_list_only(full_group, client_as):
    client = client_as(full_group, "owner")
    url = reverse("dashboard-rows", args=["visits"])
    page = client.get(url, {**PERIOD, "carc": "197"}).content.decode()
    assert "carc narrows claims lists only" in page and "No rows in this selection." in page
    claims = reverse("dashboard-rows", args=["claims"])
    assert "not a CARC: 1;drop" in client.get(claims, {**PERIOD, "carc": "1;drop"}).content.decode()
    assert "unknown root cause: x" in client.get(claims, {**PERIOD, "cause": "x"}).content.decode()
    appointments = reverse("dashboard-rows", args=["appointments"])
    page = client.get(appointments, {**PERIOD, "weekday": "8", "hour": "12"}).content.decode()
    assert "weekday (1–7) and hour (0–23) go together" in page


def test_overview_tables_write_thousands_separators(group, client_as, monkeypatch):
    """A big group's months and clinics: 12,345 visits read "12,345", not "12345"."""
    real = views.document

    def big(organization, selection, group_by=None, metrics=None):
        doc = real(organization, selection, group_by, metrics)
        for entry in doc.get("groups", []):
            for name, value in (("visits", 12345), ("billable_visits", 2345)):
                if name in entry["metrics"]:
                    entry["metrics"][name] = {**entry["metrics"][name], "value": value}
        return doc

    monkeypatch.setattr(views, "document", big)
    client = client_as(group, "owner")

    def export(panel):
        response = client.get(reverse("overview"), {**PERIOD, "export": panel})
        return list(csv.reader(response.content.decode().splitlines()))[1:]

    assert export("visits-trend")[0] == ["2026-03", "12,345", "2,345"]
    assert export("ncrpv-trend")[0][3] == "2,345"
    assert export("clinic-ncrpv")[0][2] == "12,345"


def test_long_clinic_names_keep_their_whole_name_in_a_title(group, client_as):
    from clinics.models import Clinic
    from ptrevops.tenancy.context import tenant_context

    name = "Alpha PT Northwest Suburban Sports Medicine & Orthopedic Rehabilitation Clinic"
    with tenant_context(group.pk):
        Clinic.objects.filter(external_id="C1").update(name=name)
    html = client_as(group, "owner").get(reverse("overview"), PERIOD).content.decode()
    section = html.split('id="clinic-ncrpv"', 1)[1].split("</section>", 1)[0]
    escaped = name.replace("&", "&amp;")
    assert 'class="cell-label" href="' in section
    assert f'title="{escaped} — show the rows behind this row">{escaped}</a>' in section
