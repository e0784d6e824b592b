"""The EMR export bundle importer end to end: counts, derived fields, idempotency,
updates, atomicity and partial imports."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps

from billing.models import ChargeLine, Claim, FeeSchedule, PatientPayment, Payer
from clinics.models import Clinic, Clinician, ScheduleCapacity
from episodes.imports.schema import FILES
from episodes.models import Appointment, Eligibility, Patient, PlanOfCare, Referral, Visit
from ptrevops.tenancy.context import tenant_context
from ptrevops.tenancy.roles import current_role
from tests.imports.bundles import SAMPLE, sample, write_bundle

pytestmark = pytest.mark.django_db

MODELS = [apps.get_model(spec.model) for spec in FILES]


def snapshot(organization) -> dict[str, list[tuple]]:
    """Every imported table's rows of the organization, as comparable tuples."""
    with tenant_context(organization.pk):
        return {
            model.__name__: sorted(
                tuple(str(value) for value in row)
                for row in model.objects.order_by("pk").values_list()
            )
            for model in MODELS
        }


def counts(organization) -> dict[str, int]:
    with tenant_context(organization.pk):
        return {model.__name__: model.objects.count() for model in MODELS}


def test_happy_path_counts_every_file_kind(org, tmp_path, run_import):
    report = run_import(org, write_bundle(tmp_path / "bundle", sample()))

    assert report.succeeded, report.errors
    assert report.errors == []
    for name, rows in SAMPLE.items():
        file = report.files[f"{name}.csv"]
        expected_created = len(rows) - (1 if name == "clinics" else 0)  # C1 existed
        assert (file.rows_read, file.created, file.failed) == (len(rows), expected_created, 0)
    clinics = report.files["clinics.csv"]
    assert (clinics.updated, clinics.unchanged) == (1, 0)
    assert list(report.files) == [f"{name}.csv" for name in SAMPLE]
    with tenant_context(org.pk):
        assert Clinic.objects.count() == 3  # C1, C2 from the fixture, C9 new
        assert Clinician.objects.count() == 2
        assert Appointment.objects.count() == 3
        assert ChargeLine.objects.count() == 3


def test_values_and_derived_fields(org, tmp_path, run_import):
    run_import(org, write_bundle(tmp_path / "bundle", sample()))

    with tenant_context(org.pk):
        medicare = Payer.objects.get(external_id="P1")
        assert (medicare.unit_rule, medicare.requires_auth, medicare.timely_filing_days) == (
            "cms_8_minute",
            False,
            365,
        )
        assert Payer.objects.get(external_id="P2").requires_auth is True
        fee = FeeSchedule.objects.get(payer=medicare, modifier="CQ")
        assert fee.allowed_amount == Decimal("26.78") and fee.effective_to is None
        assert Clinician.objects.get(external_id="T2").active is True  # "TRUE"
        referral = Referral.objects.get(external_id="R1")
        assert referral.diagnosis_codes == ["M54.5", "M25.561"]
        assert referral.source.external_id == "S1"
        eligibility = Eligibility.objects.get(external_id="E1")
        assert eligibility.active is True and eligibility.copay_amount == Decimal("20.00")
        assert eligibility.coinsurance_percent == Decimal("20") and eligibility.visit_limit is None
        assert PlanOfCare.objects.get(external_id="POC1").visits_per_week == Decimal("2.5")
        capacity = ScheduleCapacity.objects.get(clinic__external_id="C9")
        assert capacity.available_minutes == 420 and capacity.date == date(2026, 1, 5)

        ap1 = Appointment.objects.get(external_id="AP1")
        assert ap1.starts_at == datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
        assert ap1.local_date == date(2026, 1, 5)
        assert ap1.status_changed_at == datetime(2026, 1, 5, 14, 50, tzinfo=UTC)
        visit = Visit.objects.get(external_id="V2")
        assert visit.clinic.external_id == "C9"  # the appointment's clinic
        assert visit.total_timed_minutes is None

        charge = ChargeLine.objects.get(external_id="CH2")
        assert charge.modifiers == ["GP", "KX"] and charge.charge_amount == Decimal("100.00")
        assert charge.claim == Claim.objects.get(external_id="CL1")
        assert ChargeLine.objects.get(external_id="CH1").diagnosis_pointers == ["1", "2"]
        unbilled = ChargeLine.objects.get(external_id="CH3")
        assert unbilled.claim is None and unbilled.modifiers == [] and unbilled.minutes is None

        pp1 = PatientPayment.objects.get(external_id="PP1")
        assert pp1.visit.external_id == "V1" and pp1.collected_on == date(2026, 1, 5)


