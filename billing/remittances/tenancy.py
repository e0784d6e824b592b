"""The posting functions run inside the caller's tenant scope; they check it."""

from __future__ import annotations

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
