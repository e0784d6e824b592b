"""The dashboards as an owner reads them on a laptop and on a phone: a KPI value stays
inside its card whatever its size, nothing is wider than the screen, and long payer
names are cut short on chart axes (the whole name in the hover and the table)."""

import datetime
import itertools
import json
from decimal import Decimal

import pytest

from clinics.models import Clinic, Clinician
from ptrevops.tenancy.context import tenant_context
from tests.browser.conftest import sign_in
from tests.browser.test_dashboards import ALL_RENDERED, MARKS, PAGES, PERIOD
from tests.dashboards.conftest import populate_full
from tests.metrics.builders import Builder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_PAYER = "Florida Workers' Compensation Joint Underwriting Association"
# Eight figures: the A/R total KPI reads "$12,345,798.90" (with the fixture's $120 of
# other open balances).
BIG_CLAIM = Decimal("12345678.90")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Per KPI card: its value's text, the box of the text itself (a Range: the span is
# as wide as the card, its text can run past it), the card's content box and the
# value's font size.
KPI_BOXES = """() => [...document.querySelectorAll('.kpi')].map((card) => {
  const value = card.querySelector('.kpi-value');
  const range = document.createRange();
  range.selectNodeContents(value);
  const text = range.getBoundingClientRect();
  const box = card.getBoundingClientRect();
  const style = getComputedStyle(card);
  const inset = (side) =>
    parseFloat(style['padding' + side]) + parseFloat(style['border' + side + 'Width']);
  return {
    text: value.textContent,
    textLeft: text.left, textRight: text.right, textHeight: text.height,
    left: box.left + inset('Left'), right: box.right - inset('Right'),
    fontSize: parseFloat(getComputedStyle(value).fontSize),
    lineHeight: parseFloat(getComputedStyle(value).lineHeight),
  };
})"""
WIDEST = """() => ({
  page: document.documentElement.scrollWidth,
  screen: window.innerWidth,
  outside: [...document.querySelectorAll('section.card, .kpi, .filters, .subnav, [data-plotly]')]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map((element) => element.id || element.className),
})"""


def populate_big_balance(organization) -> None:
    """``populate_full`` plus an unpaid $12,345,678.90 claim (DOS 2026-04-08, North) for
    a payer with a 60-character name."""
    populate_full(organization)
    with tenant_context(organization.pk):
        b = Builder(organization)
        b._ids = itertools.count(1000)  # past the ids populate_full's builder gave out
        payer = b.payer("P3", type="workers_comp")
        payer.name = LONG_PAYER
        payer.save()
        north = Clinic.objects.get(external_id="C1")
        episode = b.episode(north, payer=payer, start_date=datetime.date(2026, 4, 1))
        visit = b.visit(episode, Clinician.objects.get(external_id="T1"), datetime.date(2026, 4, 8))
        claim = b.claim(visit, payer, BIG_CLAIM)
        b.charge(visit, "97110", 4, BIG_CLAIM, claim=claim)


def signed_in_page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    sign_in(page, "owner@alpha.test")
    return context, page


def assert_kpis_fit(page, where):
    kpis = page.evaluate(KPI_BOXES)
    assert kpis, where
    for kpi in kpis:
        label = (where, kpi["text"])
        assert kpi["textLeft"] >= kpi["left"] - 0.5, label
        assert kpi["textRight"] <= kpi["right"] + 0.5, label
        # one line, and still readable (not shrunk to nothing to fit)
        assert kpi["textHeight"] < 1.5 * kpi["lineHeight"], label
        assert kpi["fontSize"] >= 12, label
    return {kpi["text"]: kpi for kpi in kpis}


def test_ar_page_on_a_laptop_fits_an_eight_figure_total_and_long_payer_names(
    browser, live_server, org, member
):
    member(org, "owner")
    populate_big_balance(org)
    context, page = signed_in_page(browser, live_server, DESKTOP)
    page.goto("/analytics/ar/" + PERIOD)
    page.wait_for_function(ALL_RENDERED)
    kpis = assert_kpis_fit(page, "ar")
    assert "$12,345,798.90" in kpis  # the exact figure, not a rounded one
    # short values keep the full size (1.6rem)
    assert max(kpi["fontSize"] for kpi in kpis.values()) == pytest.approx(25.6)

    # A/R aging by payer: horizontal bars, one payer per row named along the left axis
    chart = page.query_selector("#payer-aging [data-plotly]")
    box = chart.bounding_box()
    ticks = [
        {"text": tick.text_content(), **tick.bounding_box()}
        for tick in chart.query_selector_all(".ytick text")
    ]
    texts = [tick["text"] for tick in ticks]
    assert "Florida Workers' Compen…" in texts, texts
    assert all(len(text) <= 24 for text in texts), texts
    for tick in ticks:  # inside the chart, not clipped at its left edge
        assert tick["x"] >= box["x"], tick
    ticks.sort(key=lambda tick: tick["y"])
    for top, bottom in zip(ticks, ticks[1:], strict=False):  # rows do not overlap
        assert top["y"] + top["height"] <= bottom["y"] + 0.5, (top, bottom)
    # the plot keeps most of the width
    plot = chart.query_selector(".nsewdrag").bounding_box()
    assert plot["width"] >= 0.55 * box["width"], (plot, box)
    # the whole name is the category, so the hover and the table show it
    figure = json.loads(page.text_content("#fig-payer-aging"))
    assert LONG_PAYER in figure["layout"]["yaxis"]["tickvals"]
    assert LONG_PAYER in page.inner_text("#payer-aging table")
    page.screenshot(path="/tmp/ptrevops-ar-laptop.png", full_page=True)
    assert page.console_errors == []
    context.close()


def test_every_dashboard_fits_a_phone(browser, live_server, org, member):
    member(org, "owner")
    populate_big_balance(org)
    context, page = signed_in_page(browser, live_server, PHONE)
    for name, (path, expected) in PAGES.items():
        page.goto(path + PERIOD)
        page.wait_for_function(ALL_RENDERED)
        widest = page.evaluate(WIDEST)
        assert widest["page"] <= widest["screen"], (name, widest)
        assert widest["outside"] == [], name
        kpis = assert_kpis_fit(page, name)
        if name == "ar":
            assert "$12,345,798.90" in kpis
        charts = page.query_selector_all("[data-plotly]")
        assert len(charts) == expected, name
        for chart in charts:
            assert len(chart.query_selector_all(MARKS)) >= 1, (name, chart.get_attribute("id"))
        page.screenshot(path=f"/tmp/ptrevops-phone-{name}.png", full_page=True)
        assert page.console_errors == [], name
    context.close()
