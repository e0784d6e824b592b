"""Issue 5 in a real browser: a KPI tile opens the rows behind its number (as many rows
as the number counts), its circled i opens the definition, and the Overview's clinic table keeps
one line per clinic — long names cut short — on a laptop and on a phone."""

import pytest

from clinics.models import Clinic
from ptrevops.tenancy.context import tenant_context
from tests.browser.test_dashboards import ALL_RENDERED, PERIOD
from tests.browser.test_layout import WIDEST, assert_kpis_fit, signed_in_page
from tests.dashboards.conftest import populate_full

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LONG_CLINIC = "Alpha PT Northwest Suburban Sports Medicine & Orthopedic Rehabilitation Clinic"

# Per row of a panel's table: its height, and its first cell's label (text, title, and
# whether the text is cut short).
TABLE_ROWS = """(panel) => [...document.querySelectorAll(`#${panel} tbody tr`)].map((row) => {
  const label = row.querySelector('.cell-label');
  return {
    height: row.getBoundingClientRect().height,
    text: label.textContent,
    title: label.getAttribute('title'),
    cut: label.scrollWidth > label.clientWidth,
    labelHeight: label.getBoundingClientRect().height,
    lineHeight: parseFloat(getComputedStyle(label).lineHeight),
  };
})"""


def populate_long_names(organization) -> None:
    populate_full(organization)
    with tenant_context(organization.pk):
        Clinic.objects.filter(external_id="C1").update(name=LONG_CLINIC)


def assert_one_line_rows(page, panel: str):
    rows = page.evaluate(TABLE_ROWS, panel)
    assert len(rows) == 2, rows
    heights = {round(row["height"]) for row in rows}
    assert len(heights) == 1, rows  # the long name's row is as high as the short one's
    for row in rows:
        assert row["labelHeight"] < 1.5 * row["lineHeight"], row  # one line
    long = next(row for row in rows if row["text"] == LONG_CLINIC)
    assert long["cut"], long  # cut short with an ellipsis…
    assert long["title"].startswith(LONG_CLINIC), long  # …the whole name in its title
    return rows


def test_a_kpi_tile_opens_the_rows_behind_its_number(browser, live_server, org, member):
    member(org, "owner")
    populate_long_names(org)
    context, page = signed_in_page(browser, live_server, LAPTOP)
    page.goto("/analytics/" + PERIOD)
    page.wait_for_function(ALL_RENDERED)
    assert_kpis_fit(page, "overview")
    assert_one_line_rows(page, "clinic-ncrpv")
    page.screenshot(path="/tmp/ui-overview-laptop.png", full_page=True)
    page.locator(".kpis").screenshot(path="/tmp/ui-overview-laptop-kpis.png")
    page.locator("#clinic-ncrpv").screenshot(path="/tmp/ui-overview-laptop-clinics.png")

    visits = page.inner_text("#kpi-visits .kpi-value")
    assert visits == "8"
    # a click anywhere on the tile (here: on its title) follows the tile's link
    page.click("#kpi-visits", position={"x": 20, "y": 15})
    page.wait_for_url("**/analytics/rows/visits/**")
    assert page.inner_text("h1") == "Rows: Visits"
    listed = page.query_selector_all("table.data tbody tr")
    assert len(listed) == int(visits)
    assert f"{visits} rows." in page.inner_text("section.card")
    page.screenshot(path="/tmp/ui-rows-visits.png", full_page=True)

    # the denial rate tile: its claims, 1 of them denied (12.5%)
    page.go_back()
    page.wait_for_function(ALL_RENDERED)
    assert page.inner_text("#kpi-denial_rate .kpi-value") == "12.5%"
    page.click("#kpi-denial_rate .kpi-value")
    page.wait_for_url("**/analytics/rows/claims/**")
    claims = page.evaluate(
        """() => [...document.querySelectorAll('table.data tbody tr')]
            .map((row) => row.cells[10].textContent)"""
    )
    assert len(claims) == 8 and claims.count("yes") == 1

    # the circled i opens the definition instead
    page.go_back()
    page.wait_for_function(ALL_RENDERED)
    page.click("#kpi-ncrpv .kpi-definition")
    page.wait_for_url("**/analytics/definitions/#ncrpv")
    assert page.is_visible("dt#ncrpv")
    assert page.console_errors == []
    context.close()


