"""Health check, operator command, login and throttling, tenant-scoped tasks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from clinics.models import Membership, Organization
from ptrevops.celery import TenantTask, app
from ptrevops.tenancy.context import tenant_context
from ptrevops.tenancy.roles import owner_role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"


def test_create_organization_is_idempotent(capsys):
    args = [
        "--slug",
        "gamma",
        "--name",
        "Gamma PT",
        "--owner-email",
        "boss@gamma.test",
        "--owner-password",
        "a-long-password",
    ]
    call_command("create_organization", *args)
    call_command("create_organization", *args)
    with owner_role():
        assert Organization.objects.filter(slug="gamma").count() == 1
        organization = Organization.objects.get(slug="gamma")
    with tenant_context(organization.pk):
        assert [m.role for m in Membership.objects.all()] == ["owner"]
    assert "Created organization gamma" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slug", "Not A Slug", "--name", "X", "--owner-email", "a@b.test"], "--slug"),
        (["--slug", "ok", "--name", "X", "--owner-email", "not-an-email"], "--owner-email"),
        (["--slug", "ok", "--name", " ", "--owner-email", "a@b.test"], "--name"),
        (
            ["--slug", "ok", "--name", "X", "--owner-email", "a@b.test", "--timezone", "Mars/Base"],
            "--timezone",
        ),
    ],
)
def test_create_organization_rejects_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_organization", *args)


def test_owner_signs_in_with_email_and_password(org, client, member):
    member(org, "owner")
    response = client.post(
        reverse("account_login"), {"login": "owner@alpha.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "Alpha PT North" in client.get(reverse("home")).content.decode()


def test_repeated_failed_logins_are_throttled(org, client, member):
    member(org, "owner")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "owner@alpha.test", "password": "wrong"}
        )
        assert response.status_code == 200  # the form again, with an error
    # Even the right password is refused until the window passes.
    response = client.post(
        reverse("account_login"), {"login": "owner@alpha.test", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


@app.task(base=TenantTask, name="tests.count_visible_clinics")
def count_visible_clinics(*, organization_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clinics_clinic")
        return cursor.fetchone()[0]


def test_tenant_task_runs_in_its_organizations_scope(org, other_org):
    assert count_visible_clinics.delay(organization_id=org.pk).get() == 2


def test_tenant_task_refuses_to_run_without_an_organization():
    with pytest.raises(TypeError, match="organization_id"):
        count_visible_clinics.delay()


def test_password_reset_sends_a_mail_with_a_working_link(org, member, client, mailoutbox):
    member(org, "owner")
    response = client.post(reverse("account_reset_password"), {"email": "owner@alpha.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["owner@alpha.test"]
    link = next(w for w in mailoutbox[0].body.split() if "/accounts/password/reset/key/" in w)
    assert client.get(link, follow=True).status_code == 200


def test_mfa_setup_page_offers_an_authenticator_app(org, member, client):
    member(org, "biller")
    client.post(reverse("account_login"), {"login": "biller@alpha.test", "password": PASSWORD})
    # Setting up MFA is a sensitive action: allauth asks for the password again.
    first = client.get(reverse("mfa_activate_totp"))
    if first.status_code == 302 and "reauthenticate" in first["Location"]:
        client.post(first["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "authenticator" in page.content.decode().lower()


def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode()
