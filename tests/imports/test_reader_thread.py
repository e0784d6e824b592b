"""The bundle's files are read and validated in a thread, ahead of the SQL: its
errors, counts and failures reach the run as if it were read inline."""

from __future__ import annotations

import threading

import pytest

from episodes.imports import service
from episodes.imports.report import MAX_ERRORS_PER_FILE
from episodes.models import Patient
from ptrevops.tenancy.context import tenant_context
from tests.imports.bundles import sample, write_bundle

pytestmark = pytest.mark.django_db


def readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "bundle-reader" and t.is_alive()]


def test_errors_beyond_the_listed_share_are_counted_and_explain_dependants(
    org, tmp_path, run_import
):
    files = sample()
    bad = MAX_ERRORS_PER_FILE + 200
    files["patients"] += [
        {**files["patients"][0], "patient_id": f"BAD{i}", "birth_date": "1990-02-30"}
        for i in range(bad)
    ]
    files["episodes"].append({**files["episodes"][0], "episode_id": "EP9", "patient_id": "BAD7"})

    report = run_import(org, write_bundle(tmp_path / "b", files), partial=True)

    assert report.errors_in("patients.csv") == bad
    assert sum(e.file == "patients.csv" for e in report.errors) == MAX_ERRORS_PER_FILE
    assert "patients.csv: 200 more errors not listed" in report.warnings
    assert report.files["patients.csv"].failed == bad
    [episode_error] = [e for e in report.errors if e.file == "episodes.csv"]
    assert episode_error.reason == "'BAD7' is on a row of patients.csv that failed"
    with tenant_context(org.pk):
        assert Patient.objects.count() == len(sample()["patients"])


def test_a_failure_in_the_sql_stops_the_reader_and_writes_nothing(
    org, tmp_path, run_import, monkeypatch
):
    def failing(write):
        def run(cursor, spec, *args):
            if spec.name == "episodes":
                raise RuntimeError("the server went away")
            return write(cursor, spec, *args)

        return run

    # A first load into empty tables goes through first_load, anything else upsert.
    for name in ("first_load", "upsert"):
        monkeypatch.setattr(service, name, failing(getattr(service, name)))
    with pytest.raises(RuntimeError, match="went away"):
        run_import(org, write_bundle(tmp_path / "b", sample()))
    assert readers() == []
    with tenant_context(org.pk):
        assert not Patient.objects.exists()


def test_a_failure_in_the_reader_reaches_the_caller(org, tmp_path, run_import, monkeypatch):
    prepare = service.prepare_file

    def failing(spec, *args):
        if spec.name == "visits":
            raise MemoryError("no room for the visits")
        return prepare(spec, *args)

    monkeypatch.setattr(service, "prepare_file", failing)
    with pytest.raises(MemoryError, match="visits"):
        run_import(org, write_bundle(tmp_path / "b", sample()))
    assert readers() == []
    with tenant_context(org.pk):
        assert not Patient.objects.exists()


def test_files_read_ahead_are_closed_when_the_run_stops(org, tmp_path, run_import, monkeypatch):
    """The reader is up to LOOKAHEAD files ahead; a failed run closes their spools."""
    prepare = service.prepare_file
    prepared = []

    def recording(spec, *args):
        result = prepare(spec, *args)
        prepared.append(result)
        return result

    def failing(cursor, spec, *args):
        raise RuntimeError("the server went away")

    monkeypatch.setattr(service, "prepare_file", recording)
    monkeypatch.setattr(service, "first_load", failing)
    with pytest.raises(RuntimeError, match="went away"):
        run_import(org, write_bundle(tmp_path / "b", sample()))
    assert readers() == []
    assert len(prepared) > 1  # the reader had gone ahead of the failed file
    assert all(p.spool is None for p in prepared)