def test_overview_on_a_phone_keeps_one_line_per_clinic(browser, live_server, org, member):
    member(org, "owner")
    populate_long_names(org)
    context, page = signed_in_page(browser, live_server, PHONE)
    page.goto("/analytics/" + PERIOD)
    page.wait_for_function(ALL_RENDERED)
    widest = page.evaluate(WIDEST)
    assert widest["page"] <= widest["screen"], widest
    assert widest["outside"] == [], widest
    assert_kpis_fit(page, "overview")
    assert_one_line_rows(page, "clinic-ncrpv")
    assert_one_line_rows(page, "clinic-utilization")
    page.screenshot(path="/tmp/ui-overview-phone.png", full_page=True)
    page.screenshot(path="/tmp/ui-overview-phone-top.png")
    page.locator("#clinic-ncrpv").screenshot(path="/tmp/ui-overview-phone-clinics.png")
    # tapping a tile works on a phone too
    page.click("#kpi-referrals_received")
    page.wait_for_url("**/analytics/rows/referrals/**")
    assert len(page.query_selector_all("table.data tbody tr")) == 2
    page.screenshot(path="/tmp/ui-rows-referrals-phone.png", full_page=True)
    assert page.console_errors == []
    context.close()


# Per row of a drill-down list: its height, and per cell its text, title, whether the
# text is cut short and its height against the line height.
LIST_ROWS = """() => [...document.querySelectorAll('.rows-table tbody tr')].map((row) => ({
  height: row.getBoundingClientRect().height,
  cells: [...row.querySelectorAll('.cell-text')].map((cell) => ({
    text: cell.textContent,
    title: cell.getAttribute('title'),
    cut: cell.scrollWidth > cell.clientWidth,
    height: cell.getBoundingClientRect().height,
    lineHeight: parseFloat(getComputedStyle(cell).lineHeight),
  })),
}))"""


def test_the_underpaid_number_opens_as_many_underpaid_lines(browser, live_server, org, member):
    """Payers → the underpaid-lines tile → the lines list: the same count, one line per
    row (the long payer and clinic names cut short, whole in their titles)."""
    from tests.dashboards.test_drill_lines_payments import build_world

    member(org, "owner")
    build_world(org)
    with tenant_context(org.pk):
        Clinic.objects.filter(external_id="C1").update(name=LONG_CLINIC)
    context, page = signed_in_page(browser, live_server, LAPTOP)
    page.goto("/analytics/payers/" + PERIOD)
    page.wait_for_function(ALL_RENDERED)
    assert_kpis_fit(page, "payers")
    page.screenshot(path="/tmp/ui2-payers-laptop.png", full_page=True)
    underpaid = page.inner_text("#kpi-underpaid_lines .kpi-value")
    assert underpaid == "2"
    page.click("#kpi-underpaid_lines .kpi-value")
    page.wait_for_url("**/analytics/rows/lines/**underpaid=1**")
    assert page.inner_text("h2") == "Charge lines that were underpaid"
    rows = page.evaluate(LIST_ROWS)
    assert len(rows) == int(underpaid)
    assert f"{underpaid} rows." in page.inner_text("section.card")
    assert "Underpaid: 2 lines, $55.00 short." in page.inner_text("section.card")
    assert len({round(row["height"]) for row in rows}) == 1, rows  # all one line high
    for row in rows:
        for cell in row["cells"]:
            assert cell["height"] < 1.5 * cell["lineHeight"], cell
    cells = [cell for row in rows for cell in row["cells"]]
    for name in (LONG_CLINIC, "Aetna Open Access Managed Choice POS II"):
        cell = next(cell for cell in cells if cell["text"] == name)
        assert cell["cut"] and cell["title"] == name, cell
    assert all(cell["title"] is None for cell in cells if cell["text"] in ("yes", "$5.00"))
    page.screenshot(path="/tmp/ui2-rows-lines-underpaid.png", full_page=True)

    # the whole list, the staff member's copays and the open denials, for a look
    page.goto("/analytics/rows/lines/" + PERIOD)
    page.screenshot(path="/tmp/ui2-rows-lines.png", full_page=True)
    page.goto("/analytics/copays/" + PERIOD)
    page.wait_for_function(ALL_RENDERED)
    page.click("#staff-copays a.cell-label >> text=Jo")
    page.wait_for_url("**/analytics/rows/payments/**staff=Jo**")
    assert len(page.query_selector_all(".rows-table tbody tr")) == 2
    page.screenshot(path="/tmp/ui2-rows-payments-jo.png", full_page=True)
    page.goto("/analytics/denials/" + PERIOD)
    page.wait_for_function(ALL_RENDERED)
    page.click("#kpi-denial_dollars_at_stake .kpi-value")
    page.wait_for_url("**/analytics/rows/claims/**open_denials=1**")
    assert "At stake: $100.00" in page.inner_text("section.card")
    page.screenshot(path="/tmp/ui2-rows-open-denials.png", full_page=True)
    assert page.console_errors == []
    context.close()

    context, page = signed_in_page(browser, live_server, PHONE)
    page.goto("/analytics/rows/lines/" + PERIOD)
    widest = page.evaluate(WIDEST)
    assert widest["page"] <= widest["screen"], widest
    rows = page.evaluate(LIST_ROWS)
    assert len(rows) == 9 and len({round(row["height"]) for row in rows}) == 1, rows
    page.screenshot(path="/tmp/ui2-rows-lines-phone.png", full_page=True)
    context.close()
