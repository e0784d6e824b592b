"""``generate()``: run every clinic (in worker processes), then assemble the output.

Output layout under ``out_dir``:

* ``bundle/*.csv`` - the EMR export bundle of spec/emr-export.md, every file with its
  canonical header;
* ``835/YYYYMMDD_<payer_code>.835`` - one file per payer per payment run, one ST/SE per
  clinic paid in that run;
* ``truth/deliberate_errors.csv`` - the answer key of the planted defects (not part of
  the import contract);
* ``manifest.json`` - the arguments and the row counts (no timings, so it is
  deterministic too).

Clinics are simulated in parallel and their parts appended in clinic order as they
finish (``imap`` keeps the order), so the bytes are the same for any ``workers``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from datetime import date
from pathlib import Path

from billing.rules.codes import CPT_CODES
from ptrevops.generator.clinic_simulation import CLINIC_FILES, ClinicResult, ClinicSimulation
from ptrevops.generator.csv_writer import (
    BUNDLE_HEADERS,
    LINE_END,
    TRUTH_HEADERS,
    header_line,
)
from ptrevops.generator.identifiers import quote_csv
from ptrevops.generator.money import format_cents
from ptrevops.generator.organization import OrganizationPlan, build_organization
from ptrevops.generator.remittance_835 import plan_remittance_files, write_remittance_files
from ptrevops.generator.summary import FileSummary, GenerationSummary

PARTS = ".parts"


def _run_clinic(arguments: tuple[int, int, int, str, int, str]) -> ClinicResult:
    seed, clinics, months, end_text, clinic_index, parts = arguments
    organization = build_organization(seed, clinics, months, date.fromisoformat(end_text))
    clinic = organization.clinics[clinic_index - 1]
    directory = Path(parts) / clinic.clinic_id
    return ClinicSimulation(organization, clinic, directory).run()


def _write_remittances(arguments: tuple) -> tuple[int, int, int]:
    seed, clinics, months, end_text, out_dir, part_paths, files = arguments
    organization = build_organization(seed, clinics, months, date.fromisoformat(end_text))
    return write_remittance_files(
        Path(out_dir),
        organization.payers,
        organization.receiver_id,
        [Path(path) for path in part_paths],
        files,
    )


def _split(files: list, pieces: int) -> list[list]:
    """Contiguous slices of about equal bytes, one per process."""
    total = sum(length for _, _, entries in files for _, _, length, _ in entries)
    slices: list[list] = [[] for _ in range(pieces)]
    running = 0
    for item in files:
        position = min(pieces - 1, running * pieces // max(total, 1))
        slices[position].append(item)
        running += sum(length for _, _, length, _ in item[2])
    return [piece for piece in slices if piece]


def _clean(out_dir: Path) -> None:
    """Remove what a previous run of the generator left (only its own files)."""
    for name in list(BUNDLE_HEADERS):
        (out_dir / "bundle" / f"{name}.csv").unlink(missing_ok=True)
    for name in TRUTH_HEADERS:
        (out_dir / "truth" / f"{name}.csv").unlink(missing_ok=True)
    remittances = out_dir / "835"
    if remittances.is_dir():
        for path in remittances.glob("*.835"):
            path.unlink()
    shutil.rmtree(out_dir / PARTS, ignore_errors=True)
    (out_dir / "manifest.json").unlink(missing_ok=True)


def _organization_rows(organization: OrganizationPlan) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {"clinics": [], "payers": [], "fee_schedules": []}
    for clinic in organization.clinics:
        rows["clinics"].append(f"{clinic.clinic_id},{clinic.name},{clinic.state},{clinic.timezone}")
    for payer in organization.payers:
        rows["payers"].append(
            f"{payer.payer_id},{quote_csv(payer.name)},{payer.type},{payer.unit_rule},"
            f"{'true' if payer.requires_auth else 'false'},{payer.payer_code}"
        )
        for first, last, fees in payer.fee_periods:
            start = date.fromordinal(first).isoformat()
            end = date.fromordinal(last).isoformat() if last is not None else ""
            for code in CPT_CODES:
                if code in fees:
                    rows["fee_schedules"].append(
                        f"{payer.payer_id},{code},{format_cents(fees[code])},{start},{end},"
                    )
    return rows


def generate(
    out_dir: Path,
    *,
    clinics: int,
    months: int,
    seed: int,
    end: date,
    workers: int | None = os.cpu_count(),
) -> GenerationSummary:
    """Write a clinic group's EMR bundle and 835s into ``out_dir``: same arguments, same bytes."""
    if clinics < 1 or clinics > 999:
        raise ValueError("clinics must be between 1 and 999")
    if months < 1:
        raise ValueError("months must be at least 1")
    began = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean(out_dir)
    bundle = out_dir / "bundle"
    truth = out_dir / "truth"
    bundle.mkdir(exist_ok=True)
    truth.mkdir(exist_ok=True)
    (out_dir / "835").mkdir(exist_ok=True)
    parts = out_dir / PARTS
    parts.mkdir()
    organization = build_organization(seed, clinics, months, end)
    summary = GenerationSummary(
        out_dir=out_dir,
        clinics=clinics,
        months=months,
        seed=seed,
        start=organization.start,
        end=end,
    )
    row_counts: dict[str, int] = {}
    for name, rows in _organization_rows(organization).items():
        text = header_line(BUNDLE_HEADERS[name]) + "".join(row + LINE_END for row in rows)
        (bundle / f"{name}.csv").write_bytes(text.encode("utf-8"))
        row_counts[name] = len(rows)

    outputs = {}
    for name in CLINIC_FILES:
        target = (truth if name in TRUTH_HEADERS else bundle) / f"{name}.csv"
        columns = TRUTH_HEADERS.get(name) or BUNDLE_HEADERS[name]
        handle = open(target, "wb")  # noqa: SIM115
        handle.write(header_line(columns).encode("utf-8"))
        outputs[name] = handle
        row_counts[name] = 0
    group_rows = [
        f"{source.source_id},{source.name},{source.kind},{source.npi},{source.practice}"
        for source in organization.group_sources
    ]
    outputs["referral_sources"].write("".join(row + LINE_END for row in group_rows).encode("utf-8"))
    row_counts["referral_sources"] += len(group_rows)

    tasks = [
        (seed, clinics, months, end.isoformat(), index, str(parts))
        for index in range(1, clinics + 1)
    ]
    part_paths: list[str] = []
    indexes: list[list[tuple[int, int, int, int, int]]] = []
    claim_payments = 0
    workers = max(1, min(workers or 1, clinics))
    pool = None
    phase = time.perf_counter()
    try:
        if workers == 1:
            results = map(_run_clinic, tasks)
        else:
            pool = multiprocessing.get_context("spawn").Pool(workers)
            results = pool.imap(_run_clinic, tasks, chunksize=1)
        for result in results:
            directory = Path(result.part_directory)
            for name in CLINIC_FILES:
                part = directory / f"{name}.part"
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, outputs[name], 1 << 22)
                part.unlink()
                row_counts[name] += result.row_counts[name]
            part_paths.append(str(directory / "remittances.part"))
            indexes.append(result.remittance_index)
            claim_payments += result.claim_payments
        for handle in outputs.values():
            handle.close()
        summary.phase_seconds["clinics"] = time.perf_counter() - phase
        phase = time.perf_counter()
        files = plan_remittance_files(indexes)
        remittance_tasks = [
            (seed, clinics, months, end.isoformat(), str(out_dir / "835"), part_paths, piece)
            for piece in _split(files, workers)
        ]
        if pool is not None:
            totals = pool.map(_write_remittances, remittance_tasks, chunksize=1)
        else:
            totals = [_write_remittances(task) for task in remittance_tasks]
        summary.phase_seconds["remittances"] = time.perf_counter() - phase
    finally:
        for handle in outputs.values():
            handle.close()
        if pool is not None:
            pool.close()
            pool.join()
    written = sum(total[0] for total in totals)
    transactions = sum(total[1] for total in totals)
    remittance_bytes = sum(total[2] for total in totals)
    shutil.rmtree(parts, ignore_errors=True)
    for name in BUNDLE_HEADERS:
        path = bundle / f"{name}.csv"
        summary.files[f"bundle/{name}.csv"] = FileSummary(row_counts[name], path.stat().st_size)
    for name in TRUTH_HEADERS:
        path = truth / f"{name}.csv"
        summary.files[f"truth/{name}.csv"] = FileSummary(row_counts[name], path.stat().st_size)
    summary.remittance_files = written
    summary.remittance_transactions = transactions
    summary.remittance_claim_payments = claim_payments
    summary.remittance_bytes = remittance_bytes
    (out_dir / "manifest.json").write_text(
        json.dumps(summary.as_manifest(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    summary.seconds = time.perf_counter() - began
    return summary
