"""The copays endpoint: logging through the API is the desk's copay_log (same
refusals), named after the token; reads scoped to the organization and the
member's clinics."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import PatientPayment
from clinics.models import AuditEvent, Clinic
from clinics.permissions import Role
from clinics.tokens import api_token_create

pytestmark = pytest.mark.django_db

COPAYS = "/api/v1/copays/"
DAY = datetime.timedelta(days=1)


def token_headers(organization, in_org, role=Role.FRONT_DESK, name="kiosk") -> dict:
    with in_org(organization):
        _, key = api_token_create(name=name, role=role, created_by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, headers, appointment, amount="25.00", method="card"):
    payload = {"appointment": appointment.pk, "amount": amount, "method": method}
    return client.post(COPAYS, payload, content_type="application/json", **headers)


def test_a_token_logs_a_copay_for_todays_appointment(org, desk, client, in_org):
    with in_org(org):
        patient = desk.patient("PA", "Ada", "Lovelace")
        appointment = desk.appointment(patient=patient)
    headers = token_headers(org, in_org)

    response = post(client, headers, appointment, amount="$25")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "25.00"
    assert body["patient"] == "PA"
    assert body["appointment"] == appointment.pk
    assert body["collected_on"] == desk.today.isoformat()
    assert body["collected_by"].startswith("API token kiosk (")
    with in_org(org):
        payment = PatientPayment.objects.get(pk=body["id"])
        event = AuditEvent.objects.get(action="copay.logged", object_id=str(payment.pk))
    assert (payment.kind, payment.amount, payment.method) == ("copay", Decimal("25.00"), "card")
    assert event.actor is None and event.detail["by"] == body["collected_by"]

    listed = client.get(COPAYS, {"collected_on": desk.today.isoformat()}, **headers).json()
    assert [row["id"] for row in listed["results"]] == [payment.pk]
    by_appointment = client.get(COPAYS, {"appointment": appointment.pk}, **headers)
    assert [row["id"] for row in by_appointment.json()["results"]] == [payment.pk]
    other = client.get(COPAYS, {"appointment": appointment.pk + 1000}, **headers)
    assert other.json()["results"] == []


def test_the_desks_refusals_come_back_as_400_with_the_reason(org, desk, client, in_org):
    with in_org(org):
        today = desk.appointment()
        tomorrow = desk.appointment(on=desk.today + DAY)
        cancelled = desk.appointment(status="cancelled")
    headers = token_headers(org, in_org)

    for appointment, amount, reason in [
        (today, "1e2", "is not an amount"),
        (today, "0", "more than $0.00"),
        (tomorrow, "25.00", "on the day of the visit"),
        (cancelled, "25.00", "no copay is due"),
    ]:
        response = post(client, headers, appointment, amount=amount)
        assert response.status_code == 400, (amount, response.content)
        assert reason in response.json()["detail"]
    assert post(client, headers, today).status_code == 201
    again = post(client, headers, today)  # a retried request: one copay
    assert again.status_code == 400 and "was just logged" in again.json()["detail"]
    bad_method = post(client, headers, today, method="barter")
    assert bad_method.status_code == 400 and "method" in bad_method.json()
    with in_org(org):
        assert PatientPayment.objects.filter(appointment_id=today.pk).count() == 1


def test_another_organizations_appointment_is_not_found(
    org, other_org, desk, other_desk, client, in_org
):
    with in_org(other_org):
        theirs = other_desk.appointment()
    response = post(client, token_headers(org, in_org), theirs)
    assert response.status_code == 404
    with in_org(other_org):
        assert not PatientPayment.objects.filter(appointment_id=theirs.pk).exists()


@pytest.mark.parametrize("role", [Role.BILLER, Role.VIEWER])
def test_roles_without_the_front_desk_are_refused(org, desk, client, in_org, role):
    with in_org(org):
        appointment = desk.appointment()
    headers = token_headers(org, in_org, role)
    assert post(client, headers, appointment).status_code == 403
    assert client.get(COPAYS, **headers).status_code == 403


def test_a_member_limited_to_a_clinic_logs_and_reads_only_its_copays(
    org, desk, member, client, in_org
):
    with in_org(org):
        north = desk.appointment(clinic=desk.clinic)
        south = desk.appointment(clinic=desk.other_clinic)
        south_clinic = Clinic.objects.get(pk=desk.other_clinic.pk)
    assert post(client, token_headers(org, in_org), north).status_code == 201
    client.force_login(member(org, Role.FRONT_DESK, clinics=[south_clinic]))

    assert post(client, {}, north).status_code == 404
    response = post(client, {}, south, amount="10.00")
    assert response.status_code == 201
    assert response.json()["collected_by"] == "front_desk@alpha.test"
    assert [row["appointment"] for row in client.get(COPAYS).json()["results"]] == [south.pk]


def test_the_copay_list_query_count_does_not_grow_with_the_page(org, desk, client, in_org):
    headers = token_headers(org, in_org)
    with in_org(org):
        appointments = [desk.appointment(at=datetime.time(8 + hour)) for hour in range(5)]
    assert post(client, headers, appointments[0]).status_code == 201
    client.get(COPAYS, **headers)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(COPAYS, **headers).json()["results"]) == 1
    for appointment in appointments[1:]:
        assert post(client, headers, appointment).status_code == 201
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(COPAYS, **headers).json()["results"]) == 5
    assert len(one) > 3
    assert len(five) == len(one)
