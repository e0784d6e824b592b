"""The Overview draws its plotly charts in a real browser, with no console errors."""

import pytest

from tests.conftest import PASSWORD
from tests.dashboards.conftest import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overview_charts_are_drawn(page, org, member):
    member(org, "owner")
    populate(org)
    page.goto("/accounts/login/")
    page.fill("#id_login", "owner@alpha.test")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto("/analytics/?start=2026-03-01&end=2026-04-30")
    page.wait_for_selector("[data-plotly][data-rendered=true]")
    charts = page.query_selector_all("[data-plotly]")
    assert len(charts) == 4
    for chart in charts:
        page.wait_for_selector(f"[data-plotly='{chart.get_attribute('data-plotly')}'] .main-svg")
        # a drawn chart has plotted marks (points or bars), not just axes
        marks = chart.query_selector_all(".scatterlayer path.point, .barlayer path")
        assert len(marks) >= 2
    page.screenshot(path="/tmp/ptrevops-overview.png", full_page=True)
    assert page.console_errors == []
