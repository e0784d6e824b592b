"""Which PostgreSQL role a connection runs as.

Every connection switches to the application role (`settings.DATABASE_APP_ROLE`)
as soon as it opens: that role owns no table and is neither superuser nor
BYPASSRLS, so row-level security applies to every request and task even when
`DATABASE_URL` names a superuser. Only code that says so explicitly — migrations
and operator commands working across tenants — runs as the owner, inside
`owner_role()`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from psycopg.pq import TransactionStatus

_state = threading.local()


def _owner_depth() -> int:
    return getattr(_state, "owner_depth", 0)


def app_role() -> str:
    return settings.DATABASE_APP_ROLE


def _switch(db_connection, to_owner: bool) -> None:
    with db_connection.cursor() as cursor:
        if to_owner:
            cursor.execute("RESET ROLE")
        else:
            cursor.execute(f'SET ROLE "{app_role()}"')


def on_connection_created(sender, connection, **kwargs) -> None:
    # The maintenance connection Django opens to create or drop databases stays as is.
    if connection.vendor != "postgresql" or connection.settings_dict.get("NAME") in (
        None,
        "postgres",
    ):
        return
    if _owner_depth() == 0 and role_exists(connection):
        _switch(connection, to_owner=False)


def role_exists(db_connection) -> bool:
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role()])
        return cursor.fetchone() is not None


@contextmanager
def owner_role() -> Iterator[None]:
    """Run the block as the connecting (owner) role: bypasses row-level security.

    Only for migrations and operator commands that work across tenants.
    """
    _state.owner_depth = _owner_depth() + 1
    try:
        if connection.connection is not None:
            _switch(connection, to_owner=True)
        yield
    finally:
        _state.owner_depth -= 1
        if _owner_depth() == 0 and connection.connection is not None:
            if connection.connection.info.transaction_status == TransactionStatus.INERROR:
                # Cannot run SET ROLE in an aborted transaction; a connection must
                # never stay in the owner role, so drop it and let the next one open.
                connection.close()
            elif role_exists(connection):
                _switch(connection, to_owner=False)


def current_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def connect_signal() -> None:
    connection_created.connect(on_connection_created, dispatch_uid="ptrevops-app-role")
