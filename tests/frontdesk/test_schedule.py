"""The front-desk schedule: one clinic's local day, copay due and collected, the
authorization warnings, roles, and a query count that does not grow with the rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinics.models import Clinic
from tests.frontdesk.conftest import DeskMaker

pytestmark = pytest.mark.django_db

PAGE = "/front-desk/"
DAY = datetime.timedelta(days=1)


def rows(response):
    return response.context["schedule"].rows


def row_of(response, appointment):
    [row] = [row for row in rows(response) if row.appointment.pk == appointment.pk]
    return row


def desk_copay(payment, appointment):
    """The payment as logged at the desk for ``appointment``."""
    payment.appointment = appointment
    payment.save(update_fields=["appointment"])
    return payment


def test_only_this_clinics_appointments_of_the_local_date(org, desk, client_as, in_org):
    with in_org(org):
        late = desk.appointment(at=datetime.time(23, 30))  # tomorrow in UTC
        early = desk.appointment(at=datetime.time(8, 15))
        desk.appointment(clinic=desk.other_clinic)
        desk.appointment(on=desk.today - DAY, at=datetime.time(10))
        tomorrow = desk.appointment(on=desk.today + DAY, at=datetime.time(0, 30))
    assert late.starts_at.astimezone(datetime.UTC).date() == desk.today + DAY
    client = client_as(org, "front_desk")

    response = client.get(PAGE)  # default: the first clinic, today in its zone
    assert response.status_code == 200
    assert response.context["clinic"].pk == desk.clinic.pk
    assert response.context["schedule"].on_date == desk.today
    assert [row.appointment.pk for row in rows(response)] == [early.pk, late.pk]
    assert [row.starts_local for row in rows(response)] == [
        datetime.time(8, 15),
        datetime.time(23, 30),
    ]
    content = response.content.decode()
    assert "8:15 AM" in content and "11:30 PM" in content

    tomorrow_page = client.get(PAGE, {"clinic": desk.clinic.pk, "date": desk.today + DAY})
    assert [row.appointment.pk for row in rows(tomorrow_page)] == [tomorrow.pk]
    # previous/next links keep the clinic
    assert f"clinic={desk.clinic.pk}&amp;date={desk.today - DAY}" in content
    assert f"clinic={desk.clinic.pk}&amp;date={desk.today + DAY}" in content

    other = client.get(PAGE, {"clinic": desk.other_clinic.pk})
    assert len(rows(other)) == 1 and other.context["clinic"].pk == desk.other_clinic.pk


def test_the_clinic_picker_lists_only_the_members_clinics(org, other_org, desk, member, client):
    with tenant_context_of(org):
        south = Clinic.objects.get(external_id="C2")
    client.force_login(member(org, "front_desk", clinics=[south]))
    response = client.get(PAGE)
    assert [clinic.pk for clinic in response.context["clinics"]] == [south.pk]
    assert response.context["clinic"].pk == south.pk
    assert client.get(PAGE, {"clinic": desk.clinic.pk}).status_code == 404
    with tenant_context_of(other_org):
        theirs = Clinic.objects.get(external_id="C1")
    assert client.get(PAGE, {"clinic": theirs.pk}).status_code == 404


def tenant_context_of(organization):
    from ptrevops.tenancy.context import tenant_context

    return tenant_context(organization.pk)


def test_copay_due_follows_the_eligibility_in_force(org, desk, client_as, in_org):
    today = desk.today
    with in_org(org):
        b = desk.b
        # expired row ignored; the open-ended row is the one in force
        a = desk.patient("PA")
        b.eligibility(a, desk.payer, "50.00", start=today - 60 * DAY, end=today - DAY)
        b.eligibility(a, desk.payer, "25.00", start=today - 10 * DAY)
        appt_a = desk.appointment(patient=a)
        desk_copay(b.patient_payment(a, "10.00", today), appt_a)
        desk_copay(b.patient_payment(a, "99.00", today - DAY), appt_a)  # another day
        desk_copay(b.patient_payment(a, "77.00", today, kind="coinsurance"), appt_a)
        b.patient_payment(a, "5.00", today)  # on no visit of this clinic's day
        # an inactive row is ignored: nothing in force
        c = desk.patient("PC")
        b.eligibility(c, desk.payer, "40.00", active=False)
        appt_c = desk.appointment(patient=c)
        # several rows in force: the episode's primary payer wins over a later check
        d = desk.patient("PD")
        other_payer = b.payer("P2")
        newer = b.eligibility(d, other_payer, "60.00")
        newer.checked_on = today
        newer.save()
        b.eligibility(d, desk.payer, "30.00", end=today)
        appt_d = desk.appointment(patient=d)
        desk_copay(b.patient_payment(d, "30.00", today), appt_d)
        # a row starting tomorrow is not in force yet
        e = desk.patient("PE")
        b.eligibility(e, desk.payer, "15.00", start=today + DAY)
        appt_e = desk.appointment(patient=e)

    response = client_as(org, "front_desk").get(PAGE)
    row = row_of(response, appt_a)
    assert (row.copay_due, row.collected, row.to_collect) == (
        Decimal("25.00"),
        Decimal("10.00"),
        Decimal("15.00"),
    )
    row = row_of(response, appt_c)
    assert (row.copay_due, row.collected, row.to_collect) == (None, 0, 0)
    row = row_of(response, appt_d)
    assert (row.copay_due, row.collected, row.to_collect) == (
        Decimal("30.00"),
        Decimal("30.00"),
        Decimal("0.00"),
    )
    assert row_of(response, appt_e).copay_due is None
    assert response.context["schedule"].to_collect == Decimal("15.00")
    content = response.content.decode()
    assert 'value="15.00"' in content  # the amount prefilled with what is still due


def test_authorization_warnings(org, desk, client_as, in_org):
    today = desk.today
    with in_org(org):
        covered = desk.patient("COV")
        desk.authorization(covered, today - 30 * DAY, today + 60 * DAY, visits=10)
        appt_covered = desk.appointment(patient=covered)

        nothing = desk.patient("NONE")
        appt_nothing = desk.appointment(patient=nothing)

        expired = desk.patient("EXP")
        desk.authorization(expired, today - 90 * DAY, today - 5 * DAY)
        appt_expired = desk.appointment(patient=expired)

        capped = desk.patient("CAP")
        desk.authorization(capped, today - 30 * DAY, today + 30 * DAY, visits=2)
        desk.billed_visit(capped, today - 10 * DAY)
        desk.billed_visit(capped, today - 3 * DAY)
        appt_capped = desk.appointment(patient=capped)

        soon = desk.patient("SOON")
        desk.authorization(soon, today - 30 * DAY, today + 3 * DAY, visits=20)
        appt_soon = desk.appointment(patient=soon)

        # a payer that does not require authorization: no warning without one
        free = desk.patient("FREE")
        not_required = desk.b.payer("P3")
        appt_free = desk.appointment(patient=free, payer=not_required)
        # a cancelled visit is not warned about
        appt_cancelled = desk.appointment(patient=desk.patient("CAN"), status="cancelled")

    response = client_as(org, "front_desk").get(PAGE)
    row = row_of(response, appt_covered)
    assert (row.coverage.covered, row.warning, row.notice) == (True, "", "")
    assert row_of(response, appt_nothing).warning == "No authorization on file"
    expected = f"Authorization expired {(today - 5 * DAY).isoformat()}"
    assert row_of(response, appt_expired).warning == expected
    assert row_of(response, appt_capped).warning == "Visit cap reached (2/2)"
    row = row_of(response, appt_soon)
    assert row.warning == ""
    assert row.notice == f"Authorization expires {(today + 3 * DAY).isoformat()}"
    assert row_of(response, appt_free).warning == ""
    assert row_of(response, appt_free).auth_status == "Not required"
    assert row_of(response, appt_cancelled).warning == ""
    assert response.context["schedule"].warnings == 3
    content = response.content.decode()
    assert (
        '<span class="badge badge-warning"><span class="nw">Visit</span> <span class="nw">cap'
        '</span> <span class="nw">reached</span> <span class="nw">(2/2)</span></span>'
    ) in content
    assert '<span class="badge badge-notice"><span class="nw">Authorization</span>' in content
    assert '<span class="kpi-value">3</span>' in content


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("front_desk", 200),
        ("clinician", 200),
        ("manager", 200),
        ("owner", 200),
        ("biller", 403),
        ("viewer", 403),
    ],
)
def test_roles(org, desk, client_as, in_org, role, status):
    with in_org(org):
        appointment = desk.appointment()
    client = client_as(org, role)
    response = client.get(PAGE)
    assert response.status_code == status
    assert (b">Front desk</a>" in client.get("/").content) == (status == 200)
    response = client.post(f"/front-desk/appointments/{appointment.pk}/copay/", {"amount": "5"})
    assert response.status_code == (302 if status == 200 else 403)


def _fill(org, desk: DeskMaker, count: int, in_org):
    today = desk.today
    with in_org(org):
        for index in range(count):
            patient = desk.patient(f"Q{count}-{index}")
            desk.b.eligibility(patient, desk.payer, "20.00")
            desk.b.patient_payment(patient, "5.00", today)
            desk.authorization(patient, today - 30 * DAY, today + 30 * DAY)
            desk.billed_visit(patient, today - 2 * DAY)
            desk.appointment(patient=patient, at=datetime.time(8 + index % 10, index % 60))


def test_query_count_does_not_grow_with_the_appointments(org, desk, client_as, in_org):
    client = client_as(org, "front_desk")
    _fill(org, desk, 3, in_org)
    with CaptureQueriesContext(connection) as three:
        response = client.get(PAGE)
    assert len(rows(response)) == 3
    _fill(org, desk, 27, in_org)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(PAGE)
    assert len(rows(response)) == 30
    assert len(thirty) == len(three)


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "not-a-date"])
def test_a_date_without_a_day_before_or_after_shows_today(org, desk, client_as, date):
    response = client_as(org, "front_desk").get(f"/front-desk/?clinic={desk.clinic.pk}&date={date}")
    assert response.status_code == 200
    assert response.context["schedule"].on_date == desk.today


def test_copays_count_per_appointment_and_only_this_clinics(org, desk, client_as, in_org):
    """Two visits owe two copays; one paid clears only its own. Money taken at another
    clinic, or on the visit (as the EMR exports it), counts where it belongs."""
    with in_org(org):
        b = desk.b
        patient = desk.patient("PT")
        b.eligibility(patient, desk.payer, "25.00")
        morning = desk.appointment(patient=patient, at=datetime.time(9))
        afternoon = desk.appointment(patient=patient, at=datetime.time(14), status="arrived")
        desk_copay(b.patient_payment(patient, "25.00", desk.today), morning)
        elsewhere = desk.appointment(
            patient=patient, at=datetime.time(11), clinic=desk.other_clinic
        )
        desk_copay(b.patient_payment(patient, "25.00", desk.today), elsewhere)

    response = client_as(org, "front_desk").get(PAGE)
    assert (row_of(response, morning).collected, row_of(response, morning).to_collect) == (
        Decimal("25.00"),
        Decimal("0.00"),
    )
    assert (row_of(response, afternoon).collected, row_of(response, afternoon).to_collect) == (
        0,
        Decimal("25.00"),
    )
    schedule = response.context["schedule"]
    assert (schedule.collected, schedule.to_collect) == (Decimal("25.00"), Decimal("25.00"))