def test_utc_timestamps_take_the_clinic_local_date(org, tmp_path, run_import):
    """03:30Z on the 6th is the evening of the 5th in Los Angeles (clinic C9)."""
    run_import(org, write_bundle(tmp_path / "bundle", sample()))

    with tenant_context(org.pk):
        ap2 = Appointment.objects.get(external_id="AP2")
        assert ap2.starts_at == datetime(2026, 1, 6, 3, 30, tzinfo=UTC)
        assert ap2.local_date == date(2026, 1, 5)
        # Payment on a visit: the visit's clinic's zone; without one: the organization's.
        assert PatientPayment.objects.get(external_id="PP3").collected_on == date(2026, 1, 5)
        assert PatientPayment.objects.get(external_id="PP2").collected_on == date(2026, 1, 5)


def test_clinic_without_time_zone_falls_back_to_the_organization(org, tmp_path, run_import):
    files = sample()
    files["clinics"][1]["timezone"] = ""  # C9: organization zone America/New_York
    run_import(org, write_bundle(tmp_path / "bundle", files))

    with tenant_context(org.pk):
        # 03:30Z on the 6th is 22:30 on the 5th in New York.
        assert Appointment.objects.get(external_id="AP2").local_date == date(2026, 1, 5)
        files["appointments"][1]["starts_at"] = "2026-01-06T05:30:00Z"  # 00:30 on the 6th
    run_import(org, write_bundle(tmp_path / "bundle2", {"appointments": files["appointments"]}))
    with tenant_context(org.pk):
        assert Appointment.objects.get(external_id="AP2").local_date == date(2026, 1, 6)


def test_second_import_changes_nothing(org, tmp_path, run_import):
    bundle = write_bundle(tmp_path / "bundle", sample())
    run_import(org, bundle)
    before = snapshot(org)

    report = run_import(org, bundle)

    assert report.succeeded
    for name, rows in SAMPLE.items():
        file = report.files[f"{name}.csv"]
        assert (file.created, file.updated, file.unchanged) == (0, 0, len(rows)), name
    assert snapshot(org) == before


def test_one_changed_row_is_one_update(org, tmp_path, run_import):
    run_import(org, write_bundle(tmp_path / "bundle", sample()))
    files = sample()
    files["charges"][1]["charge_amount"] = "101.00"
    files["patients"][0]["zip"] = "60602"

    report = run_import(org, write_bundle(tmp_path / "changed", files))

    charges, patients = report.files["charges.csv"], report.files["patients.csv"]
    assert (charges.created, charges.updated, charges.unchanged) == (0, 1, 2)
    assert (patients.created, patients.updated, patients.unchanged) == (0, 1, 1)
    assert report.files["visits.csv"].unchanged == 2
    with tenant_context(org.pk):
        assert ChargeLine.objects.get(external_id="CH2").charge_amount == Decimal("101.00")


def test_a_delta_bundle_references_rows_imported_before(org, tmp_path, run_import):
    run_import(org, write_bundle(tmp_path / "bundle", sample()))
    delta = {
        "charges": [
            {"charge_id": "CH4", "visit_id": "V2", "cpt_code": "97110", "units": "1",
             "charge_amount": "45.00", "claim_id": "CL1"},
        ]
    }  # fmt: skip

    report = run_import(org, write_bundle(tmp_path / "delta", delta))

    assert report.succeeded and report.files["charges.csv"].created == 1
    assert list(report.files) == ["charges.csv"]


