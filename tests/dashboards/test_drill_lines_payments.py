"""The numbers no visit or claim list adds up to drill down too: the Payers page's
expected allowed, payer yield and underpaid lines open the charge lines behind them
(``lines``, ``underpaid=1``), the Copays page's staff rows their copays (``payments``,
``staff``) and the Denials page's dollars at stake the claims with open denials
(``claims``, ``open_denials=1``). Each list adds up to its number, on a hand-built world."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from billing.models import Denial
from ptrevops.tenancy.context import tenant_context
from tests.dashboards.test_drill_links import csv_of, table_links, tiles
from tests.metrics.builders import Builder, dec

pytestmark = pytest.mark.django_db
D = datetime.date
PERIOD = {"start": "2026-03-01", "end": "2026-04-30"}
LINES = reverse("dashboard-rows", args=["lines"])
PAYMENTS = reverse("dashboard-rows", args=["payments"])
CLAIMS = reverse("dashboard-rows", args=["claims"])

# lines CSV columns
CLAIM, DOS, PATIENT, CLINIC, PAYER, CPT, UNITS, EXPECTED, PAID, PR, EXPLAINED = range(11)
ADJUDICATED, DENIED, UNDERPAID, SHORT = range(11, 15)


def amount(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


def build_world(organization, *, staff: str = "Jo", prefix: str = "") -> None:
    """One organization's March–April 2026 (period 03-01 – 04-30):

    * North (C1), payer P1 ("Aetna Open Access Managed Choice POS II"): fees 97110 $30,
      97530 $40. Visit 03-05, claim with the lines of tests/metrics/test_contract.py:
      expected 60 + 25.50 + (none) + 40 + 34 + 30 + 40 = $229.50 (one line with no
      rate, one not on the claim); received 55 + 25 + 0 + 34 + 35 = $149 of $199.50
      expected over the 5 adjudicated lines with a rate; L1 underpaid by $5.
    * South (C2), payer P2 ("Medicare"): fee 97161 $150. Visit 04-02: 97161 paid $100
      with CO-45 $50 → underpaid by $50; 97110 (no P2 rate) not adjudicated.
    * February (outside the period): a visit with a line, a copay and an open denial.
    * Copays: ``staff`` collects $20 at the time of service (03-05) and $25 (04-02);
      " Sam " (trimmed "Sam") $15 at the time of service, $30 collected later; $10 with
      no one recorded; a $5 refund and a $40 coinsurance on the 03-05 visit.
    * Denials on the 04-02 claim: open CO-197 $60 (authorization) and CO-16 $40
      (coding), a resolved one $70; on the February claim, open $500.
    """
    with tenant_context(organization.pk):
        b = Builder(organization)
        b._ids = itertools.count(1, 1)
        b._next = lambda kind: f"{prefix}{kind}{next(b._ids)}"
        north, south = b.clinic("C1"), b.clinic("C2")
        p1, p2 = b.payer("P1"), b.payer("P2")
        p1.name, p2.name = "Aetna Open Access Managed Choice POS II", "Medicare"
        p1.save()
        p2.save()
        t1, t2 = b.clinician("T1", north), b.clinician("T2", south)
        b.fee(p1, "97110", "30.00", D(2026, 1, 1))
        b.fee(p1, "97530", "40.00", D(2026, 1, 1))
        b.fee(p1, "97140", "25.00", D(2025, 1, 1), D(2025, 12, 31))
        b.fee(p2, "97161", "150.00", D(2026, 1, 1))

        episode = b.episode(north, payer=p1)
        visit = b.visit(episode, t1, D(2026, 3, 5))
        claim = b.claim(visit, p1, "500.00")
        line = {
            "L1": b.charge(visit, "97110", 2, "100.00", claim=claim),
            "L2": b.charge(visit, "97110", 1, "50.00", claim=claim, modifiers=["GP", "CQ"]),
            "L3": b.charge(visit, "97140", 1, "50.00", claim=claim),
            "L4": b.charge(visit, "97530", 1, "60.00", claim=claim),
            "L5": b.charge(visit, "97530", 1, "60.00", claim=claim, modifiers=["CQ"]),
            "L6": b.charge(visit, "97110", 1, "50.00", claim=claim),
            "L7": b.charge(visit, "97110", 1, "50.00"),
            "L8": b.charge(visit, "97530", 1, "60.00", claim=claim),
        }
        first = b.clp(b.remittance(D(2026, 3, 20), payer=p1), claim, "1", "113.00")
        s1 = b.svc(first, line["L1"], "45.00")
        b.cas(first, "PR", "2", "10.00", service=s1)
        b.cas(first, "CO", "45", "45.00", service=s1)
        s2 = b.svc(first, line["L2"], "20.00")
        b.cas(first, "PR", "2", "5.00", service=s2)
        b.cas(first, "CO", "253", "0.50", service=s2)
        b.cas(first, "CO", "45", "24.50", service=s2)
        b.svc(first, line["L3"], "20.00")
        s4 = b.svc(first, line["L4"], "0.00")
        b.cas(first, "CO", "197", "60.00", service=s4)
        s5 = b.svc(first, line["L5"], "0.00")
        b.cas(first, "CO", "50", "34.00", service=s5)
        s8 = b.svc(first, line["L8"], "28.00")
        b.cas(first, "PR", "2", "7.00", service=s8)
        b.cas(first, "CO", "59", "5.00", service=s8)
        b.cas(first, "CO", "45", "20.00", service=s8)
        later = b.remittance(D(2026, 4, 10), payer=p1)
        reversal = b.clp(later, claim, "22", "0.00", sequence=1)
        b.cas(reversal, "CO", "50", "-34.00", service=b.svc(reversal, line["L5"], "0.00"))
        corrected = b.clp(later, claim, "1", "34.00", sequence=2)
        b.svc(corrected, line["L5"], "34.00")

        south_episode = b.episode(south, payer=p2)
        april = b.visit(south_episode, t2, D(2026, 4, 2))
        april_claim = b.claim(april, p2, "300.00")
        evaluation = b.charge(april, "97161", 1, "200.00", claim=april_claim)
        b.charge(april, "97110", 1, "100.00", claim=april_claim)
        paid = b.clp(b.remittance(D(2026, 4, 20), payer=p2), april_claim, "1", "100.00")
        service = b.svc(paid, evaluation, "100.00")
        b.cas(paid, "CO", "45", "50.00", service=service)
        for reason, cause, money, status in (
            ("197", "authorization", "60.00", "open"),
            ("16", "coding", "40.00", "open"),
            ("50", "medical_necessity", "70.00", "resolved"),
        ):
            Denial.objects.create(
                claim=april_claim,
                claim_payment=paid,
                service_payment=b.svc(paid, None, "0.00"),
                group_code="CO",
                reason_code=reason,
                root_cause=cause,
                amount=dec(money),
                status=status,
            )

        # February: outside the period (a line, a copay and an open denial)
        february = b.visit(episode, t1, D(2026, 2, 10))
        february_claim = b.claim(february, p1, "50.00")
        b.charge(february, "97110", 1, "50.00", claim=february_claim)
        february_payment = b.clp(b.remittance(D(2026, 2, 25)), february_claim, "4", "0.00")
        Denial.objects.create(
            claim=february_claim,
            claim_payment=february_payment,
            group_code="CO",
            reason_code="197",
            root_cause="authorization",
            amount=dec("500.00"),
            status="open",
        )

        def pay(money, day, who, kind="copay", on=visit):
            payment = b.patient_payment(on.episode.patient, money, day, kind, visit=on)
            payment.collected_by = who
            payment.save()

        pay(20, D(2026, 3, 5), staff)
        pay(25, D(2026, 4, 2), staff, on=april)
        pay(15, D(2026, 3, 5), " Sam ")
        pay(30, D(2026, 3, 12), "Sam")  # not on the DOS: not at the time of service
        pay(10, D(2026, 3, 5), "")
        pay(5, D(2026, 3, 9), staff, kind="refund")
        pay(40, D(2026, 3, 9), staff, kind="coinsurance")
        pay(99, D(2026, 2, 10), staff, on=february)


@pytest.fixture
def world(org):
    build_world(org)
    return org


def test_the_lines_add_up_to_expected_allowed_yield_and_underpaid_lines(world, client_as):
    client = client_as(world, "owner")
    html = client.get(reverse("dashboard-payers"), PERIOD).content.decode()
    found = tiles(html)
    assert list(found) == [
        "ncrpv",
        "payer_yield",
        "expected_allowed",
        "underpaid_lines",
        "net_collected_revenue",
    ]
    values = {
        name: html.split(f'id="kpi-{name}"', 1)[1].split("kpi-value", 1)[1]
        for name in ("expected_allowed", "payer_yield", "underpaid_lines")
    }
    for name in values:
        url = urlsplit(found[name]["kpi-value kpi-rows"])
        assert url.path == LINES
    assert parse_qs(urlsplit(found["underpaid_lines"]["kpi-value kpi-rows"]).query) == {
        "start": ["2026-03-01"],
        "end": ["2026-04-30"],
        "underpaid": ["1"],
    }
    assert ">$379.50</a>" in values["expected_allowed"]  # 229.50 + 150
    assert ">2</a>" in values["underpaid_lines"]
    # (149 + 100) / (199.50 + 150) = 71.2%
    assert ">71.2%</a>" in values["payer_yield"]

    lines = csv_of(client, found["expected_allowed"]["kpi-value kpi-rows"])
    # 7 lines on the March claim, 2 on the April one; not L7 (no claim), not February
    assert len(lines) == 9
    assert sum(amount(row[EXPECTED]) for row in lines if row[EXPECTED][0] == "$") == Decimal(
        "379.50"
    )
    assert [row[EXPECTED] for row in lines].count("no contract rate") == 2
    adjudicated = [row for row in lines if row[ADJUDICATED] == "yes" and row[EXPECTED][0] == "$"]
    received = sum(amount(row[PAID]) + amount(row[PR]) for row in adjudicated)
    expected = sum(amount(row[EXPECTED]) for row in adjudicated)
    assert (received, expected) == (Decimal("249.00"), Decimal("349.50"))
    assert [row[DENIED] for row in lines].count("yes") == 1  # L4 (CO-197)
    l5 = next(row for row in lines if row[CPT] == "97530 CQ")
    assert (l5[PAID], l5[DENIED], l5[UNDERPAID]) == ("$34.00", "no", "no")  # reversed denial
    l8 = next(row for row in lines if row[EXPLAINED] == "$5.00")
    assert (l8[PAID], l8[PR], l8[UNDERPAID]) == ("$28.00", "$7.00", "no")

    underpaid = csv_of(client, found["underpaid_lines"]["kpi-value kpi-rows"])
    assert len(underpaid) == 2  # the underpaid_lines number
    assert [(row[CPT], row[UNITS], row[UNDERPAID], row[SHORT]) for row in underpaid] == [
        ("97110", "2", "yes", "$5.00"),
        ("97161", "1", "yes", "$50.00"),
    ]
    assert underpaid[0][PATIENT] == "Ient, Pat"
    assert underpaid[0][CLINIC] == "Alpha PT North"
    assert underpaid[1][PAYER] == "Medicare"

    page = client.get(found["underpaid_lines"]["kpi-value kpi-rows"]).content.decode()
    assert "Charge lines that were underpaid" in page
    assert 'href="/analytics/definitions/#underpaid_lines"' in page
    assert "underpaid=1&amp;export=csv" in page
    assert "Underpaid: 2 lines, $55.00 short." in page
    whole = client.get(found["payer_yield"]["kpi-value kpi-rows"]).content.decode()
    assert "Expected allowed $379.50 over 7 lines with a contract rate (2 without)." in whole
    assert "Payer yield 71.2%: $249.00 paid + PR ÷ $349.50 expected" in whole


def test_payer_and_clinic_yield_rows_open_their_lines(world, client_as):
    client = client_as(world, "owner")
    html = client.get(reverse("dashboard-payers"), PERIOD).content.decode()
    payers = table_links(html, "payer-yield")
    assert [name for name, _ in payers] == ["Aetna Open Access Managed Choice POS II", "Medicare"]
    sums = []
    for _, url in payers:
        assert urlsplit(url).path == LINES
        rows = csv_of(client, url)
        sums.append(
            (
                sum(amount(row[EXPECTED]) for row in rows if row[EXPECTED][0] == "$"),
                sum(row[UNDERPAID] == "yes" for row in rows),
            )
        )
    # the table's "Expected allowed" and "Underpaid lines" per payer
    assert sums == [(Decimal("229.50"), 1), (Decimal("150.00"), 1)]
    section = html.split('id="payer-yield"', 1)[1].split("</section>", 1)[0]
    assert "$229.50" in section and "$150.00" in section
    clinics = table_links(html, "clinic-yield")
    assert [urlsplit(url).path for _, url in clinics] == [LINES, LINES]
    assert [len(csv_of(client, url)) for _, url in clinics] == [7, 2]

    # each underpaid line opens itself: its DOS, payer and clinic, underpaid only (the
    # table is by shortfall: the $50 line first)
    underpaid = table_links(html, "underpaid-lines")
    assert len(underpaid) == 2
    query = parse_qs(urlsplit(underpaid[0][1]).query)
    assert query == {
        "start": ["2026-04-02"],
        "end": ["2026-04-02"],
        "clinic": ["C2"],
        "payer": ["P2"],
        "underpaid": ["1"],
    }
    [line] = csv_of(client, underpaid[0][1])
    assert (line[CLAIM], line[CPT], line[SHORT]) == (underpaid[0][0], "97161", "$50.00")
    [line] = csv_of(client, underpaid[1][1])
    assert (line[CLAIM], line[CPT], line[SHORT]) == (underpaid[1][0], "97110", "$5.00")


def test_each_staff_row_opens_the_copays_behind_it(world, client_as):
    client = client_as(world, "owner")
    html = client.get(reverse("dashboard-copays"), PERIOD).content.decode()
    section = html.split('id="staff-copays"', 1)[1].split("</section>", 1)[0]
    links = table_links(html, "staff-copays")
    assert [name for name, _ in links] == ["Jo", "Sam", "(not recorded)"]
    figures = {}
    for name, url in links:
        assert urlsplit(url).path == PAYMENTS
        rows = csv_of(client, url)
        assert {(row[1], row[7], row[8]) for row in rows} == {("copay", name, "yes")}
        figures[name] = (len(rows), sum(amount(row[2]) for row in rows))
    # the table's Payments and Collected
    assert figures == {
        "Jo": (2, Decimal("45.00")),
        "Sam": (1, Decimal("15.00")),
        "(not recorded)": (1, Decimal("10.00")),
    }
    for name, (payments, collected) in figures.items():
        assert f"{name}</a></td><td>{payments}</td><td>${collected:,.2f}</td>" in section
    page = client.get(links[0][1]).content.decode()
    assert "Patient payments that were copays collected at the time of service by Jo" in page
    assert "staff=Jo&amp;export=csv" in page
    assert 'href="/analytics/definitions/#copays_by_staff"' in page
    assert "2 payments, $45.00." in page

    # without staff: every patient payment of the period's visits (refunds negative),
    # adding up to patient paid
    everything = csv_of(client, f"{PAYMENTS}?start=2026-03-01&end=2026-04-30")
    assert len(everything) == 7
    assert sum(amount(row[2]) for row in everything) == Decimal("135.00")
    assert [row[8] for row in everything].count("yes") == 4
    refund = next(row for row in everything if row[1] == "refund")
    assert refund[2] == "$-5.00"


def test_open_denials_add_up_to_the_dollars_at_stake(world, client_as):
    client = client_as(world, "owner")
    html = client.get(reverse("dashboard-denials"), PERIOD).content.decode()
    tile = tiles(html)["denial_dollars_at_stake"]
    url = urlsplit(tile["kpi-value kpi-rows"])
    assert url.path == CLAIMS
    assert parse_qs(url.query)["open_denials"] == ["1"]
    assert ">$100.00</a>" in html.split('id="kpi-denial_dollars_at_stake"', 1)[1]
    [claim] = csv_of(client, tile["kpi-value kpi-rows"])
    assert claim[4] == "Medicare"
    assert claim[8] == "CO-197 $60.00; CO-16 $40.00"
    assert claim[-1] == "$100.00"  # the page's figure
    page = client.get(tile["kpi-value kpi-rows"]).content.decode()
    assert "<h2>Claims with open denials</h2>" in page
    assert "At stake: $100.00 in 2 open denials on 1 claim." in page
    assert "Open denials (group-CARC)" in page

    rows = table_links(html, "at-stake")
    assert [name for name, _ in rows] == ["Authorization", "Coding"]
    assert [csv_of(client, link)[0][-1] for _, link in rows] == ["$60.00", "$40.00"]
    query = parse_qs(urlsplit(rows[0][1]).query)
    assert (query["payer"], query["cause"], query["open_denials"]) == (
        ["P2"],
        ["authorization"],
        ["1"],
    )
    assert "Claims with open denials for authorization" in client.get(rows[0][1]).content.decode()


@pytest.mark.parametrize(
    ("kind", "query", "message"),
    [
        ("lines", {"underpaid": "yes"}, "underpaid takes 1 (the underpaid lines only): yes"),
        ("visits", {"underpaid": "1"}, "underpaid narrows lines lists only"),
        ("payments", {"staff": "Nobody"}, "unknown staff member: Nobody"),
        ("payments", {"staff": "x" * 101}, "not a staff member&#x27;s name"),
        ("payments", {"staff": "Jo\x07"}, "not a staff member&#x27;s name"),
        ("claims", {"staff": "Jo"}, "staff narrows payments lists only"),
        ("claims", {"open_denials": "2"}, "open_denials takes 1 (claims with open denials): 2"),
        ("claims", {"open_denials": "1", "carc": "197"}, "carc does not narrow open denials"),
        ("claims", {"open_denials": "1", "cause": "x"}, "unknown root cause: x"),
        ("lines", {"open_denials": "1"}, "open_denials narrows claims lists only"),
        ("claims", {"carc": "1;drop"}, "not a CARC: 1;drop"),
    ],
)
def test_a_wrong_parameter_is_a_400_with_its_reason(world, client_as, kind, query, message):
    client = client_as(world, "owner")
    url = reverse("dashboard-rows", args=[kind])
    response = client.get(url, {**PERIOD, **query})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "No rows in this selection." in page
    # nor a CSV of nothing
    assert client.get(url, {**PERIOD, **query, "export": "csv"}).status_code == 400


def test_pager_links_keep_the_new_parameters(world, client_as, monkeypatch):
    from analytics.dashboards.pages import drilldown

    monkeypatch.setattr(drilldown, "PAGE_SIZE", 1)
    client = client_as(world, "owner")
    for kind, extra in (
        ("lines", "underpaid=1"),
        ("payments", "staff=Jo"),
        ("claims", "open_denials=1"),
    ):
        url = reverse("dashboard-rows", args=[kind])
        page = client.get(f"{url}?start=2026-03-01&end=2026-04-30&{extra}").content.decode()
        assert f"{extra}&amp;export=csv" in page, kind
        if kind != "claims":  # one claim: one page
            assert f"{extra}&amp;page=2" in page, kind


def test_another_organizations_rows_are_never_listed(world, other_org, client_as):
    build_world(other_org, staff="Beta Desk", prefix="B")
    client = client_as(world, "owner")
    lines = csv_of(client, f"{LINES}?start=2026-03-01&end=2026-04-30")
    assert len(lines) == 9 and not any(row[CLAIM].startswith("B") for row in lines)
    assert len(csv_of(client, f"{LINES}?start=2026-03-01&end=2026-04-30&underpaid=1")) == 2
    payments = csv_of(client, f"{PAYMENTS}?start=2026-03-01&end=2026-04-30")
    assert len(payments) == 7 and not any(row[3].startswith("B") for row in payments)
    # the other organization's staff member is unknown here
    response = client.get(PAYMENTS, {**PERIOD, "staff": "Beta Desk"})
    assert response.status_code == 400
    assert "unknown staff member: Beta Desk" in response.content.decode()
    [claim] = csv_of(client, f"{CLAIMS}?start=2026-03-01&end=2026-04-30&open_denials=1")
    assert not claim[0].startswith("B") and claim[-1] == "$100.00"
    # and the other way round: beta sees its own, the same arithmetic
    beta = client_as(other_org, "owner")
    beta_lines = csv_of(beta, f"{LINES}?start=2026-03-01&end=2026-04-30&underpaid=1")
    assert len(beta_lines) == 2 and all(row[CLAIM].startswith("B") for row in beta_lines)
    assert beta.get(PAYMENTS, {**PERIOD, "staff": "Jo"}).status_code == 400


def test_the_payers_page_lists_the_largest_shortfalls_and_says_how_many_there_are(
    world, client_as, monkeypatch
):
    """Thousands of underpaid lines at 50 clinics: the page lists the largest (here the
    limit is 1 of the 2: the $50 shortfall, not L1's $5) and says how many there are."""
    from analytics.dashboards.pages import payers

    client = client_as(world, "owner")
    url = reverse("dashboard-payers")
    both = client.get(url, {**PERIOD, "export": "underpaid-lines"}).content.decode()
    assert both.count("\n") == 3  # header and both lines
    assert (
        "underpaid lines; the underpaid-lines tile" not in client.get(url, PERIOD).content.decode()
    )
    monkeypatch.setattr(payers, "UNDERPAID_LISTED", 1)
    rows = client.get(url, {**PERIOD, "export": "underpaid-lines"}).content.decode().splitlines()
    assert len(rows) == 2 and rows[1].endswith("$50.00")
    html = client.get(url, PERIOD).content.decode()
    assert "The 1 largest shortfalls of 2 underpaid lines" in html
