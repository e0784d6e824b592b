"""Read the machine-specific configuration from the environment.

With `DATABASE_URL` unset the embedded PostgreSQL and Redis are started (or
reused) from `var/`; with it set, the named servers are used and nothing is
started. `REDIS_URL` is honoured in both cases.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Services:
    database: dict
    redis_url: str
    var_dir: Path

    def _redis_db(self, db: int) -> str:
        """The same server with another database number (whatever REDIS_URL names)."""
        parts = urlsplit(self.redis_url)
        if parts.scheme == "unix":
            query = [(k, v) for k, v in parse_qsl(parts.query) if k != "db"] + [("db", str(db))]
            return f"unix://{parts.path}?{urlencode(query)}"
        return urlunsplit(parts._replace(path=f"/{db}"))

    @property
    def redis_cache_url(self) -> str:
        return self._redis_db(1)

    @property
    def celery_broker_url(self) -> str:
        if self.redis_url.startswith("unix://"):
            # kombu spells a unix-socket Redis as redis+socket://
            return "redis+socket://" + self.redis_url[len("unix://") :]
        return self._redis_db(0)


def services() -> Services:
    import dj_database_url

    from ptrevops import embedded

    var_dir = embedded.var_dir()
    database_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if database_url:
        database = dj_database_url.parse(database_url)
        if not redis_url:
            raise RuntimeError("REDIS_URL must be set together with DATABASE_URL")
        return Services(database, redis_url, var_dir)
    started = embedded.ensure_started()
    return Services(started.database_settings(), redis_url or started.redis_url, var_dir)
