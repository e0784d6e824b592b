"""Generated data sets shared by the generator tests (built once per test session).

* ``small_bundle``: 2 clinics x 6 months, the default for format and integrity checks.
* ``year_bundle``: 3 clinics x 12 months, big enough that every denial root cause,
  reversal and provider-level adjustment kind shows up.

The end date is fixed so the bytes never depend on the day the tests run.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

from ptrevops.generator import generate
from tests.generator.x12_balance import read_transactions

END = date(2025, 6, 30)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    summary = generate(out, clinics=2, months=6, seed=11, end=END, workers=2)
    return out, summary


@pytest.fixture(scope="session")
def small_bundle(small_run) -> Path:
    return small_run[0]


@pytest.fixture(scope="session")
def year_bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("year")
    generate(out, clinics=3, months=12, seed=5, end=END, workers=2)
    return out


@lru_cache(maxsize=4)
def remittances(root: Path) -> tuple:
    """(file, transaction) pairs of every 835 under ``root``, parsed once per session."""
    return tuple(
        (path, transaction)
        for path in sorted((root / "835").glob("*.835"))
        for transaction in read_transactions(path)
    )


@lru_cache(maxsize=64)
def read_rows(root: Path, name: str) -> list[dict[str, str]]:
    """Rows of ``bundle/<name>.csv`` (or ``truth/``) as dicts, read with the csv module.

    Cached: the files never change during a session; callers must not modify the rows.
    """
    folder = "truth" if name == "deliberate_errors" else "bundle"
    with open(root / folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
