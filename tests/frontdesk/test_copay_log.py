"""Logging a copay at the desk: the payment written, the refusals, tenant and clinic
scope, and the rollups told about it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from analytics.models import RollupDirtyDay
from billing.models import PatientPayment
from clinics.models import AuditEvent, Clinic

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def url(appointment) -> str:
    return f"/front-desk/appointments/{appointment.pk}/copay/"


def payments(organization, in_org) -> list[PatientPayment]:
    with in_org(organization):
        return list(PatientPayment.objects.order_by("pk"))


def test_logging_a_copay_creates_one_payment(org, desk, client_as, in_org):
    with in_org(org):
        patient = desk.patient("PA", "Ada", "Lovelace")
        desk.b.eligibility(patient, desk.payer, "25.00")
        appointment = desk.appointment(patient=patient, at=datetime.time(7))
        before = PatientPayment.objects.count()
    client = client_as(org, "front_desk")

    response = client.post(url(appointment), {"amount": "25.00", "method": "card"}, follow=True)
    assert response.redirect_chain == [
        (f"/front-desk/?clinic={desk.clinic.pk}&date={desk.today.isoformat()}", 302)
    ]
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Copay of $25.00 (card) logged for Lovelace, Ada."]
    [payment] = payments(org, in_org)[before:]
    assert payment.kind == "copay"
    assert payment.patient_id == patient.pk
    assert payment.visit_id is None  # no visit yet
    assert payment.amount == Decimal("25.00")
    assert payment.method == "card"
    assert payment.collected_by == "front_desk@alpha.test"
    assert payment.collected_on == desk.today
    assert abs(payment.collected_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(
        minutes=1
    )
    assert payment.external_id.startswith("ptrevops-copay-")
    assert len(payment.external_id) == len("ptrevops-copay-") + 32
    [row] = response.context["schedule"].rows
    assert (row.collected, row.to_collect) == (Decimal("25.00"), Decimal("0.00"))
    with in_org(org):
        assert AuditEvent.objects.filter(action="copay.logged", object_id=str(payment.pk)).exists()


def test_the_payment_points_at_the_appointments_visit_and_marks_its_day_dirty(
    org, desk, client_as, in_org, django_capture_on_commit_callbacks
):
    with in_org(org):
        appointment = desk.appointment(status="arrived")
        visit = desk.visit_of(appointment)
        RollupDirtyDay.objects.all().delete()
    client = client_as(org, "front_desk")
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url(appointment), {"amount": "12.5", "method": "cash"})
    [payment] = payments(org, in_org)
    assert (payment.visit_id, payment.amount, payment.method) == (
        visit.pk,
        Decimal("12.50"),
        "cash",
    )
    with in_org(org):
        dirty = set(RollupDirtyDay.objects.values_list("family", "day"))
    assert ("visits", desk.today) in dirty
    # the refresh an import ends with is queued on commit (eager in tests): it runs
    # and consumes the dirty days
    assert len(callbacks) == 1
    callbacks[0]()
    with in_org(org):
        assert not RollupDirtyDay.objects.filter(day=desk.today).exists()


@pytest.mark.parametrize(
    "amount", ["0", "0.00", "-5", "abc", "", "1e3x", "1e2", "NaN", "12.345", "5000"]
)
def test_bad_amounts_are_refused(org, desk, client_as, in_org, amount):
    with in_org(org):
        appointment = desk.appointment()
    response = client_as(org, "front_desk").post(
        url(appointment), {"amount": amount, "method": "card"}, follow=True
    )
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Not saved.")
    assert payments(org, in_org) == []


@pytest.mark.parametrize("days", [-1, 1])
def test_only_todays_appointments_take_a_copay(org, desk, client_as, in_org, days):
    with in_org(org):
        appointment = desk.appointment(on=desk.today + days * DAY)
    response = client_as(org, "front_desk").post(
        url(appointment), {"amount": "20", "method": "card"}, follow=True
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert "Copays are logged at the desk on the day of the visit" in message
    assert payments(org, in_org) == []
    # the page of another day shows no copay form
    assert b'class="copay-form"' not in response.content


def test_another_organizations_appointment_is_not_found(
    org, other_org, desk, other_desk, client_as, in_org
):
    with in_org(other_org):
        theirs = other_desk.appointment()
    response = client_as(org, "owner").post(url(theirs), {"amount": "20", "method": "card"})
    assert response.status_code == 404
    assert payments(other_org, in_org) == []


def test_a_member_limited_to_one_clinic_cannot_log_for_another(org, desk, member, client, in_org):
    with in_org(org):
        north_appointment = desk.appointment()
        south_appointment = desk.appointment(clinic=desk.other_clinic)
        south = Clinic.objects.get(external_id="C2")
    client.force_login(member(org, "front_desk", clinics=[south]))
    response = client.post(url(north_appointment), {"amount": "20", "method": "card"})
    assert response.status_code == 404
    assert payments(org, in_org) == []
    response = client.post(url(south_appointment), {"amount": "20", "method": "card"})
    assert response.status_code == 302
    assert len(payments(org, in_org)) == 1


def test_get_is_not_allowed(org, desk, client_as, in_org):
    with in_org(org):
        appointment = desk.appointment()
    assert client_as(org, "front_desk").get(url(appointment)).status_code == 405


def test_a_copay_logged_before_its_visit_is_linked_when_the_visit_arrives(
    org, other_org, desk, other_desk, client_as, in_org
):
    """The export brings the visit later: the import run links the desk copay to it,
    so "copay collected at time of service" counts it and its day is marked. Another
    organization's desk copay, whose visit has arrived too, is not this run's."""
    from billing.copays.services import link_desk_copays

    with in_org(org):
        appointment = desk.appointment(status="arrived")
    with in_org(other_org):
        theirs = other_desk.appointment(status="arrived")
    client_as(org, "front_desk").post(url(appointment), {"amount": "20", "method": "card"})
    client_as(other_org, "front_desk").post(url(theirs), {"amount": "30", "method": "cash"})
    [payment] = payments(org, in_org)
    assert (payment.visit_id, payment.appointment_id) == (None, appointment.pk)
    with in_org(other_org):
        other_desk.visit_of(theirs, "V-LATER")

    with in_org(org):
        assert link_desk_copays(organization_id=org.pk) == 0  # its visit is not here yet
        visit = desk.visit_of(appointment, "V-LATER")
        RollupDirtyDay.objects.all().delete()
        assert link_desk_copays(organization_id=org.pk) == 1
        dirty = set(RollupDirtyDay.objects.values_list("family", "day"))
        assert link_desk_copays(organization_id=org.pk) == 0  # idempotent
    [payment] = payments(org, in_org)
    assert payment.visit_id == visit.pk
    assert ("visits", desk.today) in dirty
    with in_org(other_org):
        [their_payment] = PatientPayment.objects.all()
        assert their_payment.visit_id is None


def test_no_copay_is_due_or_taken_for_a_cancelled_appointment(org, desk, client_as, in_org):
    with in_org(org):
        patient = desk.patient("PC", "Cancel", "Led")
        desk.b.eligibility(patient, desk.payer, "25.00")
        cancelled = desk.appointment(patient=patient, status="cancelled")
    client = client_as(org, "front_desk")
    page = client.get(f"/front-desk/?clinic={desk.clinic.pk}")
    [row] = page.context["schedule"].rows
    assert (row.copay_due, row.to_collect, row.expected) == (Decimal("25.00"), Decimal("0"), False)
    assert page.context["schedule"].to_collect == 0
    assert f'action="{url(cancelled)}"' not in page.content.decode()

    response = client.post(url(cancelled), {"amount": "25", "method": "card"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Not saved. This appointment is cancelled: no copay is due."
    ]
    assert payments(org, in_org) == []


def test_a_double_submit_logs_one_copay(org, desk, client_as, in_org):
    with in_org(org):
        appointment = desk.appointment()
    client = client_as(org, "front_desk")
    client.post(url(appointment), {"amount": "25", "method": "card"})
    response = client.post(url(appointment), {"amount": "25", "method": "card"}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == (
        "Not saved. A copay of $25.00 was just logged for this appointment;"
        " reload the page to see it."
    )
    client.post(url(appointment), {"amount": "5", "method": "cash"})  # a second, different one
    assert [p.amount for p in payments(org, in_org)] == [Decimal("25.00"), Decimal("5.00")]
