"""Dashboard and metrics-endpoint speed, against the direct SQL, and rollup refresh.

Run (server mode; the database must be migrated)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ptrevops_dash \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/dashboard.py --clinics 50 --months 60     # the issue's group
    .venv/bin/python bench/dashboard.py --clinics 4 --months 12      # a quick run

1. Generates the group with the project's generator (``--seed 1 --end 2026-10-31``)
   into ``var/bench/dash-c{clinics}m{months}/`` unless it is there (``--group DIR``
   names another, e.g. bench/bundle_import.py's ``var/bench/c8m12``), creates an
   organization and imports the bundle and every 835 file through the import
   services, then builds its rollups (timed). ``--org SLUG`` reuses an organization a
   previous run imported (skips all of step 1).
2. Warm, server side (Django's test client: URL routing, middleware, tenancy, view,
   template; no network): the Overview page for the last 12 months and
   ``GET /api/v1/metrics/`` for the last month, ``--requests`` times each, p50/p95.
3. In the same run, the same numbers computed by the hand-written SQL on the
   normalized tables (``compute_metrics(source="direct")``: one statement per metric
   family): the metrics endpoint's document, and the Overview's three documents.
   With ``--pages N``, every dashboard page is timed too (N requests each).
4. A nightly delta of ``--delta-visits`` visits (copies of the latest visits with
   their appointments and charge lines, a week later), inserted in one transaction
   (the dirty-day triggers fire), then the incremental rollup refresh, timed; then
   the delta is deleted again (and its days refreshed, untimed).

Prints figures and ratios. Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from analytics.dashboards.views import DASHBOARD_PAGES, OVERVIEW_KPIS  # noqa: E402
from analytics.metrics import metrics_document  # noqa: E402
from analytics.rollups import rebuild, refresh  # noqa: E402
from billing.models import ChargeLine  # noqa: E402
from billing.remittances.service import post_835_file  # noqa: E402
from clinics.models import Membership, Organization  # noqa: E402
from clinics.planner_statistics import after_run, analyze, bundle_tables_written  # noqa: E402
from clinics.services import organization_create  # noqa: E402
from episodes.imports import import_bundle  # noqa: E402
from episodes.models import Appointment, Visit  # noqa: E402
from ptrevops.tenancy.context import tenant_context  # noqa: E402
from ptrevops.tenancy.roles import owner_role  # noqa: E402

END = datetime.date(2026, 10, 31)
DELTA_SUFFIX = "-bench-delta"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def generate(arguments) -> Path:
    if arguments.group:
        return Path(arguments.group)
    out = ROOT / "var" / "bench" / f"dash-c{arguments.clinics}m{arguments.months}"
    if not (out / "bundle" / "visits.csv").exists():
        print(f"generating {out} …", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ptrevops.generator",
                "--out",
                str(out),
                "--clinics",
                str(arguments.clinics),
                "--months",
                str(arguments.months),
                "--seed",
                "1",
                "--end",
                END.isoformat(),
            ],
            check=True,
            cwd=ROOT,
        )
    return out


def load(arguments) -> Organization:
    group = generate(arguments)
    slug = f"dash-c{arguments.clinics}m{arguments.months}-{int(time.time())}"
    organization, owner, _ = organization_create(
        slug=slug, name=f"Bench {slug}", owner_email=f"owner@{slug}.invalid"
    )
    with tenant_context(organization.pk):
        report, seconds = timed(
            import_bundle, organization_id=organization.pk, source=group / "bundle"
        )
    if not report.succeeded:
        raise SystemExit(f"bundle import failed: {report.errors[:5]}")
    print(f"bundle import: {seconds:.1f} s", flush=True)
    # As the import task does after a bulk run (clinics.planner_statistics).
    analyze(bundle_tables_written(report.as_dict()))
    files = sorted((group / "835").iterdir())
    started = time.perf_counter()
    post_files(organization.pk, files, arguments.loaders)
    print(f"835 import: {len(files)} files in {time.perf_counter() - started:.1f} s", flush=True)
    with tenant_context(organization.pk):
        built, seconds = timed(rebuild, organization.pk)
    print(f"rollup build (all days, all families): {seconds:.1f} s, {built.rows_written:,} rows")
    return organization


def owner_client(organization: Organization) -> Client:
    with owner_role():
        membership = (
            Membership.objects.unscoped()
            .filter(organization=organization, role="owner")
            .select_related("user")
            .first()
        )
    client = Client()
    client.force_login(membership.user)
    return client


def sample(client: Client, url: str, requests: int) -> list[float]:
    for _ in range(2):  # warm: connections, caches, plans
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    samples = []
    for _ in range(requests):
        _, seconds = timed(client.get, url)
        samples.append(seconds)
    return samples


def direct(organization, requests: int, selections: list[dict]) -> list[float]:
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        with tenant_context(organization.pk):
            for selection in selections:
                metrics_document(organization, source="direct", **selection)
        samples.append(time.perf_counter() - started)
    return samples


def report_line(label: str, samples: list[float]) -> tuple[float, float]:
    p50, p95 = percentiles(samples)
    print(f"  {label:<52} p50 {ms(p50):>10}   p95 {ms(p95):>10}   (n={len(samples)})")
    return p50, p95


def _copy_sql(model, shift_days: int, remap: dict[str, str]) -> tuple[str, str]:
    """Column list and SELECT list copying ``model`` rows a number of days later."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        columns.append(column)
        if column in remap:
            values.append(remap[column])
        elif column == "external_id":
            values.append(f"s.external_id || '{DELTA_SUFFIX}'")
        elif field.get_internal_type() == "DateField":
            values.append(f"s.{column} + {shift_days}")
        elif field.get_internal_type() == "DateTimeField":
            values.append(f"s.{column} + interval '{shift_days} days'")
        else:
            values.append(f"s.{column}")
    return ", ".join(columns), ", ".join(values)


