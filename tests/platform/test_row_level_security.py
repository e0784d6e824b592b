"""PostgreSQL row-level security holds even when Python scoping is bypassed."""

from __future__ import annotations

import pytest
from django.db import connection

from clinics.models import Clinic, Membership, Organization
from ptrevops.tenancy.context import tenant_context
from ptrevops.tenancy.roles import owner_role

pytestmark = pytest.mark.django_db


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_every_table_with_organization_id_has_an_enabled_forced_policy():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN information_schema.columns col
              ON col.table_schema = 'public' AND col.table_name = c.relname
             AND col.column_name = 'organization_id'
            WHERE c.relkind IN ('r', 'p')
            """
        )
        rows = cursor.fetchall()
    assert rows, "expected tenant tables"
    unprotected = [
        name
        for name, enabled, forced, policies in rows
        if not (enabled and forced and policies >= 1)
    ]
    assert unprotected == []


def test_requests_run_as_a_role_that_row_level_security_applies_to():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        role, is_superuser, bypasses_rls = cursor.fetchone()
    assert role == "ptrevops_app"
    assert not is_superuser and not bypasses_rls


def test_unscoped_orm_and_raw_sql_see_only_the_current_organization(org, other_org):
    with tenant_context(org.pk):
        assert sorted(Clinic._base_manager.values_list("organization_id", flat=True)) == [
            org.pk,
            org.pk,
        ]
        assert _count("SELECT count(*) FROM clinics_clinic") == 2
        assert (
            _count(f"SELECT count(*) FROM clinics_clinic WHERE organization_id = {other_org.pk}")
            == 0
        )
        assert list(Organization.objects.values_list("slug", flat=True)) == ["alpha"]
    with tenant_context(other_org.pk):
        assert set(Clinic._base_manager.values_list("name", flat=True)) == {
            "Beta PT North",
            "Beta PT South",
        }


def test_without_tenant_context_tenant_tables_return_nothing(org, other_org):
    assert _count("SELECT count(*) FROM clinics_clinic") == 0
    assert Clinic._base_manager.count() == 0
    assert Clinic.objects.count() == 0
    assert Membership._base_manager.count() == 0
    with tenant_context(None):
        assert _count("SELECT count(*) FROM clinics_clinic") == 0
    with owner_role():  # the owner (an explicit cross-tenant operator) sees both
        assert _count("SELECT count(*) FROM clinics_clinic") == 4


def test_writes_into_another_organization_are_rejected(org, other_org):
    from django.db import DatabaseError, transaction

    with tenant_context(org.pk), pytest.raises(DatabaseError), transaction.atomic():
        Clinic._base_manager.create(organization_id=other_org.pk, external_id="X", name="Sneaky")
    with tenant_context(org.pk):
        updated = Clinic._base_manager.filter(organization_id=other_org.pk).update(name="Renamed")
    assert updated == 0
    with tenant_context(other_org.pk):
        assert Clinic.objects.filter(name="Renamed").count() == 0


def test_nested_contexts_restore_the_outer_organization(org, other_org):
    with tenant_context(org.pk):
        with tenant_context(other_org.pk):
            assert _count("SELECT count(*) FROM clinics_clinic WHERE name LIKE 'Beta%'") == 2
        assert _count("SELECT count(*) FROM clinics_clinic WHERE name LIKE 'Beta%'") == 0
        assert _count("SELECT count(*) FROM clinics_clinic WHERE name LIKE 'Alpha%'") == 2


def test_a_user_sees_only_their_own_memberships_before_choosing(org, other_org, member):
    from clinics.selectors import memberships_of_user

    user = member(org, "biller")
    mine = memberships_of_user(user_id=user.pk)
    assert [m.organization.slug for m in mine] == ["alpha"]
