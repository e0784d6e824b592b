"""`/healthz`: is the database reachable, is Redis reachable."""

from __future__ import annotations

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    client.ping()
    return "ok"


def healthz(request):
    checks, healthy = {}, True
    for name, check in (("database", _check_database), ("redis", _check_redis)):
        started = time.perf_counter()
        try:
            checks[name] = {"status": check()}
        except Exception as error:  # any failure makes the service unhealthy
            healthy = False
            checks[name] = {"status": "error", "error": type(error).__name__}
        checks[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
