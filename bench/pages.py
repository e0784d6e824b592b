"""Every dashboard page's server time, against another checkout's code on the same data.

Run (server mode; an organization bench/dashboard.py imported)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ptrevops_dash \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/pages.py --org SLUG
    git worktree add /tmp/before COMMIT
    .venv/bin/python bench/pages.py --org SLUG --baseline-tree /tmp/before

Each page (the last 13 months to the last DOS, as bench/dashboard.py times the
Overview) is requested ``--runs`` times after one warm-up request with Django's test
client, signed in as the organization's owner; the median is printed. With
``--baseline-tree``, the same requests run first in a child process importing that
checkout's code instead of this one (its migrations must be a prefix of this
database's; its refresh must not run: refresh the rollups with this code first), and
the two medians are printed side by side.

Prints figures. Not a test: they depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def _use_tree(tree: str | None) -> None:
    """Import the project from ``tree`` (this checkout by default). An editable
    install's import hook would win over ``sys.path``: it is dropped."""
    root = Path(tree).resolve() if tree else HERE.parents[1]
    sys.meta_path[:] = [
        finder for finder in sys.meta_path if "editable" not in getattr(finder, "__module__", "")
    ]
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")


def time_pages(slug: str, runs: int) -> dict:
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from analytics.dashboards.views import DASHBOARD_PAGES
    from clinics.models import Membership, Organization
    from ptrevops.tenancy.context import tenant_context
    from ptrevops.tenancy.roles import owner_role

    logging.getLogger("ptrevops").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with owner_role():
        organization = Organization.objects.get(slug=slug)
        owner = (
            Membership.objects.unscoped()
            .filter(organization=organization, role="owner")
            .select_related("user")
            .first()
            .user
        )
    with tenant_context(organization.pk), connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(date_of_service) FROM episodes_visit WHERE organization_id = %s",
            [organization.pk],
        )
        (end,) = cursor.fetchone()
    start = (end.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    client = Client()
    client.force_login(owner)
    result = {"period": [start.isoformat(), end.isoformat()], "pages": {}}
    for name, label in [("overview", "Overview"), *DASHBOARD_PAGES]:
        url = f"{reverse(name)}?start={start}&end={end}"
        samples = []
        for attempt in range(runs + 1):
            began = time.perf_counter()
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            if attempt:  # the first request warms connections, caches and plans
                samples.append(time.perf_counter() - began)
        result["pages"][label] = statistics.median(samples)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--org", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-tree", help="a checkout whose code is timed first")
    parser.add_argument("--tree", help=argparse.SUPPRESS)  # the child's checkout
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    _use_tree(arguments.tree)

    baseline = None
    if arguments.baseline_tree:
        child = [sys.executable, str(HERE), "--org", arguments.org, "--runs", str(arguments.runs)]
        child += ["--tree", arguments.baseline_tree, "--json"]
        # From the tree's own directory: settings put the working directory on the path.
        output = subprocess.run(
            child, check=True, capture_output=True, text=True, cwd=arguments.baseline_tree
        ).stdout
        baseline = json.loads(output.strip().splitlines()[-1])
    mine = time_pages(arguments.org, arguments.runs)
    if arguments.json:
        print(json.dumps(mine))
        return 0
    start, end = mine["period"]
    print(f"{arguments.org}, {start} … {end}, median of {arguments.runs} warm requests")
    for label, seconds in mine["pages"].items():
        line = f"  {label:<10} {seconds * 1000:>9,.0f} ms"
        if baseline is not None:
            before = baseline["pages"].get(label)
            if before is not None:
                line += f"   baseline {before * 1000:>9,.0f} ms   {before / seconds:6.1f}× faster"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
