"""A denial's page (the claim and every remittance of it) and the biller's work on it:
assign, note, appeal deadline, status transitions — POST, redirect, logged in the notes."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from billing.models import Denial
from tests.remittances.factories import clp, interchange, make_claim, svc, transaction

pytestmark = pytest.mark.django_db

NOTE_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d (?P<email>\S+): (?P<text>.*)$")


def reload(org, in_org, denial) -> Denial:
    with in_org(org):
        return Denial.objects.select_related("assignee").get(pk=denial.pk)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_page_shows_every_remittance_of_the_claim(org, in_org, post, client_as):
    lines = [("L1", "97110", ["GP"], 2, "80.00"), ("L2", "97140", ["GP"], 1, "45.00")]
    with in_org(org):
        make_claim("CLM9", lines)
    denied = clp(
        "CLM9",
        "4",
        "125",
        "0",
        "CAS*CO*197*125",
        "MOA***N54",
    )
    post(org, interchange(transaction(denied, trace="DENIEDTRACE", paid_on="20250115")))
    corrected = clp(
        "CLM9",
        "1",
        "125",
        "95",
        svc("97110", ("GP",), "80", "65", "CAS*CO*45*15", "LQ*HE*N130", units=2, ref_6r="L1"),
        svc("97140", ("GP",), "45", "30", "CAS*CO*45*15", ref_6r="L2"),
    )
    post(
        org,
        interchange(transaction(corrected, trace="PAIDTRACE", paid="95", paid_on="20250301")),
        filename="second.835",
    )
    with in_org(org):
        denial = Denial.objects.get(claim__external_id="CLM9")

    response = client_as(org, "biller").get(f"/denials/{denial.pk}/")
    assert response.status_code == 200
    payments = response.context["payments"]
    assert [p.remittance.trace_number for p in payments] == ["DENIEDTRACE", "PAIDTRACE"]
    assert [p.status_code for p in payments] == ["4", "1"]
    page = response.content.decode()
    for text in (
        "DENIEDTRACE",
        "PAIDTRACE",
        "Jan 15, 2025",
        "Mar 1, 2025",
        "CO-197 $125.00",  # claim-level CAS of the denial
        "CO-45 $15.00",  # line-level CAS of the corrected payment
        "N54",  # the claim's RARC
        "N130",  # a line's RARC
        "$95.00",
        "Remittances (2)",
        "CLM9",
        "Lee, Ann",
        "97140",
        "$45.00",
        "2025-01-10",  # DOS
    ):
        assert text in page, text


def test_the_page_runs_a_fixed_number_of_queries(org, in_org, client_as, make_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    denial = make_in(org)
    client = client_as(org, "biller")
    with CaptureQueriesContext(connection) as first:
        client.get(f"/denials/{denial.pk}/")
    # four more remittances of the same claim, each with a line and an adjustment
    with in_org(org):
        from tests.metrics.builders import Builder, dec

        b = Builder(org)
        b._ids = iter(range(1000, 2000))
        line = denial.claim.charges.get()
        for day in range(4):
            remittance = b.remittance(datetime.date(2026, 1, 1 + day))
            payment = b.clp(remittance, denial.claim, "1", 10)
            b.cas(payment, "CO", "45", dec(5), service=b.svc(payment, line, 10))
    with CaptureQueriesContext(connection) as more:
        response = client.get(f"/denials/{denial.pk}/")
    assert len(response.context["payments"]) == 5
    assert len(more) == len(first)


def test_assign_to_a_member_who_works_denials(org, in_org, client_as, member, make_in):
    denial = make_in(org)
    manager = member(org, "manager")
    client = client_as(org, "biller")
    response = client.post(f"/denials/{denial.pk}/assign/", {"assignee": manager.pk})
    assert response.status_code == 302 and response["Location"] == f"/denials/{denial.pk}/"
    saved = reload(org, in_org, denial)
    assert saved.assignee == manager
    [line] = saved.notes.splitlines()
    assert NOTE_LINE.match(line).group("email") == "biller@alpha.test"
    assert NOTE_LINE.match(line).group("text") == "assigned to manager@alpha.test."

    response = client.get(f"/denials/{denial.pk}/")
    assert "Assigned to manager@alpha.test." in messages_of(response)

    client.post(f"/denials/{denial.pk}/assign/", {"assignee": ""})
    saved = reload(org, in_org, denial)
    assert saved.assignee is None and saved.notes.splitlines()[-1].endswith(": unassigned.")


@pytest.mark.parametrize("who", ["other_org_biller", "front_desk", "viewer", "nobody"])
def test_assign_refuses_who_cannot_work_this_organizations_denials(
    org, other_org, in_org, client_as, member, make_in, who
):
    denial = make_in(org)
    if who == "other_org_biller":
        assignee_id = member(other_org, "biller").pk
    elif who == "nobody":
        assignee_id = 999999
    else:
        assignee_id = member(org, who).pk
    client = client_as(org, "biller")
    response = client.post(f"/denials/{denial.pk}/assign/", {"assignee": assignee_id}, follow=True)
    saved = reload(org, in_org, denial)
    assert saved.assignee is None and saved.notes == ""
    [message] = messages_of(response)
    if who in ("front_desk", "viewer"):
        assert "cannot work denials" in message
    else:
        assert "not a member of this organization" in message


def test_notes_are_appended_never_overwritten(org, in_org, client_as, make_in):
    denial = make_in(org)
    client = client_as(org, "biller")
    client.post(f"/denials/{denial.pk}/note/", {"text": "Called the payer, ref 123."})
    client_as(org, "manager").post(f"/denials/{denial.pk}/note/", {"text": "Auth on file\nsend it"})
    lines = reload(org, in_org, denial).notes.splitlines()
    assert [NOTE_LINE.match(line).groupdict() for line in lines] == [
        {"email": "biller@alpha.test", "text": "Called the payer, ref 123."},
        {"email": "manager@alpha.test", "text": "Auth on file send it"},
    ]
    response = client_as(org, "biller").post(
        f"/denials/{denial.pk}/note/", {"text": "   "}, follow=True
    )
    assert len(reload(org, in_org, denial).notes.splitlines()) == 2
    assert any("Not saved" in m for m in messages_of(response))
    page = response.content.decode()
    assert "Called the payer, ref 123." in page and "Auth on file send it" in page


def test_appeal_deadline(org, in_org, client_as, make_in):
    denial = make_in(org)
    client = client_as(org, "biller")
    client.post(f"/denials/{denial.pk}/deadline/", {"appeal_deadline": "2026-06-30"})
    saved = reload(org, in_org, denial)
    assert saved.appeal_deadline == datetime.date(2026, 6, 30)
    assert saved.notes.endswith("appeal deadline none → 2026-06-30.")
    response = client.post(
        f"/denials/{denial.pk}/deadline/", {"appeal_deadline": "not a date"}, follow=True
    )
    assert reload(org, in_org, denial).appeal_deadline == datetime.date(2026, 6, 30)
    assert any("Not saved" in m for m in messages_of(response))


def test_status_transitions(org, in_org, client_as, make_in):
    denial = make_in(org)
    client = client_as(org, "biller")
    url = f"/denials/{denial.pk}/status/"
    steps = ["in_progress", "appealed", "in_progress", "resolved", "open", "written_off"]
    for to in steps:
        response = client.post(url, {"to": to, "note": "why" if to == "written_off" else ""})
        assert response.status_code == 302
        assert reload(org, in_org, denial).status == to
    lines = reload(org, in_org, denial).notes.splitlines()
    assert [NOTE_LINE.match(line).group("text") for line in lines] == [
        "status open → in progress.",
        "status in progress → appealed.",
        "status appealed → in progress.",
        "status in progress → resolved.",
        "status resolved → open.",
        "status open → written off. why",
    ]
    # the page offers only what is allowed from "written off": reopen
    page = client.get(f"/denials/{denial.pk}/")
    assert list(page.context["transitions"]) == ["open"]
    assert 'value="open">Reopen</button>' in page.content.decode()


@pytest.mark.parametrize(
    ("status", "to"),
    [("written_off", "resolved"), ("resolved", "appealed"), ("open", "open"), ("open", "bogus")],
)
def test_an_invalid_transition_is_refused_with_a_message(
    org, in_org, client_as, make_in, status, to
):
    denial = make_in(org, status=status)
    response = client_as(org, "biller").post(
        f"/denials/{denial.pk}/status/", {"to": to}, follow=True
    )
    assert response.status_code == 200
    saved = reload(org, in_org, denial)
    assert (saved.status, saved.notes) == (status, "")
    [message] = messages_of(response)
    assert "cannot become" in message or "Not saved" in message


def test_changes_need_post_and_csrf(org, make_in, member):
    denial = make_in(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member(org, "biller"))
    assert client.get(f"/denials/{denial.pk}/note/").status_code == 405
    response = client.post(f"/denials/{denial.pk}/note/", {"text": "forged"})
    assert response.status_code == 403
    page = client.get(f"/denials/{denial.pk}/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 4  # every work form carries one


def test_assign_refuses_a_biller_limited_to_another_clinic(org, in_org, client_as, member, make_in):
    from clinics.models import Clinic

    north = make_in(org, clinic="C1")
    south = make_in(org, clinic="C2")
    with in_org(org):
        south_clinic = Clinic.objects.get(external_id="C2")
    south_biller = member(org, "biller", clinics=[south_clinic])
    client = client_as(org, "manager")
    response = client.post(
        f"/denials/{north.pk}/assign/", {"assignee": south_biller.pk}, follow=True
    )
    assert reload(org, in_org, north).assignee is None
    assert "does not work on this claim's clinic's denials" in messages_of(response)[0]
    client.post(f"/denials/{south.pk}/assign/", {"assignee": south_biller.pk})
    assert reload(org, in_org, south).assignee == south_biller
