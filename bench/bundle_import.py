"""EMR bundle import speed against a raw COPY of the same CSV files.

Run (server mode; the database must be migrated)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ptrevops_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python bench/bundle_import.py --clinics 8 --months 12

Generates the bundle with the project's generator (``--seed 1 --end 2026-10-31``) into
``var/bench/c{clinics}m{months}/`` unless it is already there (or ``--bundle DIR``
names one), then measures in the same run:

(a) a raw ``COPY … (FORMAT csv, HEADER)`` of every CSV into plain, unindexed tables of
    text columns in a scratch schema (dropped afterwards): the floor;
(b) ``import_bundle`` into a fresh organization (``organization_create``), committed;
(c) a re-import of the same bundle into it (every row unchanged), committed;
(d) the write floor (``bench/write_floor.py``): the rows (b) stored, copied table to
    table into scratch copies of their tables without indexes, with the product's
    indexes, and with the indexes built afterwards; no importer that writes into the
    shared, indexed tables can be faster than the second;

and prints rows/s, seconds, the importer's per-stage timings, peak RSS, the ratio
import / raw COPY, and the CPU seconds of this process (all threads: the importer reads
and validates in a thread while the connection runs SQL) and of its PostgreSQL
backend (from /proc; the server is on this machine) — on a loaded machine the wall
clock is mostly waiting for a CPU. In the per-stage timings, ``<file>.read`` is the
reader thread's time on a file (overlapping the SQL of the files before it),
``<file>.wait`` what the run then still waited for it, ``<file>.stage`` the COPY into
the staging table and ``<file>.upsert`` the SQL after it. The organization's rows are
kept (``--cleanup`` deletes them, as the owner, untimed). Not a test: the figures depend
on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.write_floor import write_floor  # noqa: E402
from clinics.services import organization_create  # noqa: E402
from episodes.imports import import_bundle  # noqa: E402
from episodes.imports.schema import FILES  # noqa: E402
from ptrevops.tenancy.context import tenant_context  # noqa: E402
from ptrevops.tenancy.roles import owner_role  # noqa: E402

END = "2026-10-31"
COPY_CHUNK = 1 << 20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> tuple[float, float]:
    """(this process, its PostgreSQL backend) user + system CPU seconds so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    own = usage.ru_utime + usage.ru_stime
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        backend = float("nan")
    return own, backend


def bundle_dir(arguments) -> Path:
    if arguments.bundle:
        return arguments.bundle
    out = ROOT / "var" / "bench" / f"c{arguments.clinics}m{arguments.months}"
    if not (out / "manifest.json").exists():
        print(f"generating {out} …", flush=True)
        subprocess.run(
            [
                sys.executable, "-m", "ptrevops.generator", "--out", str(out),
                "--clinics", str(arguments.clinics), "--months", str(arguments.months),
                "--seed", "1", "--end", END,
            ],
            check=True,
            cwd=ROOT,
        )  # fmt: skip
    return out / "bundle"


def csv_files(bundle: Path) -> list[Path]:
    """The bundle's spec files, in import order."""
    return [bundle / spec.filename for spec in FILES if (bundle / spec.filename).exists()]


def count_rows(files: list[Path]) -> dict[str, int]:
    """Data rows per file (the generator writes no quoted newlines)."""
    counts = {}
    for path in files:
        with path.open("rb") as stream:
            counts[path.stem] = sum(1 for _ in stream) - 1
    return counts


