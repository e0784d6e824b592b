"""The read-only record endpoints (referrals, episodes, appointments, visits, payers,
claims, remittances): tenant and clinic scope with colliding external ids, roles,
nested detail, filters, money as strings, and a query count constant in page size."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics.models import AuditEvent, Clinic
from clinics.permissions import Role
from clinics.tokens import api_token_create
from ptrevops.tenancy.context import tenant_context
from tests.metrics.builders import Builder

pytestmark = pytest.mark.django_db

D = datetime.date
ENDPOINTS = ["referrals", "episodes", "appointments", "visits", "payers", "claims", "remittances"]


class Group:
    """One organization's records: ``claims(n)`` adds n billed, paid visits."""

    def __init__(self, organization) -> None:
        self.organization = organization
        with tenant_context(organization.pk):
            self.b = Builder(organization)
            self.north = Clinic.objects.get(external_id="C1")
            self.south = Clinic.objects.get(external_id="C2")
            self.payer = self.b.payer("P1")
            self.source = self.b.source("RS1")
            self.clinicians = {
                clinic.pk: self.b.clinician(f"T-{clinic.external_id}", clinic)
                for clinic in (self.north, self.south)
            }

    def claims(self, count: int, clinic=None, on=None):
        made = []
        on = on or D(2026, 3, 2)
        with tenant_context(self.organization.pk):
            clinic = clinic or self.north
            for index in range(count):
                referral = self.b.referral(clinic, on, source=self.source)
                episode = self.b.episode(clinic, referral=referral, payer=self.payer)
                day = on + datetime.timedelta(days=index)
                visit = self.b.visit(episode, self.clinicians[clinic.pk], day)
                claim = self.b.claim(visit, self.payer, "150.00", submitted_on=day)
                line = self.b.charge(visit, "97110", 2, "150.00", claim=claim)
                remittance = self.b.remittance(day + datetime.timedelta(days=20), payer=self.payer)
                payment = self.b.clp(remittance, claim, "1", "90.00")
                service = self.b.svc(payment, line, "90.00")
                self.b.cas(payment, "CO", "45", "60.00", service=service)
                self.b.plb(remittance, "-5.00")
                made.append(claim)
        return made


@pytest.fixture
def group(org):
    return Group(org)


def headers_for(organization, role=Role.VIEWER) -> dict:
    with tenant_context(organization.pk):
        _, key = api_token_create(name="warehouse", role=role, created_by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_token_reads_only_its_organization(org, other_org, group, client, endpoint):
    group.claims(1)
    theirs = Group(other_org)
    theirs.claims(1)  # the same builder: the same external ids in both organizations
    mine = rows(client.get(f"/api/v1/{endpoint}/", **headers_for(org)))
    other = rows(client.get(f"/api/v1/{endpoint}/", **headers_for(other_org)))
    assert len(mine) == len(other) == 1
    assert mine[0]["id"] != other[0]["id"]
    response = client.get(f"/api/v1/{endpoint}/{other[0]['id']}/", **headers_for(org))
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_query_count_does_not_grow_with_the_page(org, group, client, endpoint):
    headers = headers_for(org)
    group.claims(1)
    client.get(f"/api/v1/{endpoint}/", **headers)
    with CaptureQueriesContext(connection) as one:
        assert len(rows(client.get(f"/api/v1/{endpoint}/", **headers))) == 1
    group.claims(4, clinic=group.south, on=D(2026, 4, 1))
    if endpoint == "payers":  # the claims share one payer
        with tenant_context(org.pk):
            for index in range(4):
                group.b.payer(f"P{index + 2}")
    with CaptureQueriesContext(connection) as five:
        assert len(rows(client.get(f"/api/v1/{endpoint}/", **headers))) == 5
    assert len(one) > 3, [q["sql"][:60] for q in one.captured_queries]
    assert len(five) == len(one), endpoint


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN])
def test_roles_without_record_access_are_refused(org, group, client, role):
    for endpoint in ENDPOINTS:
        response = client.get(f"/api/v1/{endpoint}/", **headers_for(org, role))
        assert response.status_code == 403, endpoint


