"""The denials endpoint: tenant and clinic scope, roles, filters, the claim's
remittances in the detail, money as strings, and a query count that does not grow
with the page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Denial
from clinics.models import AuditEvent, Clinic
from clinics.permissions import Role
from clinics.tokens import api_token_create

pytestmark = pytest.mark.django_db

DENIALS = "/api/v1/denials/"
HOUR = datetime.timedelta(hours=1)


def token_headers(organization, in_org, role=Role.BILLER) -> dict:
    with in_org(organization):
        _, key = api_token_create(name="billing-system", role=role, created_by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_token_reads_only_its_organizations_denials(org, other_org, client, make_in, in_org):
    mine = make_in(org, amount="100.00")
    theirs = make_in(other_org, amount="777.00")
    assert theirs.claim.external_id == mine.claim.external_id  # colliding external ids
    headers = token_headers(org, in_org)

    assert ids(client.get(DENIALS, **headers)) == [mine.pk]
    assert client.get(f"{DENIALS}{theirs.pk}/", **headers).status_code == 404
    assert ids(client.get(DENIALS, {"claim": mine.claim.external_id}, **headers)) == [mine.pk]


def test_a_row_names_the_claim_payer_clinic_and_age(org, client, make_in, in_org):
    denial = make_in(org, amount="123.45", age=40, payer="P9", reason="197")
    [row] = client.get(DENIALS, **token_headers(org, in_org)).json()["results"]
    assert row["claim"] == denial.claim.external_id
    assert (row["payer"], row["payer_name"]) == ("P9", "Payer P9")
    assert row["clinic"] == "C1"
    assert row["amount"] == "123.45"  # a decimal string, never a float
    assert (row["group_code"], row["reason_code"], row["root_cause"]) == (
        "CO",
        "197",
        "authorization",
    )
    assert row["cpt_code"] == "97110"
    assert row["age_days"] == 40
    assert row["status"] == "open" and row["assignee"] is None


def test_filters_by_root_cause_status_and_payer(org, client, make_in, in_org):
    auth = make_in(org, root_cause="authorization", payer="P1")
    coding = make_in(org, root_cause="coding", reason="4", payer="P2")
    done = make_in(org, root_cause="coding", reason="4", payer="P2", status="resolved")
    headers = token_headers(org, in_org)

    assert ids(client.get(DENIALS, **headers)) == [auth.pk, coding.pk, done.pk]
    assert ids(client.get(DENIALS, {"root_cause": "coding"}, **headers)) == [coding.pk, done.pk]
    to_work = {"status": ["open", "in_progress", "appealed"]}
    assert ids(client.get(DENIALS, to_work, **headers)) == [auth.pk, coding.pk]
    assert ids(client.get(DENIALS, {"payer": "P1"}, **headers)) == [auth.pk]
    bad = client.get(DENIALS, {"root_cause": "nonsense"}, **headers)
    assert bad.status_code == 400 and "root_cause" in bad.json()


def test_a_member_limited_to_a_clinic_reads_only_its_denials(org, member, client, make_in, in_org):
    north = make_in(org, clinic="C1")
    south = make_in(org, clinic="C2")
    with in_org(org):
        south_clinic = Clinic.objects.get(external_id="C2")
    client.force_login(member(org, Role.BILLER, clinics=[south_clinic]))
    assert ids(client.get(DENIALS)) == [south.pk]
    assert client.get(f"{DENIALS}{north.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN, Role.VIEWER])
def test_roles_that_do_not_work_denials_are_refused(org, client, make_in, in_org, role):
    make_in(org)
    assert client.get(DENIALS, **token_headers(org, in_org, role)).status_code == 403


def test_the_detail_has_notes_and_every_remittance_of_the_claim(org, client, make_in, in_org):
    denial = make_in(org, amount="80.00")
    with in_org(org):
        Denial.objects.filter(pk=denial.pk).update(notes="2026-11-02 biller@x: called payer")
    body = client.get(f"{DENIALS}{denial.pk}/", **token_headers(org, in_org)).json()
    with in_org(org):
        viewed = AuditEvent.objects.get(action="api.denial.retrieve")
    assert viewed.detail["ids"] == [denial.pk]
    assert viewed.detail["path"] == f"{DENIALS}{denial.pk}/"
    assert viewed.actor is None and viewed.detail["by"].startswith("API token billing-system (")
    assert body["notes"] == "2026-11-02 biller@x: called payer"
    [payment] = body["claim_payments"]
    assert payment["status_code"] == "4"
    assert payment["paid_amount"] == "0.00"
    assert payment["remittance"]["payment_date"] == body["denied_on"]
    [service] = payment["services"]
    assert service["cpt_code"] == "97110"
    assert service["charge_line"] == denial.service_payment.charge_line.external_id
    assert service["adjustments"] == [
        {"group_code": "CO", "reason_code": "197", "amount": "80.00", "quantity": None}
    ]


def test_the_list_query_count_does_not_grow_with_the_page(org, client, make_in, in_org):
    headers = token_headers(org, in_org)
    make_in(org, payer="P1")
    client.get(DENIALS, **headers)  # warm the token, session and content types
    with CaptureQueriesContext(connection) as one:
        assert len(ids(client.get(DENIALS, **headers))) == 1
    for index in range(5):
        make_in(org, payer=f"P{index + 2}", clinic="C2" if index % 2 else "C1")
    with CaptureQueriesContext(connection) as six:
        assert len(ids(client.get(DENIALS, **headers))) == 6
    assert len(one) > 3
    assert len(six) == len(one)


def test_filters_by_assignee_denial_date_and_update(org, member, client, make_in, in_org):
    biller = member(org, Role.BILLER)
    old = make_in(org, age=50)
    recent = make_in(org, age=5, assignee=biller)
    headers = token_headers(org, in_org)
    today = recent.claim_payment.remittance.payment_date + datetime.timedelta(days=5)
    cutoff = (today - datetime.timedelta(days=20)).isoformat()

    assert ids(client.get(DENIALS, {"assignee": biller.email.upper()}, **headers)) == [recent.pk]
    assert ids(client.get(DENIALS, {"denied_after": cutoff}, **headers)) == [recent.pk]
    assert ids(client.get(DENIALS, {"denied_before": cutoff}, **headers)) == [old.pk]
    with in_org(org):
        Denial.objects.filter(pk=old.pk).update(updated_at=timezone.now() + HOUR)
    later = (timezone.now() + HOUR / 2).isoformat()
    assert ids(client.get(DENIALS, {"updated_after": later}, **headers)) == [old.pk]


def test_a_limited_member_cannot_read_another_clinics_denial_detail(
    org, member, client, make_in, in_org
):
    north = make_in(org, clinic="C1")
    with in_org(org):
        south_clinic = Clinic.objects.get(external_id="C2")
    client.force_login(member(org, Role.BILLER, clinics=[south_clinic]))
    assert client.get(f"{DENIALS}{north.pk}/").status_code == 404