def raw_copy(files: list[Path]) -> float:
    """COPY every file into an unindexed all-text table; seconds, committed."""
    schema = f"bench_raw_{uuid.uuid4().hex[:8]}"
    with owner_role(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {schema}")
        try:
            started = time.perf_counter()
            for path in files:
                with path.open("rb") as stream:
                    header = stream.readline().decode("utf-8-sig").strip().split(",")
                    columns = ", ".join(f'"{name}" text' for name in header)
                    table = f"{schema}.{path.stem}"
                    cursor.execute(f"CREATE TABLE {table} ({columns})")
                    with cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                        while chunk := stream.read(COPY_CHUNK):
                            copy.write(chunk)
            return time.perf_counter() - started
        finally:
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")


def run_import(organization_id: int, bundle: Path, label: str):
    own, backend = cpu_seconds()
    started = time.perf_counter()
    with tenant_context(organization_id):
        report = import_bundle(organization_id=organization_id, source=bundle)
    seconds = time.perf_counter() - started  # includes the commit
    own_after, backend_after = cpu_seconds()
    if not report.succeeded:
        for error in report.errors[:20]:
            print("  ", error)
        raise SystemExit(f"{label} failed: {report.warnings}")
    report.cpu = (own_after - own, backend_after - backend)
    return report, seconds


def describe(report) -> tuple[int, int, int, int]:
    totals = [0, 0, 0, 0]
    for file in report.files.values():
        for i, value in enumerate((file.rows_read, file.created, file.updated, file.unchanged)):
            totals[i] += value
    return tuple(totals)


def print_timings(report) -> None:
    stages = {k: v for k, v in report.timings.items() if k != "total" and v >= 0.05}
    line = ", ".join(f"{k} {v:.2f}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1]))
    print(f"    CPU (s): python {report.cpu[0]:.2f}, PostgreSQL backend {report.cpu[1]:.2f}")
    print(f"    stages (s): {line}")


def cleanup(organization_id: int) -> None:
    started = time.perf_counter()
    with owner_role(), connection.cursor() as cursor:
        for spec in reversed(FILES):
            if spec.table == "clinics_clinic":
                continue
            cursor.execute(
                f"DELETE FROM {spec.table} WHERE organization_id = %s", [organization_id]
            )
        cursor.execute("DELETE FROM clinics_clinic WHERE organization_id = %s", [organization_id])
    print(f"cleanup {time.perf_counter() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=8)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--bundle", type=Path, default=None, help="an existing bundle folder")
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--cleanup", action="store_true", help="delete the rows afterwards")
    arguments = parser.parse_args()

    bundle = bundle_dir(arguments)
    files = csv_files(bundle)
    rows = count_rows(files)
    total_rows = sum(rows.values())
    size_mb = sum(path.stat().st_size for path in files) / 1e6
    visits = rows.get("visits", 0)
    print(
        f"bundle {bundle}: {visits:,} visits, {rows.get('charges', 0):,} charges,"
        f" {total_rows:,} rows in {len(files)} files, {size_mb:.0f} MB"
    )

    raw = raw_copy(files)
    print(
        f"(a) raw COPY into unindexed text tables: {raw:.2f} s,"
        f" {total_rows / raw:,.0f} rows/s, {visits / raw:,.0f} visits/s"
    )

    slug = f"bench-{uuid.uuid4().hex[:8]}"
    organization, _, _ = organization_create(
        slug=slug, name="Bench", owner_email=f"owner@{slug}.test", owner_password=uuid.uuid4().hex
    )
    report, seconds = run_import(organization.pk, bundle, "import")
    read, created, updated, unchanged = describe(report)
    print(
        f"(b) import_bundle, fresh organization {organization.pk}: {seconds:.2f} s,"
        f" {read / seconds:,.0f} rows/s, {visits / seconds:,.0f} visits/s,"
        f" created {created:,}, updated {updated:,}, unchanged {unchanged:,};"
        f" ratio to raw COPY {seconds / raw:.2f}x; peak RSS {peak_rss_mb():.0f} MB"
    )
    print_timings(report)

    if not arguments.no_reimport:
        report, again = run_import(organization.pk, bundle, "re-import")
        read, created, updated, unchanged = describe(report)
        print(
            f"(c) re-import, all unchanged: {again:.2f} s, {read / again:,.0f} rows/s,"
            f" {visits / again:,.0f} visits/s, created {created:,}, updated {updated:,},"
            f" unchanged {unchanged:,}; ratio to raw COPY {again / raw:.2f}x;"
            f" peak RSS {peak_rss_mb():.0f} MB"
        )
        print_timings(report)
    tables = list(dict.fromkeys(spec.table for spec in FILES))
    floor = write_floor(tables, organization.pk)
    print(
        "(d) write floor, the stored rows copied table to table: "
        + "; ".join(
            f"{label} {seconds:.2f} s ({seconds / raw:.2f}x raw COPY)"
            for label, seconds in (
                ("without indexes", floor.bare),
                ("with the product's indexes", floor.indexed),
                ("indexes built afterwards", floor.built_after),
            )
        )
    )
    if arguments.cleanup:
        cleanup(organization.pk)
    return 0


if __name__ == "__main__":
    sys.exit(main())
