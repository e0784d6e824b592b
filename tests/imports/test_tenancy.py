"""Two organizations importing bundles with the same EMR ids never touch each other."""

from __future__ import annotations

import pytest

from billing.models import ChargeLine, Payer
from episodes.models import Appointment, Patient, Visit
from ptrevops.tenancy.context import tenant_context
from tests.imports.bundles import sample, write_bundle

pytestmark = pytest.mark.django_db


def test_same_external_ids_in_two_organizations_stay_apart(org, other_org, tmp_path, run_import):
    run_import(org, write_bundle(tmp_path / "a", sample()))
    files = sample()
    files["patients"][0]["last_name"] = "Lovelace"
    files["charges"][0]["charge_amount"] = "175.00"

    report = run_import(other_org, write_bundle(tmp_path / "b", files))

    # Everything is new for B: A's rows with the same ids are neither matched nor changed.
    assert report.succeeded
    assert report.files["patients.csv"].created == 2
    assert report.files["charges.csv"].created == 3
    with tenant_context(org.pk):
        assert Patient.objects.get(external_id="PT1").last_name == "Byron"
        assert str(ChargeLine.objects.get(external_id="CH1").charge_amount) == "150.00"
        assert ChargeLine.objects.count() == 3 and Visit.objects.count() == 2
    with tenant_context(other_org.pk):
        assert Patient.objects.get(external_id="PT1").last_name == "Lovelace"
        assert str(ChargeLine.objects.get(external_id="CH1").charge_amount) == "175.00"
        assert ChargeLine.objects.count() == 3 and Visit.objects.count() == 2
        # B's visits point at B's appointments and clinics, not A's.
        for visit in Visit.objects.select_related("appointment", "clinic"):
            assert visit.appointment.organization_id == other_org.pk
            assert visit.clinic.organization_id == other_org.pk
    assert ChargeLine.objects.unscoped().count() == 0  # no scope: RLS shows nothing

    # Re-importing A's bundle still finds A's rows unchanged.
    again = run_import(org, tmp_path / "a")
    assert again.files["charges.csv"].unchanged == 3 and again.files["charges.csv"].updated == 0


def test_a_reference_to_another_organizations_row_is_dangling(org, other_org, tmp_path, run_import):
    run_import(org, write_bundle(tmp_path / "a", sample()))
    # B has its own patients, but P1 (a payer) exists only in A.
    files = sample()
    delta = {"patients": files["patients"], "eligibility": files["eligibility"]}

    report = run_import(other_org, write_bundle(tmp_path / "b", delta))

    assert not report.succeeded
    assert [(e.file, e.line, e.column) for e in report.errors] == [
        ("eligibility.csv", 2, "payer_id")
    ]
    with tenant_context(other_org.pk):
        assert not Patient.objects.exists() and not Payer.objects.exists()


def test_appointments_use_their_own_organizations_clinics(org, other_org, tmp_path, run_import):
    """Both organizations have a clinic C1 (from the fixtures) with different zones."""
    files = sample()
    run_import(org, write_bundle(tmp_path / "a", files))
    files["clinics"][0]["timezone"] = "Asia/Tokyo"
    files["appointments"][0]["starts_at"] = "2026-01-05T20:00:00Z"  # 05:00 on the 6th
    run_import(other_org, write_bundle(tmp_path / "b", files))

    with tenant_context(org.pk):
        assert str(Appointment.objects.get(external_id="AP1").local_date) == "2026-01-05"
    with tenant_context(other_org.pk):
        assert str(Appointment.objects.get(external_id="AP1").local_date) == "2026-01-06"
