"""The denial work queue: tenant and clinic scope, filters, per-root-cause totals,
sort, roles, and a query count that does not grow with the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Denial
from clinics.models import Clinic

pytestmark = pytest.mark.django_db

QUEUE = "/denials/"


def listed(response) -> list[int]:
    return [denial.pk for denial in response.context["page"].object_list]


def totals(response) -> dict[str, tuple[int, Decimal]]:
    return {t.root_cause: (t.count, t.amount) for t in response.context["totals"] if t.count}


def test_the_queue_lists_only_this_organizations_denials(
    org, other_org, client_as, make_in, in_org
):
    mine = make_in(org, amount="100.00")
    theirs = make_in(other_org, amount="777.00")  # same builder ids: same claim external id
    assert theirs.claim.external_id == mine.claim.external_id
    client = client_as(org, "biller")

    response = client.get(QUEUE)
    assert response.status_code == 200
    assert listed(response) == [mine.pk]
    assert totals(response) == {"authorization": (1, Decimal("100.00"))}
    assert b"$777.00" not in response.content

    assert client.get(f"/denials/{theirs.pk}/").status_code == 404
    for action in ("note", "assign", "status", "deadline"):
        response = client.post(f"/denials/{theirs.pk}/{action}/", {"text": "x", "to": "resolved"})
        assert response.status_code == 404, action
    with in_org(other_org):
        theirs = Denial.objects.get(pk=theirs.pk)
    assert (theirs.status, theirs.notes) == ("open", "")


def test_a_member_limited_to_a_clinic_sees_only_its_denials(org, member, client, make_in, in_org):
    north = make_in(org, clinic="C1")
    south = make_in(org, clinic="C2")
    with in_org(org):
        south_clinic = Clinic.objects.get(external_id="C2")
    user = member(org, "biller", clinics=[south_clinic])
    client.force_login(user)
    assert listed(client.get(QUEUE)) == [south.pk]
    assert client.get(f"/denials/{north.pk}/").status_code == 404
    assert client.get(f"/denials/{south.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("manager", 200),
        ("biller", 200),
        ("front_desk", 403),
        ("viewer", 403),
        ("clinician", 403),
    ],
)
def test_roles(org, client_as, make_in, role, status):
    denial = make_in(org)
    client = client_as(org, role)
    assert client.get(QUEUE).status_code == status
    assert client.get(f"/denials/{denial.pk}/").status_code == status
    response = client.post(f"/denials/{denial.pk}/note/", {"text": "hello"})
    assert response.status_code == (302 if status == 200 else 403)
    home = client.get("/").content.decode()
    assert (f'href="{QUEUE}"' in home) == (status == 200)


def test_anonymous_is_sent_to_sign_in(client, org, make_in):
    denial = make_in(org)
    for url in (QUEUE, f"/denials/{denial.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_filters_and_totals(org, client_as, make_in, member):
    biller = member(org, "biller")
    manager = member(org, "manager")
    auth_p1 = make_in(org, payer="P1", root_cause="authorization", amount="100.00", age=5)
    auth_p2 = make_in(org, payer="P2", root_cause="authorization", amount="50.25", age=45)
    coding_p1 = make_in(
        org, payer="P1", root_cause="coding", reason="97", amount="30.00", age=75, assignee=biller
    )
    elig_p2 = make_in(
        org,
        payer="P2",
        root_cause="eligibility",
        reason="27",
        amount="12.00",
        age=120,
        status="in_progress",
        assignee=manager,
        clinic="C2",
    )
    appealed = make_in(org, root_cause="coding", amount="1.00", status="appealed", age=200)
    resolved = make_in(org, root_cause="coding", amount="999.00", status="resolved")
    written_off = make_in(org, root_cause="coding", amount="888.00", status="written_off")
    client = client_as(org, "biller")

    everything = client.get(QUEUE)
    # the default status filter: the statuses still to work
    assert set(listed(everything)) == {
        auth_p1.pk,
        auth_p2.pk,
        coding_p1.pk,
        elig_p2.pk,
        appealed.pk,
    }
    assert totals(everything) == {
        "authorization": (2, Decimal("150.25")),
        "coding": (2, Decimal("31.00")),
        "eligibility": (1, Decimal("12.00")),
    }
    assert "$150.25" in everything.content.decode()

    by_cause = client.get(QUEUE, {"root_cause": "authorization"})
    assert set(listed(by_cause)) == {auth_p1.pk, auth_p2.pk}
    # the totals keep every root cause (each is what its link lists)…
    assert totals(by_cause) == totals(everything)
    # …and its link keeps the other filters
    page = client.get(QUEUE, {"payer": auth_p2.claim.payer_id}).content.decode()
    assert f'?payer={auth_p2.claim.payer_id}&amp;root_cause=eligibility"' in page

    p2 = auth_p2.claim.payer_id
    by_payer = client.get(QUEUE, {"payer": p2})
    assert set(listed(by_payer)) == {auth_p2.pk, elig_p2.pk}
    assert totals(by_payer) == {
        "authorization": (1, Decimal("50.25")),
        "eligibility": (1, Decimal("12.00")),
    }
    assert listed(client.get(QUEUE, {"payer": p2, "root_cause": "eligibility"})) == [elig_p2.pk]

    assert listed(client.get(QUEUE, {"assignee": "mine"})) == [coding_p1.pk]
    assert set(listed(client.get(QUEUE, {"assignee": "unassigned"}))) == {
        auth_p1.pk,
        auth_p2.pk,
        appealed.pk,
    }
    assert listed(client.get(QUEUE, {"assignee": manager.pk})) == [elig_p2.pk]
    assert set(listed(client.get(QUEUE, {"status": "resolved"}))) == {resolved.pk}
    assert len(listed(client.get(QUEUE, {"status": "all"}))) == 7
    assert written_off.pk in listed(client.get(QUEUE, {"status": "written_off"}))
    assert listed(client.get(QUEUE, {"age": "0-30"})) == [auth_p1.pk]
    assert listed(client.get(QUEUE, {"age": "31-60"})) == [auth_p2.pk]
    assert listed(client.get(QUEUE, {"age": "61-90"})) == [coding_p1.pk]
    assert listed(client.get(QUEUE, {"age": "91-plus"})) == [appealed.pk, elig_p2.pk]
    c2 = elig_p2.claim.visit.clinic_id
    assert listed(client.get(QUEUE, {"clinic": c2})) == [elig_p2.pk]

    # sort: oldest first by default, by amount on request; ages shown in days
    default = client.get(QUEUE)
    assert listed(default) == [appealed.pk, elig_p2.pk, coding_p1.pk, auth_p2.pk, auth_p1.pk]
    assert [d.age_days for d in default.context["page"].object_list] == [200, 120, 75, 45, 5]
    assert listed(client.get(QUEUE, {"sort": "-amount"})) == [
        auth_p1.pk,
        auth_p2.pk,
        coding_p1.pk,
        elig_p2.pk,
        appealed.pk,
    ]
    assert listed(client.get(QUEUE, {"sort": "age"}))[0] == auth_p1.pk


def test_another_organizations_ids_in_the_filters_are_ignored(org, other_org, client_as, make_in):
    mine = make_in(org, payer="P1")
    theirs = make_in(other_org, payer="P9")
    response = client_as(org, "biller").get(QUEUE, {"payer": theirs.claim.payer_id})
    assert response.status_code == 200
    assert listed(response) == [mine.pk]  # an invalid choice: not applied…
    assert response.context["filter"].form.errors  # …and said so


def test_pages_of_fifty(org, client_as, make_in):
    for _ in range(51):
        make_in(org, amount="1.00")
    client = client_as(org, "biller")
    first = client.get(QUEUE)
    assert len(listed(first)) == 50 and first.context["page"].paginator.count == 51
    assert len(listed(client.get(QUEUE, {"page": 2}))) == 1
    assert "Page 1 of 2" in first.content.decode()


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_query_count_does_not_grow_with_its_rows(org, client_as, make_in, member):
    biller = member(org, "biller")
    client = client_as(org, "biller")
    for number in range(5):
        make_in(org, payer=f"P{number % 2}", assignee=biller if number % 2 else None)
    few = _queue_queries(client)
    for number in range(35):
        make_in(org, payer=f"P{number % 3}", assignee=biller if number % 2 else None, clinic="C2")
    many = _queue_queries(client)
    assert len(listed(client.get(QUEUE))) == 40
    assert many == few, (few, many)
    assert few <= 20  # sign-in, tenant scope, filter choices, count, rows, totals, audit
