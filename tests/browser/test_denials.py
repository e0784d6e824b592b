"""The biller's denial work queue in a real browser: the nav link, the queue with its
root-cause totals, a click through to a denial, assign it and add a note."""

import pytest

from billing.models import Denial
from ptrevops.tenancy.context import tenant_context
from tests.browser.conftest import sign_in
from tests.denials.conftest import DenialMaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
SHOTS = "/tmp/helper_denials"


def test_queue_to_detail_to_assign(page, org, member):
    biller = member(org, "biller")
    manager = member(org, "manager")
    with tenant_context(org.pk):
        maker = DenialMaker(org)
        maker.payer("P1", "Blue Cross Blue Shield of Somewhere")
        maker.payer("P2", "Medicare")
        target = maker.make(payer="P2", amount="412.50", age=64)
        maker.make(payer="P1", root_cause="coding", reason="97", amount="80.00", age=12)
        maker.make(payer="P1", root_cause="eligibility", reason="27", amount="95.00", age=33)
        maker.make(payer="P2", amount="60.00", age=101, assignee=biller, status="in_progress")
        maker.make(payer="P1", amount="999.00", status="resolved")

    page.set_viewport_size(LAPTOP)
    sign_in(page, biller.email)

    page.click("nav.mainnav >> text=Denials")
    page.wait_for_url("**/denials/")
    assert page.inner_text("h1") == "Denials"
    assert page.inner_text("#cause-all .kpi-value") == "4"
    assert page.inner_text("#cause-authorization .kpi-prior") == "$472.50"
    assert len(page.query_selector_all("table.denial-queue tbody tr")) == 4
    page.screenshot(path=f"{SHOTS}/queue.png", full_page=True)

    # the authorization tile filters; sort by amount, largest first
    page.click("#cause-authorization")
    page.wait_for_url("**root_cause=authorization**")
    assert len(page.query_selector_all("table.denial-queue tbody tr")) == 2
    page.click("#sort-amount")
    page.wait_for_url("**sort=-amount**")
    first = page.query_selector("table.denial-queue tbody tr")
    assert "$412.50" in first.inner_text()

    first.query_selector("a").click()
    page.wait_for_url(f"**/denials/{target.pk}/")
    assert "Remittances (1)" in page.inner_text("#remittances")
    page.select_option("#id_assignee", str(manager.pk))
    page.click("#assign-form button")
    page.wait_for_url(f"**/denials/{target.pk}/")
    assert page.inner_text(".messages") == "Assigned to manager@alpha.test."
    assert page.inner_text("#denial-assignee") == "manager@alpha.test"
    page.fill("#id_text", "Faxed the authorization to the payer.")
    page.click("#note-form button")
    page.wait_for_selector("text=Note added.")
    page.click("#status-form button[value=appealed]")
    page.wait_for_selector("text=Status: Appealed.")
    notes = page.inner_text("#denial-notes")
    assert "assigned to manager@alpha.test." in notes
    assert "Faxed the authorization to the payer." in notes
    assert "status open → appealed." in notes
    page.screenshot(path=f"{SHOTS}/detail.png", full_page=True)
    assert page.console_errors == []

    with tenant_context(org.pk):
        saved = Denial.objects.get(pk=target.pk)
    assert (saved.assignee_id, saved.status) == (manager.pk, "appealed")