def test_a_bad_row_in_the_last_file_rolls_back_everything(org, tmp_path, run_import):
    before = snapshot(org)
    files = sample()
    files["patient_payments"][2]["amount"] = "10.001"

    report = run_import(org, write_bundle(tmp_path / "bundle", files))

    assert not report.succeeded
    assert [(e.file, e.line, e.column) for e in report.errors] == [
        ("patient_payments.csv", 4, "amount")
    ]
    assert "at most 2 places" in report.errors[0].reason
    assert report.files["patient_payments.csv"].failed == 1
    assert snapshot(org) == before


def test_partial_import_keeps_the_good_rows(org, tmp_path, run_import):
    files = sample()
    files["charges"][0]["units"] = "one"
    files["appointments"][2]["clinician_id"] = "T404"  # AP3: dangling

    report = run_import(org, write_bundle(tmp_path / "bundle", files), partial=True)

    assert report.succeeded
    assert [(e.file, e.line, e.column) for e in report.errors] == [
        ("appointments.csv", 4, "clinician_id"),
        ("charges.csv", 2, "units"),
    ]
    assert (report.files["charges.csv"].created, report.files["charges.csv"].failed) == (2, 1)
    assert report.files["appointments.csv"].created == 2
    with tenant_context(org.pk):
        assert sorted(ChargeLine.objects.values_list("external_id", flat=True)) == ["CH2", "CH3"]
        assert not Appointment.objects.filter(external_id="AP3").exists()


def test_a_failed_parent_row_fails_its_children_in_partial_mode(org, tmp_path, run_import):
    files = sample()
    files["visits"][1]["date_of_service"] = "2026-13-01"  # V2 fails…

    report = run_import(org, write_bundle(tmp_path / "bundle", files), partial=True)

    # …and so do the charge and the payment that point at it.
    assert {(e.file, e.line, e.column) for e in report.errors} == {
        ("visits.csv", 3, "date_of_service"),
        ("charges.csv", 4, "visit_id"),
        ("patient_payments.csv", 4, "visit_id"),
    }
    assert report.files["charges.csv"].created == 2
    cascaded = [error.reason for error in report.errors if error.file != "visits.csv"]
    assert cascaded == ["'V2' is on a row of visits.csv that failed"] * 2


def test_the_import_runs_as_the_application_role_under_row_level_security(
    org, tmp_path, run_import
):
    roles = set()

    def progress(stage: str, rows: int) -> None:
        roles.add(current_role())

    report = run_import(org, write_bundle(tmp_path / "bundle", sample()), progress=progress)

    assert report.succeeded
    assert roles == {"ptrevops_app"}


def test_progress_is_reported_per_file(org, tmp_path, run_import):
    seen = []
    run_import(
        org,
        write_bundle(tmp_path / "bundle", sample()),
        progress=lambda stage, rows: seen.append((stage, rows)),
    )
    assert ("charges", 3) in seen and ("charges.done", 3) in seen


def test_must_run_in_the_organizations_scope(org, other_org, tmp_path):
    from episodes.imports import import_bundle

    with tenant_context(other_org.pk), pytest.raises(RuntimeError, match="tenant_context"):
        import_bundle(organization_id=org.pk, source=tmp_path)


def test_report_is_json_serialisable(org, tmp_path, run_import):
    files = sample()
    files["payers"][0]["type"] = "insurance"
    report = run_import(org, write_bundle(tmp_path / "bundle", files))

    document = json.loads(json.dumps(report.as_dict()))
    assert document["succeeded"] is False
    assert document["errors"][0] == {
        "file": "payers.csv",
        "line": 2,
        "column": "type",
        "reason": document["errors"][0]["reason"],
    }
    assert document["files"]["payers.csv"]["failed"] == 1
    assert "total" in document["timings"] and "charges.upsert" in document["timings"]