def insert_delta(organization, visits: int, shift_days: int = 7) -> float:
    """Copy the latest ``visits`` visits (appointments, charge lines) a week later."""
    appointment_columns, appointment_values = _copy_sql(Appointment, shift_days, {})
    visit_columns, visit_values = _copy_sql(Visit, shift_days, {"appointment_id": "na.id"})
    line_columns, line_values = _copy_sql(
        ChargeLine, shift_days, {"visit_id": "nv.id", "claim_id": "NULL"}
    )
    params = {"org": organization.pk, "n": visits}
    started = time.perf_counter()
    with tenant_context(organization.pk), connection.cursor() as cursor:
        cursor.execute(
            """CREATE TEMP TABLE bench_src ON COMMIT DROP AS
               SELECT id, appointment_id FROM episodes_visit WHERE organization_id = %(org)s
               ORDER BY date_of_service DESC, id DESC LIMIT %(n)s""",
            params,
        )
        # The copy joins by external id: hash joins, with statistics on the sources.
        cursor.execute("ANALYZE bench_src")
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(
            f"""INSERT INTO episodes_appointment ({appointment_columns})
                SELECT {appointment_values} FROM episodes_appointment s
                WHERE s.organization_id = %(org)s
                  AND s.id IN (SELECT appointment_id FROM bench_src)""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO episodes_visit ({visit_columns})
                SELECT {visit_values} FROM episodes_visit s
                JOIN episodes_appointment oa ON oa.id = s.appointment_id
                JOIN episodes_appointment na ON na.organization_id = %(org)s
                 AND na.external_id = oa.external_id || '{DELTA_SUFFIX}'
                WHERE s.organization_id = %(org)s AND s.id IN (SELECT id FROM bench_src)""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO billing_chargeline ({line_columns})
                SELECT {line_values} FROM billing_chargeline s
                JOIN episodes_visit ov ON ov.id = s.visit_id
                JOIN episodes_visit nv ON nv.organization_id = %(org)s
                 AND nv.external_id = ov.external_id || '{DELTA_SUFFIX}'
                WHERE s.organization_id = %(org)s
                  AND s.visit_id IN (SELECT id FROM bench_src)""",
            params,
        )
    return time.perf_counter() - started


def delete_delta(organization) -> None:
    with tenant_context(organization.pk), connection.cursor() as cursor:
        like = f"%%{DELTA_SUFFIX}"
        for table in ("billing_chargeline", "episodes_visit", "episodes_appointment"):
            cursor.execute(
                f"DELETE FROM {table} WHERE organization_id = %s AND external_id LIKE %s",
                [organization.pk, like],
            )
    with tenant_context(organization.pk):
        refresh(organization.pk)


def post_files(organization_id: int, files: list[Path], loaders: int) -> None:
    """Post the 835 files, oldest first, in ``loaders`` processes (every
    ``loaders``-th file each; each file is its own run and transaction)."""
    if loaders <= 1:
        _post_share(organization_id, files)
        return
    connection.close()  # each child opens its own
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=_post_share, args=(organization_id, files[index::loaders]))
        for index in range(loaders)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join()
        if child.exitcode:
            raise SystemExit(f"an 835 loader failed (exit {child.exitcode})")


def _post_share(organization_id: int, files: list[Path]) -> None:
    for path in files:
        with tenant_context(organization_id), open(path, "rb") as handle:
            report = post_835_file(
                organization_id=organization_id, fileobj=handle, filename=path.name
            )
        # As the import task does after each run (clinics.planner_statistics).
        after_run(False, report.as_dict())
    connection.close()


