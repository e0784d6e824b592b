"""The current organization, held in a ContextVar and in the database transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

_current_organization_id: ContextVar[int | None] = ContextVar(
    "current_organization_id", default=None
)
_current_user_id: ContextVar[int | None] = ContextVar("current_user_id", default=None)


def current_organization_id() -> int | None:
    return _current_organization_id.get()


def current_user_id() -> int | None:
    return _current_user_id.get()


def _apply_database_settings(organization_id: int | None, user_id: int | None) -> None:
    # is_local=true: the setting dies with the transaction, so a pooled connection
    # can never carry one tenant's context into another request.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.organization_id', %s, true),"
            " set_config('app.user_id', %s, true)",
            [
                "" if organization_id is None else str(organization_id),
                "" if user_id is None else str(user_id),
            ],
        )


@contextmanager
def tenant_context(organization_id: int | None, *, user_id: int | None = None) -> Iterator[None]:
    """Run the block in one transaction scoped to `organization_id`.

    Nested blocks may switch organization; the outer scope is restored on exit.
    `organization_id=None` with a `user_id` gives the narrow context used to list a
    user's own memberships before an organization is chosen.
    """
    outer = (_current_organization_id.get(), _current_user_id.get())
    had_outer_transaction = transaction.get_connection().in_atomic_block
    org_token = _current_organization_id.set(organization_id)
    user_token = _current_user_id.set(user_id)
    try:
        with transaction.atomic():
            _apply_database_settings(organization_id, user_id)
            yield
    finally:
        _current_organization_id.reset(org_token)
        _current_user_id.reset(user_token)
        db = transaction.get_connection()
        if had_outer_transaction and db.in_atomic_block and not db.needs_rollback:
            _apply_database_settings(*outer)


@contextmanager
def tenant_scope(organization_id: int) -> Iterator[None]:
    """Set only the ContextVar: for work that opens its own `tenant_context`
    transactions (long imports that must commit their status separately)."""
    token = _current_organization_id.set(organization_id)
    try:
        yield
    finally:
        _current_organization_id.reset(token)


def activate_organization(organization_id: int, *, user_id: int | None = None) -> None:
    """Switch the current request's transaction to `organization_id`.

    For API requests authenticated by a per-organization token: the middleware
    has already opened the request's transaction without an organization, and
    it resets the ContextVar when the request ends.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("activate_organization needs the request's transaction")
    _current_organization_id.set(organization_id)
    _current_user_id.set(user_id)
    _apply_database_settings(organization_id, user_id)


def set_api_token_prefix(prefix: str) -> None:
    """Let this transaction read the one API token row with this public prefix."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.api_token_prefix', %s, true)", [prefix])
