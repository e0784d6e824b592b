"""The API's docs page renders Swagger UI from the app's own static files (no CDN,
under the strict CSP) and lists the endpoints."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_offline(page, org, member):
    sign_in(page, member(org, "owner").email)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "ptrevops API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/visits/")
    assert page.is_visible("text=/api/v1/copays/")
    assert page.console_errors == []
    base = page.url.split("/api/docs/")[0]
    assert [url for url in requested if not url.startswith(base)] == []