def resume(organization: Organization, arguments) -> None:
    """Post the group's 835 files not posted yet (an interrupted load; each file is
    one transaction), then build the rollups."""
    group = generate(arguments)
    with tenant_context(organization.pk), connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT source_file FROM billing_remittance WHERE organization_id = %s",
            [organization.pk],
        )
        posted = {row[0] for row in cursor.fetchall()}
    files = [path for path in sorted((group / "835").iterdir()) if path.name not in posted]
    print(f"835 files left to post: {len(files)}", flush=True)
    started = time.perf_counter()
    post_files(organization.pk, files, arguments.loaders)
    print(f"835 import: {len(files)} files in {time.perf_counter() - started:.1f} s", flush=True)
    with tenant_context(organization.pk):
        built, seconds = timed(rebuild, organization.pk)
    print(f"rollup build (all days, all families): {seconds:.1f} s, {built.rows_written:,} rows")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clinics", type=int, default=50)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--delta-visits", type=int, default=10_000)
    parser.add_argument("--org", help="reuse an organization a previous run imported")
    parser.add_argument("--group", help="a generated group folder (bundle/, 835/) to import")
    parser.add_argument("--loaders", type=int, default=1, help="processes posting the 835 files")
    parser.add_argument(
        "--resume", action="store_true", help="with --org: post the 835 files not posted yet"
    )
    parser.add_argument(
        "--direct-runs",
        type=int,
        help="timed runs of the direct SQL (default requests / 5; 0: none, no ratios)",
    )
    parser.add_argument(
        "--pages", type=int, default=0, help="also time every dashboard page this many times"
    )
    parser.add_argument(
        "--delta-only", action="store_true", help="time only the nightly delta's refresh"
    )
    arguments = parser.parse_args()
    logging.getLogger("ptrevops").setLevel(logging.WARNING)  # one log line per request
    logging.getLogger("clinics.planner_statistics").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    if arguments.org:
        with owner_role():
            organization = Organization.objects.get(slug=arguments.org)
        if arguments.resume:
            resume(organization, arguments)
    else:
        organization = load(arguments)
    print(f"organization: {organization.slug}")

    with tenant_context(organization.pk), connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(date_of_service), count(*) FROM episodes_visit WHERE organization_id = %s",
            [organization.pk],
        )
        last, visits = cursor.fetchone()
    end = last
    year_start = (end.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    month_start = end.replace(day=1)
    print(f"visits: {visits:,}; Overview period {year_start} … {end}")

    if arguments.delta_only:
        return time_delta(organization, arguments.delta_visits)

    client = owner_client(organization)
    overview_url = f"/analytics/?start={year_start}&end={end}"
    api_url = f"/api/v1/metrics/?start={month_start}&end={end}"
    # The Overview's documents: the period, the prior period, by month, by clinic.
    prior_end = year_start - datetime.timedelta(days=1)
    prior_start = prior_end - (end - year_start)
    # (The same documents the page asks for: views.OverviewView.build.)
    trend = ("ncrpv", "visits", "billable_visits", "net_collected_revenue")
    overview_selections = [
        {"start": year_start, "end": end, "group_by": "clinic", "metrics": tuple(OVERVIEW_KPIS)},
        {"start": prior_start, "end": prior_end, "metrics": tuple(OVERVIEW_KPIS)},
        {"start": year_start, "end": end, "group_by": "month", "metrics": trend},
    ]

    print("\nwarm, server side:")
    overview = report_line(
        "Overview page (rollups)", sample(client, overview_url, arguments.requests)
    )
    api = report_line("GET /api/v1/metrics/ (rollups)", sample(client, api_url, arguments.requests))
    direct_runs = arguments.direct_runs
    if direct_runs is None:
        direct_runs = max(3, arguments.requests // 5)
    if direct_runs:
        hand_api = report_line(
            "same document, direct SQL on normalized tables",
            direct(organization, direct_runs, [{"start": month_start, "end": end}]),
        )
        hand_overview = report_line(
            "Overview's 3 documents, direct SQL",
            direct(organization, direct_runs, overview_selections),
        )
        print(f"  ratio metrics endpoint / direct SQL (p50): {api[0] / hand_api[0]:.2f}×")
        print(
            f"  ratio Overview page / its direct SQL (p50): {overview[0] / hand_overview[0]:.2f}×"
        )

    if arguments.pages:
        print("\nevery dashboard page, same period (rollups; some panels read the tables):")
        for name, label in DASHBOARD_PAGES:
            url = f"{reverse(name)}?start={year_start}&end={end}"
            report_line(f"{label} page", sample(client, url, arguments.pages))

    return time_delta(organization, arguments.delta_visits)


def time_delta(organization, visits: int) -> int:
    print(f"\nnightly delta of {visits:,} visits:")
    inserted = insert_delta(organization, visits)
    print(f"  insert (appointments, visits, charge lines; triggers mark days): {inserted:.2f} s")
    with tenant_context(organization.pk):
        report, seconds = timed(refresh, organization.pk)
    spans = sum(len(ranges) for ranges in report.ranges.values())
    print(
        f"  incremental refresh: {seconds:.2f} s ({report.dirty_days} dirty days, "
        f"{spans} ranges, {report.rows_written:,} rows written)"
    )
    for family, spent in sorted(report.family_seconds.items(), key=lambda item: -item[1]):
        spans = ", ".join(f"{a}…{b}" for a, b in report.ranges[family])
        print(f"    {family:<20} {spent:6.2f} s  {spans}")
    delete_delta(organization)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
