"""A run that writes many rows refreshes the planner statistics of the tables it wrote."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from clinics import planner_statistics
from clinics.choices import ImportStatus
from clinics.models import Clinic
from ptrevops.tenancy.context import tenant_context
from ptrevops.tenancy.roles import owner_role
from tests.imports_runs.test_import_runs import _create, _execute, fake_importer  # noqa: F401

pytestmark = pytest.mark.django_db


def _reltuples(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_bulk_run_analyses_the_tables_it_wrote(org, fake_importer, monkeypatch):  # noqa: F811
    monkeypatch.setattr(planner_statistics, "BULK_ROWS", 1)
    run = _execute(org, _create(org))
    assert run.status == ImportStatus.SUCCEEDED
    with owner_role():
        rows = Clinic.objects.unscoped().count()
    # ANALYZE of a small table samples every row: its estimate is now the exact count.
    assert _reltuples("clinics_clinic") == rows


def test_small_and_failed_runs_analyse_nothing(org, fake_importer, monkeypatch):  # noqa: F811
    analysed = []
    monkeypatch.setattr(planner_statistics, "analyze", analysed.append)
    _execute(org, _create(org))
    fake_importer["succeeded"] = False
    _execute(org, _create(org, content=b"clinic_id,name\nC8,Eighth\n"))
    assert analysed == [[]]  # the small run found no table to analyse; the failed run none


def test_which_tables_a_report_names():
    bundle = {
        "files": {
            "visits.csv": {"created": 25_000, "updated": 0},
            "charges.csv": {"created": 10_000, "updated": 10_000},
            "clinics.csv": {"created": 3, "updated": 0},
        }
    }
    assert planner_statistics.bundle_tables_written(bundle) == [
        "episodes_visit",
        "billing_chargeline",
    ]
    remittance = {"claim_payments_posted": 30_000, "service_payments_posted": 90_000}
    assert planner_statistics.remittance_tables_written(remittance) == [
        "billing_claimpayment",
        "billing_servicepayment",
    ]


@pytest.mark.django_db(transaction=True)
def test_many_small_runs_add_up_to_stale_statistics(org, monkeypatch):
    """Rows written by earlier runs count: once a table changed by a tenth of the rows
    it was analysed with, the next run that writes to it analyses it."""
    monkeypatch.setattr(planner_statistics, "STALE_MIN_ROWS", 10)
    bundle = {"files": {"clinics.csv": {"created": 1, "updated": 0}}}
    with owner_role(), connection.cursor() as cursor:
        cursor.execute('ANALYZE "clinics_clinic"')
    analysed_with = _reltuples("clinics_clinic")
    with tenant_context(org.pk):
        for number in range(max(12, int(analysed_with * 0.1) + 2)):
            Clinic.objects.create(
                organization=org,
                external_id=f"S{number}",
                name=f"Small run {number}",
                timezone="America/Chicago",
            )
    # The server's counters take this session's writes when it goes idle (forced by
    # stale(), but on a loaded server the flush may land a moment later).
    for _ in range(50):
        if planner_statistics.stale(["clinics_clinic"]):
            break
        time.sleep(0.1)
    assert planner_statistics.stale(["clinics_clinic"]) == ["clinics_clinic"]
    planner_statistics.after_run(True, bundle)
    with owner_role():
        rows = Clinic.objects.unscoped().count()
    assert _reltuples("clinics_clinic") == rows
    assert planner_statistics.stale(["clinics_clinic"]) == []
