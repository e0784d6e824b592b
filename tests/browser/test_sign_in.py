"""A user signs in through the real login page and lands on the organization home."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_signs_in_and_sees_the_organization_home(page, org, member):
    member(org, "owner")
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.fill("#id_login", "owner@alpha.test")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Alpha PT"
    assert "Alpha PT North" in page.inner_text("table.data")
    assert page.console_errors == []


def test_wrong_password_shows_an_error(page, org, member):
    member(org, "owner")
    page.goto("/accounts/login/")
    page.fill("#id_login", "owner@alpha.test")
    page.fill("#id_password", "not the password")
    page.click("button[type=submit]")
    assert "not correct" in page.content()
