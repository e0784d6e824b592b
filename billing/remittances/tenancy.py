"""The posting functions run inside the caller's tenant scope; they check it."""

from __future__ import annotations

from episodes.imports.service import ADVISORY_LOCK as BUNDLE_IMPORT_LOCK
from ptrevops.tenancy.context import current_organization_id


class TenantScopeError(RuntimeError):
    """Called outside ``tenant_context(organization_id)`` or in another one."""


def require_tenant(organization_id: int) -> None:
    """Refuse to run unless the current tenant scope is ``organization_id``.

    Row-level security would hide or reject the rows anyway; failing loudly tells
    the caller it forgot the scope instead of reporting "nothing matched".
    """
    current = current_organization_id()
    if current != organization_id:
        raise TenantScopeError(
            f"organization {organization_id} posting needs tenant_context({organization_id});"
            f" current scope is {current!r}"
        )


def lock_out_bundle_imports(cursor, organization_id: int) -> None:
    """Hold the organization's bundle-import advisory lock in shared mode until the
    transaction ends: postings run side by side, but not beside a bundle import.

    Claim payments and service payments point at claims and charge lines without a
    database constraint (billing 0007): the posting resolves them with a join, and a
    bundle import's vendor removals delete claims and charge lines only when no
    committed payment refers to them. This lock keeps a removal from running between
    a posting's join and its commit (when it could not see the payments yet). Little
    concurrency is lost: both mark rollup dirty days, and a posting marking a day that
    a running bundle import has marked already waited for that import's commit.
    """
    cursor.execute(
        "SELECT pg_advisory_xact_lock_shared(%s, %s)", [BUNDLE_IMPORT_LOCK, organization_id]
    )
