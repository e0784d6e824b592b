"""Pages and API: another organization's objects are 404; roles see their pages."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from clinics.choices import Role
from clinics.models import Clinic
from clinics.tokens import api_token_create
from ptrevops.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def _first_clinic(organization) -> Clinic:
    with tenant_context(organization.pk):
        return Clinic.objects.order_by("pk").first()


# Every URL that names an object. The guard test below fails when a new
# parametrised URL is added without being listed here.
def _import_run(organization) -> int:
    import io

    from clinics.import_runs import import_run_create

    with tenant_context(organization.pk):
        run = import_run_create(
            organization=organization,
            fileobj=io.BytesIO(b"Beta secret"),
            filename="beta.zip",
            source="cli",
            kind="bundle",
        )
    return run.pk


def _mapping(organization) -> int:
    from clinics.models import ColumnMappingProfile

    with tenant_context(organization.pk):
        return ColumnMappingProfile.objects.create(name="Beta secret", target="charges").pk


def _denial(organization) -> int:
    from tests.denials.conftest import DenialMaker

    with tenant_context(organization.pk):
        return DenialMaker(organization).make().pk


def _appointment(organization) -> int:
    from tests.frontdesk.conftest import DeskMaker

    with tenant_context(organization.pk):
        return DeskMaker(organization).appointment().pk


DENIAL_URLS = ["denial-detail", "denial-assign", "denial-note", "denial-deadline", "denial-status"]
# POST-only URLs (a GET answers 405 before any lookup).
POST_URLS = {"import-retry", "front-desk-copay", *DENIAL_URLS[1:]}

OBJECT_URLS = {
    "clinic-detail": lambda other: reverse("clinic-detail", args=[_first_clinic(other).pk]),
    "import-run-detail": lambda other: reverse("import-run-detail", args=[_import_run(other)]),
    "import-detail": lambda other: reverse("import-detail", args=[_import_run(other)]),
    "import-progress": lambda other: reverse("import-progress", args=[_import_run(other)]),
    "import-errors": lambda other: reverse("import-errors", args=[_import_run(other)]),
    "import-retry": lambda other: reverse("import-retry", args=[_import_run(other)]),
    "mapping-edit": lambda other: reverse("mapping-edit", args=[_mapping(other)]),
    "mapping-preview": lambda other: reverse("mapping-preview", args=[_mapping(other)]),
    "mapping-import": lambda other: reverse("mapping-import", args=[_mapping(other)]),
    "mapping-delete": lambda other: reverse("mapping-delete", args=[_mapping(other)]),
    "front-desk-copay": lambda other: reverse("front-desk-copay", args=[_appointment(other)]),
    **{
        name: (lambda other, name=name: reverse(name, args=[_denial(other)]))
        for name in DENIAL_URLS
    },
}
OUR_APPS = {"ptrevops", "clinics", "episodes", "billing", "analytics"}


def _named_patterns_with_arguments():
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif pattern.name and set(pattern.pattern.converters) - {"format"}:
                module = getattr(pattern.callback, "__module__", "")
                if module.split(".")[0] in OUR_APPS:
                    names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


# URLs whose path argument is not an object: they name objects by external id in the
# query string, resolved inside the current organization, and have their own leak tests.
QUERY_SCOPED_URLS = {
    "dashboard-rows": "tests/dashboards/test_pages.py "
    "::test_another_organizations_data_never_appears",
}


def test_every_object_url_is_covered_by_the_leak_test():
    covered = set(OBJECT_URLS) | set(QUERY_SCOPED_URLS)
    assert _named_patterns_with_arguments() - covered == set()


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_another_organizations_object_is_not_found(name, org, other_org, client_as):
    client = client_as(org, Role.OWNER)
    url = OBJECT_URLS[name](other_org)
    response = client.post(url) if name in POST_URLS else client.get(url)
    assert response.status_code == 404
    assert b"Beta" not in response.content


def test_switching_to_an_organization_you_do_not_belong_to_is_not_found(org, other_org, client_as):
    client = client_as(org, Role.OWNER)
    response = client.post(reverse("switch-organization"), {"organization_id": other_org.pk})
    assert response.status_code == 404
    assert b"Beta" not in client.get(reverse("home")).content


def test_a_member_of_two_organizations_switches_between_them(org, other_org, member, client):
    user = member(org, Role.VIEWER)
    with tenant_context(other_org.pk):
        from clinics.services import membership_ensure

        membership_ensure(user=user, role=Role.BILLER)
    client.force_login(user)
    first = client.get(reverse("home")).content.decode()
    assert "Alpha PT North" in first and "Beta PT North" not in first
    client.post(reverse("switch-organization"), {"organization_id": other_org.pk})
    second = client.get(reverse("home")).content.decode()
    assert "Beta PT North" in second and "Alpha PT North" not in second


PAGES = {
    "home": set(Role),
    "members": {Role.OWNER, Role.MANAGER},
    "organization-settings": {Role.OWNER},
    "denials": {Role.OWNER, Role.MANAGER, Role.BILLER},
    "front-desk": {Role.OWNER, Role.MANAGER, Role.FRONT_DESK, Role.CLINICIAN},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_role_sees_only_its_pages(page, role, org, client_as):
    response = client_as(org, role).get(reverse(page))
    assert response.status_code == (200 if role in PAGES[page] else 403)


def test_anonymous_users_are_sent_to_sign_in(client, org):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_front_desk_limited_to_one_clinic_sees_only_it(org, member, client):
    with tenant_context(org.pk):
        north = Clinic.objects.get(external_id="C1")
    client.force_login(member(org, Role.FRONT_DESK, clinics=[north]))
    page = client.get(reverse("home")).content.decode()
    assert "Alpha PT North" in page and "Alpha PT South" not in page


def test_api_token_reads_only_its_organization(org, other_org, client):
    with tenant_context(org.pk):
        _, key = api_token_create(name="warehouse", role=Role.VIEWER, created_by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    listing = client.get("/api/v1/clinics/", **headers)
    assert listing.status_code == 200
    assert sorted(row["name"] for row in listing.json()["results"]) == [
        "Alpha PT North",
        "Alpha PT South",
    ]
    other = client.get(reverse("clinic-detail", args=[_first_clinic(other_org).pk]), **headers)
    assert other.status_code == 404


def test_bad_api_token_is_rejected(org, client):
    response = client.get("/api/v1/clinics/", HTTP_AUTHORIZATION="Bearer ptr_abc_def")
    assert response.status_code == 401


def test_organization_settings_require_mfa_sends_members_to_setup(org, client_as):
    client = client_as(org, Role.OWNER)
    response = client.post(reverse("organization-settings"), {"require_mfa": "on"})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