def test_new_changed_and_unchanged_rows_in_one_file(org, tmp_path, run_import):
    run_import(org, write_bundle(tmp_path / "bundle", sample()))
    files = sample()
    files["patients"][0]["last_name"] = "Lovelace"
    files["patients"].append(
        {"patient_id": "PT9", "first_name": "New", "last_name": "Patient",
         "birth_date": "1990-01-01", "sex": "", "zip": ""}
    )  # fmt: skip
    files["fee_schedules"][0]["allowed_amount"] = "32.00"
    files["fee_schedules"].append({**files["fee_schedules"][0], "effective_from": "2027-01-01"})

    report = run_import(org, write_bundle(tmp_path / "delta", files))

    assert report.succeeded, report.errors
    patients, fees = report.files["patients.csv"], report.files["fee_schedules.csv"]
    assert (patients.created, patients.updated, patients.unchanged) == (1, 1, 1)
    unchanged_fees = len(files["fee_schedules"]) - 2
    assert (fees.created, fees.updated, fees.unchanged) == (1, 1, unchanged_fees)
    with tenant_context(org.pk):
        assert Patient.objects.get(external_id="PT1").last_name == "Lovelace"
        assert Patient.objects.get(external_id="PT9").first_name == "New"


def test_text_with_tabs_backslashes_and_line_breaks_round_trips(org, tmp_path, run_import):
    files = sample()
    files["patients"][0]["last_name"] = 'Back\\slash\ttab "q"\nline \\N'

    report = run_import(org, write_bundle(tmp_path / "bundle", files))

    assert report.succeeded, report.errors
    with tenant_context(org.pk):
        patient = Patient.objects.get(external_id="PT1")
        assert patient.last_name == 'Back\\slash\ttab "q"\nline \\N'


def test_an_update_writes_only_the_columns_the_file_has(org, tmp_path, run_import):
    run_import(org, write_bundle(tmp_path / "bundle", sample()))
    before = snapshot(org)
    required = ["appointment_id", "patient_id", "clinic_id", "clinician_id", "starts_at",
                "duration_minutes", "status"]  # fmt: skip
    rows = [
        {name: row[name] for name in [*required, "visit_type"]} for row in SAMPLE["appointments"]
    ]
    rows[0].update(status="arrived", visit_type="")  # a blank present cell is a value

    report = run_import(org, write_bundle(tmp_path / "delta", {"appointments": rows}))

    assert report.succeeded, report.errors
    file = report.files["appointments.csv"]
    assert (file.created, file.updated, file.unchanged) == (0, 1, 2)
    with tenant_context(org.pk):
        ap1 = Appointment.objects.select_related("episode").get(external_id="AP1")
    assert (ap1.status, ap1.visit_type) == ("arrived", "")
    # Not in the file: left as they were.
    assert ap1.episode.external_id == "EP1"
    assert ap1.status_changed_at == datetime(2026, 1, 5, 14, 50, tzinfo=UTC)
    after = snapshot(org)
    assert {k: v for k, v in after.items() if k != "Appointment"} == {
        k: v for k, v in before.items() if k != "Appointment"
    }


def test_a_derived_column_needs_all_its_inputs_in_the_file(org, tmp_path, run_import):
    """collected_on is taken in the visit's clinic's time zone: a file without visit_id
    leaves it (and the visit) alone instead of recomputing it in the organization's."""
    run_import(org, write_bundle(tmp_path / "bundle", sample()))
    rows = [{k: v for k, v in row.items() if k != "visit_id"} for row in SAMPLE["patient_payments"]]

    report = run_import(org, write_bundle(tmp_path / "delta", {"patient_payments": rows}))

    assert report.succeeded, report.errors
    file = report.files["patient_payments.csv"]
    assert (file.created, file.updated, file.unchanged) == (0, 0, 3)
    with tenant_context(org.pk):
        pp3 = PatientPayment.objects.select_related("visit").get(external_id="PP3")
    assert (pp3.visit.external_id, pp3.collected_on) == ("V2", date(2026, 1, 5))