def test_a_member_limited_to_a_clinic_reads_only_its_records(org, group, member, client):
    group.claims(1, clinic=group.north)
    [south_claim] = group.claims(1, clinic=group.south)
    client.force_login(member(org, Role.BILLER, clinics=[group.south]))
    for endpoint in ("referrals", "episodes", "appointments", "visits", "claims"):
        listed = rows(client.get(f"/api/v1/{endpoint}/"))
        assert [row["clinic"] for row in listed] == ["C2"], endpoint
    assert rows(client.get("/api/v1/claims/"))[0]["id"] == south_claim.pk
    north_claim = rows(client.get("/api/v1/claims/", **headers_for(org)))[0]
    assert north_claim["clinic"] == "C1"
    assert client.get(f"/api/v1/claims/{north_claim['id']}/").status_code == 404
    assert client.get(f"/api/v1/claims/{north_claim['id']}/payments/").status_code == 404
    refused = client.get("/api/v1/remittances/")
    assert refused.status_code == 403 and "every clinic" in refused.json()["detail"]
    assert len(rows(client.get("/api/v1/payers/"))) == 1  # payers belong to no clinic


def test_a_claim_has_its_charges_and_every_payment(org, group, client):
    [claim] = group.claims(1)
    headers = headers_for(org)
    body = client.get(f"/api/v1/claims/{claim.pk}/", **headers).json()
    assert body["billed_amount"] == "150.00"
    assert (body["payer"], body["clinic"]) == ("P1", "C1")
    assert [(c["cpt_code"], c["units"], c["charge_amount"]) for c in body["charges"]] == [
        ("97110", 2, "150.00")
    ]
    [payment] = client.get(f"/api/v1/claims/{claim.pk}/payments/", **headers).json()
    assert (payment["status_code"], payment["paid_amount"]) == ("1", "90.00")
    assert payment["services"][0]["adjustments"] == [
        {"group_code": "CO", "reason_code": "45", "amount": "60.00", "quantity": None}
    ]


def test_a_remittance_has_its_plb_and_claim_payments(org, group, client):
    [claim] = group.claims(1)
    headers = headers_for(org)
    [listed] = rows(client.get("/api/v1/remittances/", **headers))
    assert listed["provider_adjustments"][0]["amount"] == "-5.00"
    url = f"/api/v1/remittances/{listed['id']}/claim-payments/"
    [payment] = rows(client.get(url, **headers))
    assert payment["claim"] == claim.external_id
    assert payment["services"][0]["paid_amount"] == "90.00"


def test_filters_narrow_by_date_clinic_and_external_id(org, group, client):
    group.claims(2, clinic=group.north, on=D(2026, 3, 2))
    group.claims(1, clinic=group.south, on=D(2026, 5, 4))
    headers = headers_for(org)

    def count(endpoint, **query):
        return len(rows(client.get(f"/api/v1/{endpoint}/", query, **headers)))

    assert count("visits", served_after="2026-05-01") == 1
    assert count("visits", clinic="C1") == 2
    assert count("appointments", date="2026-03-03") == 1
    assert count("claims", submitted_before="2026-03-31", payer="P1") == 2
    assert count("claims", payer="nobody") == 0
    assert count("remittances", paid_after="2026-05-01") == 1
    assert count("referrals", source="RS1") == 3
    bad = client.get("/api/v1/visits/", {"served_after": "2026-13-45"}, **headers)
    assert bad.status_code == 400 and "served_after" in bad.json()


def test_every_read_is_audited_with_who_and_which_ids(org, group, client):
    claims = group.claims(2)
    headers = headers_for(org)
    assert len(rows(client.get("/api/v1/claims/", {"payer": "P1"}, **headers))) == 2
    assert client.get(f"/api/v1/claims/{claims[0].pk}/", **headers).status_code == 200
    with tenant_context(org.pk):
        events = list(AuditEvent.objects.filter(action__startswith="api.claim.").order_by("pk"))
    assert [event.action for event in events] == ["api.claim.list", "api.claim.retrieve"]
    assert events[0].detail["ids"] == [claim.pk for claim in claims]
    assert events[0].detail["path"] == "/api/v1/claims/?payer=P1"
    assert events[1].detail["ids"] == [claims[0].pk]
    assert all(e.actor is None and e.detail["by"].startswith("API token warehouse") for e in events)
