"""The metrics API and command: the JSON shape, tenant isolation, bad input."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from analytics.metrics import METRIC_NAMES
from clinics.choices import Role
from clinics.tokens import api_token_create
from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder, D

URL = "/api/v1/metrics/?start=2026-02-01&end=2026-02-28"


def _one_visit(organization, amount: str) -> None:
    """A February visit at clinic C1 with one charge of ``amount`` (same ids in every org)."""
    with tenant_context(organization.pk):
        b = Builder(organization)
        clinic = b.clinic("C1")
        payer = b.payer("P1")
        visit = b.visit(b.episode(clinic, payer=payer), b.clinician("T1", clinic), D(2026, 2, 9))
        b.charge(visit, "97110", 1, amount, claim=b.claim(visit, payer, amount))


@pytest.fixture
def two_orgs(org, other_org):
    _one_visit(org, "100.00")
    _one_visit(other_org, "999.00")
    return org, other_org


@pytest.mark.django_db
def test_json_shape(two_orgs, client_as):
    org, _ = two_orgs
    document = client_as(org, Role.OWNER).get(URL + "&group_by=clinic").json()
    assert document["organization"] == "alpha"
    assert (document["start"], document["end"]) == ("2026-02-01", "2026-02-28")
    assert document["filters"]["clinic"] == []
    assert list(document["metrics"]) == list(METRIC_NAMES)
    metrics = document["metrics"]
    assert metrics["gross_charges"] == {"value": "100.00"}  # money: a string, 2 places
    assert metrics["visits"] == {"value": 1}
    # a ratio: value, numerator, denominator; null when the denominator is 0
    assert metrics["units_per_visit"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert metrics["denial_rate"] == {"value": None, "numerator": 0, "denominator": 0}
    assert metrics["ncrpv"]["maturity"] == {"value": 0.0, "numerator": 0, "denominator": 1}
    assert metrics["expected_allowed"] == {"value": "0.00", "lines_no_contract_rate": 1}
    assert metrics["payer_yield"]["lines_denied"] == 0
    assert set(metrics["ar_aging"]["buckets"]) == {"0-30", "31-60", "61-90", "91-120", "120+"}
    assert [group["group"] for group in document["groups"]] == ["C1"]
    assert list(document["groups"][0]["metrics"]) == list(METRIC_NAMES)


@pytest.mark.django_db
def test_api_isolation_session_and_token(two_orgs, client, client_as):
    org, other_org = two_orgs
    # org A's owner sees only org A: one visit, $100 (org B has $999 under the same ids)
    metrics = client_as(org, Role.OWNER).get(URL + "&clinic=C1").json()["metrics"]
    assert metrics["visits"] == {"value": 1}
    assert metrics["gross_charges"] == {"value": "100.00"}
    client.logout()
    # an org B token sees only org B
    with tenant_context(other_org.pk):
        _, key = api_token_create(name="bi", role=Role.VIEWER, created_by=None)
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["organization"] == "beta"
    assert response.json()["metrics"]["gross_charges"] == {"value": "999.00"}


@pytest.mark.django_db
def test_api_permissions_and_bad_input(two_orgs, client, client_as):
    org, _ = two_orgs
    assert client.get(URL).status_code in (401, 403)  # anonymous
    assert client_as(org, Role.BILLER).get(URL).status_code == 403  # no dashboards
    viewer = client_as(org, Role.VIEWER)
    assert viewer.get(URL).status_code == 200
    assert viewer.get("/api/v1/metrics/?start=2026-02-01").status_code == 400
    assert viewer.get(URL + "&group_by=year").status_code == 400
    bad = viewer.get(URL + "&payer=NOT-A-PAYER")
    assert bad.status_code == 400
    assert "NOT-A-PAYER" in bad.json()["detail"]


@pytest.mark.django_db
def test_command_json_and_isolation(two_orgs):
    out = io.StringIO()
    call_command(
        "metrics",
        "--org",
        "alpha",
        "--start",
        "2026-02-01",
        "--end",
        "2026-02-28",
        "--clinic",
        "C1",
        "--format",
        "json",
        stdout=out,
    )
    document = json.loads(out.getvalue())
    assert document["organization"] == "alpha"
    assert document["filters"]["clinic"] == ["C1"]
    assert document["metrics"]["gross_charges"] == {"value": "100.00"}
    out = io.StringIO()
    call_command(
        "metrics",
        "--org",
        "beta",
        "--start",
        "2026-02-01",
        "--end",
        "2026-02-28",
        "--group-by",
        "month",
        "--format",
        "json",
        stdout=out,
    )
    document = json.loads(out.getvalue())
    assert document["metrics"]["gross_charges"] == {"value": "999.00"}
    assert [group["group"] for group in document["groups"]] == ["2026-02"]
    # the readable table
    out = io.StringIO()
    call_command(
        "metrics", "--org", "alpha", "--start", "2026-02-01", "--end", "2026-02-28", stdout=out
    )
    assert "gross_charges" in out.getvalue() and "100.00" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--org", "nobody", "--start", "2026-02-01", "--end", "2026-02-28"], "no organization"),
        (["--org", "alpha", "--start", "2026-02-31", "--end", "2026-03-01"], "not a date"),
        (["--org", "alpha", "--start", "2026-03-01", "--end", "2026-02-01"], "after"),
        (
            ["--org", "alpha", "--start", "2026-02-01", "--end", "2026-02-28", "--clinic", "X9"],
            "unknown clinic",
        ),
    ],
)
def test_command_bad_input(two_orgs, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("metrics", *arguments, stdout=io.StringIO())
