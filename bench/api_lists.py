"""API list endpoints: a page of 100 rows, server side, against the same rows read
by the ORM without the API, measured in the same run.

Run (server mode; an organization a previous bench imported, e.g. by
``bench/bundle_import.py`` and ``manage.py import_835``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ptrevops_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/api_lists.py --org SLUG [--requests 100]

It creates an owner-role API token (deleted afterwards: the denials need a role
that works them), then for each list endpoint times ``--requests`` warm ``GET``s of
the first page of 100 and of a page deep in the listing (the cursor after 5,000
rows), through Django's test client (routing, middleware, token, tenancy, filters,
serializers, the read's audit event, JSON; no network), and prints p50/p99, the
queries per request, and the same 100 rows and their related rows read by the
view's own queryset, without DRF, as the baseline. ``--gc-pauses`` also prints, per
endpoint, the full garbage collections that ran and their longest pause.

The application is loaded through ``ptrevops.wsgi``, as gunicorn loads it. The
design's target: p99 ≤ 50 ms at 200 req/s, query count constant in page size; this
measures one client in sequence, not the 200 req/s. Not a test.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")
os.environ["DEBUG"] = "0"  # as in production: no query log, no debug pages

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

import ptrevops.wsgi  # noqa: E402, F401  (the application as gunicorn loads it: GC freeze)
from billing.api.views import (  # noqa: E402
    ClaimViewSet,
    DenialViewSet,
    PayerViewSet,
    RemittanceViewSet,
)
from clinics.models import ApiToken, Organization  # noqa: E402
from clinics.permissions import Role  # noqa: E402
from clinics.tokens import api_token_create  # noqa: E402
from episodes.api.views import (  # noqa: E402
    AppointmentViewSet,
    EpisodeViewSet,
    ReferralViewSet,
    VisitViewSet,
)
from ptrevops.tenancy.context import tenant_context  # noqa: E402
from ptrevops.tenancy.roles import owner_role  # noqa: E402

# endpoint -> its view: the baseline reads the view's own queryset.
ENDPOINTS = {
    "visits": VisitViewSet,
    "appointments": AppointmentViewSet,
    "episodes": EpisodeViewSet,
    "referrals": ReferralViewSet,
    "claims": ClaimViewSet,
    "remittances": RemittanceViewSet,
    "denials": DenialViewSet,
    "payers": PayerViewSet,
}
DEEP_OFFSET = 5_000


class FullCollections:
    """Full (generation 2) garbage collections while it is installed: count, longest."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)

    def take(self) -> str:
        pauses, self.pauses = self.pauses, []
        return f"{len(pauses)} full GCs, longest {max(pauses, default=0) * 1000:.0f} ms"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def p50_p99(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def deep_url(client: Client, headers: dict, endpoint: str) -> str | None:
    """The URL of the page after the first ``DEEP_OFFSET`` rows (by following cursors)."""
    url = f"/api/v1/{endpoint}/?page_size=1000"
    for _ in range(DEEP_OFFSET // 1000):
        url = client.get(url, **headers).json().get("next")
        if url is None:
            return None
    return url.replace("page_size=1000", "page_size=100")


def sample(client: Client, headers: dict, url: str, requests: int):
    for _ in range(2):
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:200]}")
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, **headers)
    samples = [timed(client.get, url, **headers)[1] for _ in range(requests)]
    return samples, len(statements), len(response.json()["results"])


def orm_baseline(organization_id: int, view_class, requests: int) -> list[float]:
    """The page's 100 rows and their related rows read by the view's own queryset (as
    an API token, which sees every clinic), as model objects: everything but DRF's
    request handling, the serializers, JSON and the middleware."""
    view = view_class(request=SimpleNamespace(membership=None), action="list")

    def read():
        with tenant_context(organization_id):
            return list(view.get_queryset().order_by("pk")[:100])

    read()
    return [timed(read)[1] for _ in range(requests)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", required=True, help="the slug of an imported organization")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--gc-pauses", action="store_true", help="time full collections")
    arguments = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client

    with owner_role():
        organization = Organization.objects.get(slug=arguments.org)
    with tenant_context(organization.pk):
        token, key = api_token_create(name="bench", role=Role.OWNER, created_by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = Client()
    collections = FullCollections()
    if arguments.gc_pauses:
        gc.callbacks.append(collections)
    print(f"organization {organization.slug}: {arguments.requests} warm requests each")
    print(f"{'endpoint':<28}{'rows':>5}{'queries':>8}{'p50 ms':>9}{'p99 ms':>9}{'ORM p50':>9}")
    try:
        for endpoint, view_class in ENDPOINTS.items():
            baseline = p50_p99(orm_baseline(organization.pk, view_class, arguments.requests))
            pages = [("first page", f"/api/v1/{endpoint}/?page_size=100")]
            deep = deep_url(client, headers, endpoint)
            if deep:
                pages.append((f"after {DEEP_OFFSET:,}", deep))
            for label, url in pages:
                collections.take()
                samples, queries, rows = sample(client, headers, url, arguments.requests)
                p50, p99 = p50_p99(samples)
                print(
                    f"{endpoint + ' (' + label + ')':<28}{rows:>5}{queries:>8}"
                    f"{p50 * 1000:>9.1f}{p99 * 1000:>9.1f}{baseline[0] * 1000:>9.1f}"
                    + (f"   {collections.take()}" if arguments.gc_pauses else "")
                )
    finally:
        with tenant_context(organization.pk):
            ApiToken.objects.filter(pk=token.pk).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
