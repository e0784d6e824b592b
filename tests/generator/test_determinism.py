"""Same arguments, same bytes: twice in a row, and whatever the number of workers."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ptrevops.generator import generate
from tests.generator.conftest import END


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_arguments_give_identical_files_for_any_worker_count(small_run, tmp_path):
    first, summary = small_run  # seed 11, workers=2
    single = tmp_path / "single"
    generate(single, clinics=2, months=6, seed=11, end=END, workers=1)
    expected = _digests(first)
    assert len(expected) > 20  # the bundle, the truth file, the manifest and the 835s
    assert _digests(single) == expected
    assert summary.rows("visits") > 0


def test_running_twice_gives_identical_files_and_another_seed_does_not(tmp_path):
    runs = {}
    for name, seed in (("first", 21), ("again", 21), ("other", 22)):
        generate(tmp_path / name, clinics=1, months=2, seed=seed, end=END, workers=2)
        runs[name] = _digests(tmp_path / name)
    assert runs["first"] == runs["again"]
    assert runs["first"]["bundle/visits.csv"] != runs["other"]["bundle/visits.csv"]


def test_summary_counts_match_the_files(small_run):
    root, summary = small_run
    for name, item in summary.files.items():
        path = root / name
        lines = path.read_bytes().count(b"\r\n")
        assert item.rows == lines - 1, name
        assert item.bytes == path.stat().st_size, name
    remittances = list((root / "835").glob("*.835"))
    assert summary.remittance_files == len(remittances)
    assert summary.remittance_bytes == sum(path.stat().st_size for path in remittances)
