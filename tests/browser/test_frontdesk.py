"""The front desk in a real browser: the nav link, today's schedule with a warning
badge, and a copay logged by typing an amount and pressing Enter."""

import datetime

import pytest

from billing.models import PatientPayment
from ptrevops.tenancy.context import tenant_context
from tests.browser.conftest import sign_in
from tests.frontdesk.conftest import DeskMaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
SHOTS = "/tmp/helper_frontdesk"
DAY = datetime.timedelta(days=1)


def test_front_desk_logs_a_copay(page, org, member):
    desk_user = member(org, "front_desk")
    with tenant_context(org.pk):
        desk = DeskMaker(org)
        today = desk.today
        ada = desk.patient("MRN-1001", "Ada", "Lovelace")
        desk.b.eligibility(ada, desk.payer, "35.00")
        desk.authorization(ada, today - 30 * DAY, today + 60 * DAY, visits=12)
        target = desk.appointment(patient=ada, at=datetime.time(9, 30))
        grace = desk.patient("MRN-1002", "Grace", "Hopper")
        desk.b.eligibility(grace, desk.payer, "20.00")
        desk.authorization(grace, today - 90 * DAY, today - 4 * DAY)
        desk.appointment(patient=grace, at=datetime.time(10, 15))
        alan = desk.patient("MRN-1003", "Alan", "Turing")
        desk.b.eligibility(alan, desk.payer, "15.00")
        desk.authorization(alan, today - 30 * DAY, today + 2 * DAY, visits=12)
        desk.appointment(patient=alan, at=datetime.time(11))
        desk.appointment(
            patient=desk.patient("MRN-1004", "Edsger", "Dijkstra"), at=datetime.time(14)
        )

    page.set_viewport_size(LAPTOP)
    sign_in(page, desk_user.email)

    page.click("nav.mainnav >> text=Front desk")
    page.wait_for_url("**/front-desk/")
    assert page.inner_text("h1") == "Front desk"
    assert len(page.query_selector_all("table.frontdesk-schedule tbody tr")) == 4
    assert page.inner_text("#fd-warnings .kpi-value") == "2"
    badges = page.locator(".badge-warning").all_inner_texts()
    assert badges == [
        f"Authorization expired {(today - 4 * DAY).isoformat()}",
        "No authorization on file",
    ]
    assert page.locator(".badge-notice").count() == 1
    row = f"#appt-{target.pk}"
    assert page.input_value(f"#amount-{target.pk}") == "35.00"
    page.screenshot(path=f"{SHOTS}/schedule.png", full_page=True)

    # type an amount, press Enter
    page.fill(f"#amount-{target.pk}", "20")
    page.press(f"#amount-{target.pk}", "Enter")
    page.wait_for_selector("text=Copay of $20.00 (card) logged for Lovelace, Ada.")
    assert page.inner_text(f"{row} .copay-collected") == "$20.00"
    assert page.inner_text(f"{row} .copay-to-collect") == "$15.00"
    assert page.input_value(f"#amount-{target.pk}") == "15.00"
    page.screenshot(path=f"{SHOTS}/logged.png", full_page=True)

    # a bad amount is refused with a message
    page.fill(f"#amount-{target.pk}", "0")
    page.press(f"#amount-{target.pk}", "Enter")
    page.wait_for_selector("text=Not saved. The amount must be more than $0.00.")
    page.screenshot(path=f"{SHOTS}/refused.png", full_page=True)

    # yesterday: no copay form
    page.click("#day-previous")
    page.wait_for_url("**date=**")
    assert page.locator(".copay-form").count() == 0
    page.screenshot(path=f"{SHOTS}/yesterday.png", full_page=True)
    assert page.console_errors == []

    with tenant_context(org.pk):
        [payment] = PatientPayment.objects.all()
    assert (payment.patient_id, payment.amount, payment.method) == (ada.pk, 20, "card")
