"""Shared fixtures: two organizations and one user per role in each."""

from __future__ import annotations

import pytest

from clinics.choices import Role
from clinics.models import User
from clinics.services import clinic_ensure, membership_ensure, organization_create
from ptrevops.tenancy.context import tenant_context

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """No autovacuum on the test database's tables. A test holds its rows uncommitted
    for its whole length; an autovacuum pass then records the tables as empty
    (``reltuples`` 0 over hundreds of pages: in-progress inserts are not counted), and
    the next statements are planned as nested loops over "empty" tables — minutes for
    a fee-schedule trigger or an 835 posting in the embedded run, whose server has
    autovacuum on."""
    from django.db import connection

    from ptrevops.tenancy.roles import owner_role

    with django_db_blocker.unblock(), owner_role(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('ALTER TABLE %I SET (autovacuum_enabled = off)', tablename)"
            " FROM pg_tables WHERE schemaname = current_schema()"
        )
        for (statement,) in cursor.fetchall():
            cursor.execute(statement)


def _organization(slug: str, name: str):
    organization, _, _ = organization_create(
        slug=slug, name=name, owner_email=f"owner@{slug}.test", owner_password=PASSWORD
    )
    with tenant_context(organization.pk):
        clinic_ensure(external_id="C1", name=f"{name} North")
        clinic_ensure(external_id="C2", name=f"{name} South")
    return organization


@pytest.fixture
def org(db):
    return _organization("alpha", "Alpha PT")


@pytest.fixture
def other_org(db):
    return _organization("beta", "Beta PT")


@pytest.fixture
def member(db):
    """member(org, role) -> a user with that role in that organization."""

    def make(organization, role: str = Role.OWNER, clinics=None) -> User:
        email = f"{role}@{organization.slug}.test"
        user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD)
        with tenant_context(organization.pk):
            membership_ensure(user=user, role=role, clinics=clinics)
        return user

    return make


@pytest.fixture
def client_as(client, member):
    """client_as(org, role) -> the test client signed in as that role."""

    def sign_in(organization, role: str = Role.OWNER):
        client.force_login(member(organization, role))
        return client

    return sign_in


@pytest.fixture
def in_org():
    """in_org(org) -> context manager scoping the block to that organization."""
    return lambda organization: tenant_context(organization.pk)


@pytest.fixture(autouse=True)
def fresh_cache_namespace(settings):
    """Each test gets its own cache key prefix: rate-limit counters (login failures)
    and import progress never leak from one test into the next."""
    import uuid

    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    for config in caches.values():
        config["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches
