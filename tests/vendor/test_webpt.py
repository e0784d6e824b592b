"""WebPT Standard Extract: documented tables only, export_flag honoured."""

from __future__ import annotations

import csv

import pytest

from billing.models import ChargeLine
from clinics.choices import ImportStatus
from clinics.models import ColumnMappingProfile
from episodes.models import Appointment, Authorization
from episodes.vendor.convert import convert, source_files, webpt_plans
from ptrevops.tenancy.context import tenant_context
from tests.vendor.conftest import csv_bytes, zip_bytes

pytestmark = pytest.mark.django_db

CHARGES = [
    "export_flag", "visit_date", "record_pointer", "cpt", "clinic_id", "patient_id", "case_id",
    "visit_id", "therapist_id", "insurance_id", "insurance_type_id", "units", "charge_amount",
    "note_type", "cpt_modifier", "note_finalized_date",
]  # fmt: skip
APPOINTMENTS = [
    "export_flag", "appointment_id", "start_date", "end_date", "check_in_time",
    "check_out_time", "clinic_id", "therapist_id", "appointment_type", "case_id", "patient_id",
    "appointment_status", "reason",
]  # fmt: skip
AUTHORIZATIONS = [
    "export_flag", "auth_number", "auth_start_date", "auth_end_date", "visit_authorized_for",
    "authorization_status", "ins_name", "policy_number", "payer_type",
]  # fmt: skip


def charge(flag, pointer, visit="V1", cpt="97110", units="1", amount="$45.00", mod="GP"):
    return [flag, "01/05/2026", pointer, cpt, "C1", "PT1", "EP1", visit, "T1", "I1", "2",
            units, amount, "DN", mod, "01/05/2026"]  # fmt: skip


def appointment(flag, appt_id, start="01/12/2026 09:00 AM", end="01/12/2026 09:45 AM",
                status="Scheduled"):  # fmt: skip
    return [flag, appt_id, start, end, "", "", "C1", "T1", "Follow Up", "EP1", "PT1", status, ""]


EXTRACT = {
    "WebPT_Charges_20260106.csv": csv_bytes(
        CHARGES,
        charge("1", "R100", amount="$1,045.50", mod="GP,59", units="2"),
        charge("2", "CH2", cpt="97110", amount="$100.00", mod="GP"),
    ),
    "WebPT_Appointments_20260106.csv": csv_bytes(
        APPOINTMENTS,
        appointment("1", "AP10"),
        appointment("2", "AP3", "01/08/2026 09:00 AM", "01/08/2026 09:30 AM", "No Show"),
    ),
    "WebPT_Payment_Adjustments_20260106.csv": csv_bytes(
        ["export_flag", "payment_adjustment_id", "charge_id"], ["1", "PA1", "R100"]
    ),
    "WebPT_Notes_20260106.csv": csv_bytes(["export_flag", "note_id"], ["1", "N1"]),
}


def _rows(path):
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_documented_tables_map_to_exact_canonical_rows(tmp_path):
    source = tmp_path / "extract.zip"
    source.write_bytes(zip_bytes(EXTRACT))
    warnings: list[str] = []
    plans, errors = webpt_plans(source_files(source, "extract.zip"), [], warnings)
    assert errors == []
    out = tmp_path / "bundle"
    out.mkdir()
    conversion = convert(plans, out, default_timezone="America/Chicago")
    assert conversion.errors == []
    assert sorted(p.name for p in out.iterdir()) == ["appointments.csv", "charges.csv"]
    assert _rows(out / "charges.csv") == [
        ["charge_id", "visit_id", "cpt_code", "units", "charge_amount", "modifiers"],
        ["R100", "V1", "97110", "2", "1045.50", "GP;59"],
        ["CH2", "V1", "97110", "1", "100.00", "GP"],
    ]
    assert _rows(out / "appointments.csv") == [
        [
            "appointment_id",
            "patient_id",
            "clinic_id",
            "clinician_id",
            "starts_at",
            "duration_minutes",
            "status",
            "episode_id",
        ],  # fmt: skip
        ["AP10", "PT1", "C1", "T1", "2026-01-12T09:00:00-06:00", "45", "scheduled", "EP1"],
        ["AP3", "PT1", "C1", "T1", "2026-01-08T09:00:00-06:00", "30", "no_show", "EP1"],
    ]
    assert any("Payment adjustments" in w and "not imported" in w for w in warnings)
    assert any("WebPT_Notes_20260106.csv" in w and "not a documented" in w for w in warnings)


def test_authorizations_need_the_undocumented_patient_and_payer(tmp_path):
    source = tmp_path / "Authorizations.csv"
    source.write_bytes(
        csv_bytes(
            AUTHORIZATIONS,
            [
                "1",
                "AUTH-9",
                "01/05/2026",
                "03/05/2026",
                "12",
                "Active",
                "Acme Health",
                "POL1",
                "Commercial",
            ],
        )  # fmt: skip
    )
    plans, errors = webpt_plans(source_files(source, "Authorizations.csv"), [], [])
    assert plans == []
    assert [(e.file, e.line) for e in errors] == [("Authorizations.csv", 1)]
    assert "authorizations.csv needs patient_id, payer_id" in errors[0].reason
    assert "not documented" in errors[0].reason


def test_import_upserts_and_honours_removals(base, run_vendor, row_errors):
    run = run_vendor(base, zip_bytes(EXTRACT), "extract.zip", "webpt")
    assert run.status == ImportStatus.SUCCEEDED, row_errors(base, run)
    with tenant_context(base.pk):
        assert ChargeLine.objects.get(external_id="R100").charge_amount == 1045.50
        assert Appointment.objects.get(external_id="AP3").status == "no_show"
        assert Appointment.objects.get(external_id="AP10").duration_minutes == 45
    removal = {
        "charges.csv": csv_bytes(CHARGES, charge("3", "R100", amount="", units="")),
        "appointments.csv": csv_bytes(APPOINTMENTS, appointment("3", "AP10", "", "", "")),
    }
    run = run_vendor(base, zip_bytes(removal), "removals.zip", "webpt")
    assert run.status == ImportStatus.SUCCEEDED, row_errors(base, run)
    assert run.report["removals"]["deleted"] == {"charges": 1, "appointments": 1}
    with tenant_context(base.pk):
        assert not ChargeLine.objects.filter(external_id="R100").exists()
        assert not Appointment.objects.filter(external_id="AP10").exists()
        assert ChargeLine.objects.filter(external_id="CH2").exists()


def test_an_update_keeps_the_columns_webpt_does_not_export(base, run_vendor, row_errors):
    """WebPT's charges carry no claim, minutes or diagnosis pointers, its appointments
    no visit type: updating existing rows from it must not blank them."""
    extract = {
        "Charges.csv": csv_bytes(CHARGES, charge("2", "CH2", amount="$101.00", mod="GP")),
        "Appointments.csv": csv_bytes(
            APPOINTMENTS,
            appointment("2", "AP3", "01/08/2026 09:00 AM", "01/08/2026 09:45 AM", "Completed"),
        ),
    }
    run = run_vendor(base, zip_bytes(extract), "extract.zip", "webpt")
    assert run.status == ImportStatus.SUCCEEDED, row_errors(base, run)
    assert run.report["files"]["charges.csv"]["updated"] == 1
    with tenant_context(base.pk):
        ch2 = ChargeLine.objects.select_related("claim").get(external_id="CH2")
        ap3 = Appointment.objects.get(external_id="AP3")
    assert (ch2.charge_amount, ch2.modifiers) == (101, ["GP"])
    assert (ch2.claim.external_id, ch2.minutes) == ("CL1", 8)
    assert (ap3.status, ap3.visit_type) == ("completed", "treatment")


def test_removing_a_referenced_row_fails_the_run_and_imports_nothing(base, run_vendor, row_errors):
    extract = {
        # AP1 has visit V1: it cannot go. The new charge R200 must not stay either.
        "Appointments.csv": csv_bytes(APPOINTMENTS, appointment("3", "AP1", "", "", "")),
        "Charges.csv": csv_bytes(CHARGES, charge("1", "R200")),
    }
    run = run_vendor(base, zip_bytes(extract), "extract.zip", "webpt")
    assert run.status == ImportStatus.FAILED
    assert row_errors(base, run) == [
        (
            "Appointments.csv",
            2,
            "appointment_id",
            "appointment 'AP1' is marked removed (export_flag 3) but cannot be deleted:"
            " 1 visit still refer to it",
        )
    ]
    with tenant_context(base.pk):
        assert Appointment.objects.filter(external_id="AP1").exists()
        assert not ChargeLine.objects.filter(external_id="R200").exists()


def test_importer_errors_point_at_the_webpt_file_and_column(base, run_vendor, row_errors):
    extract = {"Charges.csv": csv_bytes(CHARGES, charge("1", "R300"), charge("1", "R301", "V404"))}
    run = run_vendor(base, zip_bytes(extract), "extract.zip", "webpt")
    assert run.status == ImportStatus.FAILED
    assert row_errors(base, run) == [
        (
            "Charges.csv",
            3,
            "visit_id",
            "(charges.csv visit_id) 'V404' matches no row of visits.csv or the database",
        )
    ]


def test_a_saved_mapping_completes_webpt_authorizations(base, run_vendor, row_errors):
    with tenant_context(base.pk):
        ColumnMappingProfile.objects.create(
            name="WebPT authorizations: patient and payer",
            vendor="WebPT",
            source_table="Authorizations",
            target="authorizations",
            mapping={
                "patient_id": {"source": "patient_id"},
                "payer_id": {
                    "source": "ins_name",
                    "transform": "enum",
                    "options": {"values": {"Acme Health": "P2"}},
                },
            },
        )
    header = [*AUTHORIZATIONS, "patient_id"]
    content = csv_bytes(
        header,
        [
            "1",
            "AUTH-9",
            "01/05/2026",
            "03/05/2026",
            "12",
            "Active",
            "Acme Health",
            "POL1",
            "Commercial",
            "PT2",
        ],  # fmt: skip
    )
    run = run_vendor(base, content, "Authorizations.csv", "webpt")
    assert run.status == ImportStatus.SUCCEEDED, row_errors(base, run)
    with tenant_context(base.pk):
        auth = Authorization.objects.select_related("patient", "payer").get(external_id="AUTH-9")
    assert (auth.patient.external_id, auth.payer.external_id, auth.visits_authorized) == (
        "PT2",
        "P2",
        12,
    )
    assert str(auth.start_date) == "2026-01-05"


def test_a_removed_appointment_or_visit_lets_go_of_its_desk_copay(base, run_vendor, row_errors):
    """The EMR deletes an appointment a copay was logged for at the desk (rescheduled,
    say): the removal goes ahead and the copay keeps its money without the link."""
    import datetime

    from billing.copays.services import EXTERNAL_ID_PREFIX
    from billing.models import PatientPayment

    run = run_vendor(base, zip_bytes(EXTRACT), "extract.zip", "webpt")
    assert run.status == ImportStatus.SUCCEEDED, row_errors(base, run)
    with tenant_context(base.pk):
        ap10 = Appointment.objects.get(external_id="AP10")
        copay = PatientPayment.objects.create(
            external_id=f"{EXTERNAL_ID_PREFIX}test",
            patient_id=ap10.patient_id,
            appointment=ap10,
            amount=20,
            collected_at=datetime.datetime(2026, 1, 12, 15, tzinfo=datetime.UTC),
            collected_on=datetime.date(2026, 1, 12),
            kind="copay",
        )
    removal = {"appointments.csv": csv_bytes(APPOINTMENTS, appointment("3", "AP10", "", "", ""))}
    run = run_vendor(base, zip_bytes(removal), "removals.zip", "webpt")
    assert run.status == ImportStatus.SUCCEEDED, row_errors(base, run)
    assert run.report["removals"]["deleted"] == {"appointments": 1}
    with tenant_context(base.pk):
        assert not Appointment.objects.filter(external_id="AP10").exists()
        copay.refresh_from_db()
        assert (copay.appointment_id, copay.amount) == (None, 20)
