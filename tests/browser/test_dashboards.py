"""Every dashboard draws its plotly charts in a real browser, with no console errors."""

import pytest

from tests.browser.conftest import sign_in
from tests.dashboards.conftest import populate_full

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "?start=2026-03-01&end=2026-04-30"
# page path → number of charts drawn from the fixture
PAGES = {
    "overview": ("/analytics/", 4),
    "referrals": ("/analytics/referrals/", 6),
    "episodes": ("/analytics/episodes/", 7),
    "schedule": ("/analytics/schedule/", 6),
    "payers": ("/analytics/payers/", 5),
    "denials": ("/analytics/denials/", 6),
    "ar": ("/analytics/ar/", 4),
    "copays": ("/analytics/copays/", 3),
}
MARKS = ".scatterlayer path.point, .barlayer path, .heatmaplayer image"
ALL_RENDERED = """() => {
  const charts = [...document.querySelectorAll('[data-plotly]')];
  return charts.every((chart) => chart.dataset.rendered === 'true');
}"""


def test_every_dashboard_draws_its_charts(page, org, member):
    member(org, "owner")
    populate_full(org)
    sign_in(page, "owner@alpha.test")
    for name, (path, expected) in PAGES.items():
        page.goto(path + PERIOD)
        page.wait_for_function(ALL_RENDERED)
        charts = page.query_selector_all("[data-plotly]")
        assert len(charts) == expected, name
        for chart in charts:
            chart_id = chart.get_attribute("data-plotly")
            assert chart.get_attribute("data-rendered") == "true", (name, chart_id)
            # a drawn chart has plotted marks (points, bars or heatmap cells), not just axes
            assert len(chart.query_selector_all(MARKS)) >= 1, (name, chart_id)
        page.screenshot(path=f"/tmp/ptrevops-{name}.png", full_page=True)
        assert page.console_errors == [], name
    # a drill-down page: the rows behind a clinic's March, from a table link
    page.goto("/analytics/schedule/" + PERIOD)
    page.click("#clinic-month-rates tbody tr:first-child a")
    page.wait_for_selector("table.data tbody tr")
    assert "Rows: Appointments" in page.inner_text("h1")
    assert len(page.query_selector_all("table.data tbody tr")) == 6
    page.screenshot(path="/tmp/ptrevops-rows.png", full_page=True)
    assert page.console_errors == []
