"""Every class of bad input is reported with file, line and column, and never crashes."""

from __future__ import annotations

import zipfile

import pytest

from billing.models import ChargeLine, Payer
from ptrevops.tenancy.context import tenant_context
from tests.imports.bundles import csv_text, sample, write_bundle

pytestmark = pytest.mark.django_db


def located(report) -> list[tuple[str, int, str]]:
    return [(error.file, error.line, error.column) for error in report.errors]


def payers(**changes) -> list[dict[str, str]]:
    rows = sample()["payers"]
    rows[1].update(changes)
    return rows


def test_a_file_that_is_not_utf8_names_the_file_and_line(org, tmp_path, run_import):
    text = csv_text(sample()["patients"]).replace("Cy", "Zoë")
    write_bundle(tmp_path / "b", {"patients": text.encode("latin-1")})

    report = run_import(org, tmp_path / "b")

    assert not report.succeeded
    assert located(report) == [("patients.csv", 3, "")]
    assert "UTF-8" in report.errors[0].reason


def test_utf16_is_reported_not_staged(org, tmp_path, run_import):
    write_bundle(tmp_path / "b", {"payers": csv_text(payers()).encode("utf-16")})

    report = run_import(org, tmp_path / "b")

    assert located(report) == [("payers.csv", 1, "")]


def test_a_byte_order_mark_is_accepted(org, tmp_path, run_import):
    write_bundle(tmp_path / "b", {"payers": b"\xef\xbb\xbf" + csv_text(payers()).encode()})

    report = run_import(org, tmp_path / "b")

    assert report.succeeded and report.files["payers.csv"].created == 2


def test_a_missing_required_column_fails_the_file(org, tmp_path, run_import):
    rows = [{k: v for k, v in row.items() if k != "type"} for row in payers()]

    report = run_import(org, write_bundle(tmp_path / "b", {"payers": rows}))

    assert located(report) == [("payers.csv", 1, "type")]
    assert "missing" in report.errors[0].reason


def test_a_missing_optional_column_is_fine(org, tmp_path, run_import):
    rows = [{k: v for k, v in row.items() if k != "payer_code"} for row in payers()]

    report = run_import(org, write_bundle(tmp_path / "b", {"payers": rows}))

    assert report.succeeded and report.files["payers.csv"].created == 2


def test_unknown_columns_are_reported_and_ignored(org, tmp_path, run_import):
    rows = [{**row, "Fax Number": "555"} for row in payers()]

    report = run_import(org, write_bundle(tmp_path / "b", {"payers": rows}))

    assert report.succeeded
    assert report.files["payers.csv"].unknown_columns == ["fax number"]
    assert any("fax number" in warning for warning in report.warnings)


@pytest.mark.parametrize(
    ("file", "column", "value", "reason"),
    [
        ("patients", "birth_date", "1985-02-30", "calendar date"),
        ("patients", "birth_date", "02/28/1985", "YYYY-MM-DD"),
        ("claims", "billed_amount", "250.001", "at most 2 places"),
        ("claims", "billed_amount", "$250.00", "at most 2 places"),
        ("claims", "billed_amount", "1e3", "at most 2 places"),
        ("claims", "billed_amount", "1,250.00", "at most 2 places"),
        ("charges", "units", "-1", "whole number"),
        ("charges", "units", "1.5", "whole number"),
        ("charges", "modifiers", "GP;KXX", "valid code"),
        ("appointments", "status", "Completed", "one of"),
        ("appointments", "starts_at", "2026-01-05T08:00:00", "offset"),
        ("appointments", "starts_at", "2026-01-05T25:00:00Z", "valid date-time"),
        ("payers", "requires_auth", "yes", "true or false"),
        ("clinics", "timezone", "Central Time", "IANA"),
        ("clinics", "state", "Illinois", "longer than 2"),
        ("eligibility", "coinsurance_percent", "120", "from 0 to 100"),
        ("visits", "episode_id", "", "required value is empty"),
    ],
)
def test_a_bad_value_fails_its_row(org, tmp_path, run_import, file, column, value, reason):
    files = sample()
    files[file][-1][column] = value
    line = len(files[file]) + 1

    report = run_import(org, write_bundle(tmp_path / "b", files))

    assert not report.succeeded
    # Rows pointing at the failed row fail too, and say so.
    primary = [error for error in report.errors if "that failed" not in error.reason]
    assert [(e.file, e.line, e.column) for e in primary] == [(f"{file}.csv", line, column)]
    assert reason in primary[0].reason
    assert report.files[f"{file}.csv"].failed == 1


def test_a_dangling_reference_fails_its_row(org, tmp_path, run_import):
    files = sample()
    files["charges"][2]["claim_id"] = "CL404"

    report = run_import(org, write_bundle(tmp_path / "b", files))

    assert located(report) == [("charges.csv", 4, "claim_id")]
    assert "'CL404'" in report.errors[0].reason
    assert report.files["charges.csv"].failed == 1


def test_a_duplicate_id_in_one_file_fails_the_later_row(org, tmp_path, run_import):
    rows = payers()
    rows.append({**rows[0], "name": "Medicare again"})

    report = run_import(org, write_bundle(tmp_path / "b", {"payers": rows}))

    assert located(report) == [("payers.csv", 4, "payer_id")]
    assert "line 2" in report.errors[0].reason


@pytest.mark.parametrize(
    ("first_visit", "second_visit", "errors", "stored"),
    [
        # Both resolve: the first load's INSERT meets the unique (organization,
        # external_id) and falls back to the duplicate pass.
        ("V2", "V1", [(5, "charge_id", "duplicate of the row on line 4")], "V2"),
        # The copy cannot be inserted anyway (dangling): the INSERT succeeds, and the
        # duplicate is still found and reported as one.
        ("V2", "V404", [(5, "charge_id", "duplicate of the row on line 4")], "V2"),
        # The first copy dangles and the second would be inserted: it must not be.
        (
            "V404",
            "V1",
            [
                (4, "visit_id", "'V404' matches no row of visits.csv or the database"),
                (5, "charge_id", "duplicate of the row on line 4"),
            ],
            None,
        ),
    ],
)
def test_a_duplicate_id_on_a_first_load_fails_the_later_row(
    org, tmp_path, run_import, first_visit, second_visit, errors, stored
):
    files = sample()
    files["charges"][2]["visit_id"] = first_visit  # CH3, line 4
    files["charges"].append({**files["charges"][2], "visit_id": second_visit})

    report = run_import(org, write_bundle(tmp_path / "b", files), partial=True)

    assert [(e.file, e.line, e.column, e.reason) for e in report.errors] == [
        ("charges.csv", line, column, reason) for line, column, reason in errors
    ]
    assert report.files["charges.csv"].failed == len(errors)
    with tenant_context(org.pk):
        visits = ChargeLine.objects.filter(external_id="CH3").values_list(
            "visit__external_id", flat=True
        )
        assert list(visits) == ([stored] if stored else [])


def test_a_row_with_the_wrong_number_of_fields(org, tmp_path, run_import):
    text = csv_text(payers()) + "P3,Short\r\n"

    report = run_import(org, write_bundle(tmp_path / "b", {"payers": text}))

    assert located(report) == [("payers.csv", 4, "")]


def test_line_numbers_count_physical_lines_of_quoted_newlines(org, tmp_path, run_import):
    rows = payers()
    rows[0]["name"] = "Medicare\nPart B, Illinois"
    rows[1]["type"] = "bogus"

    report = run_import(org, write_bundle(tmp_path / "b", {"payers": rows}))

    assert located(report) == [("payers.csv", 4, "type")]


def test_a_header_only_file_is_fine(org, tmp_path, run_import):
    report = run_import(org, write_bundle(tmp_path / "b", {"payers": "payer_id,name,type\r\n"}))

    assert report.succeeded
    assert report.files["payers.csv"].rows_read == 0


def test_a_zero_byte_file_is_an_error(org, tmp_path, run_import):
    report = run_import(org, write_bundle(tmp_path / "b", {"payers": b""}))

    assert not report.succeeded
    assert located(report) == [("payers.csv", 1, "")]
    assert "empty" in report.errors[0].reason


def test_unknown_files_are_warned_about(org, tmp_path, run_import):
    files = {"payers": payers(), "notes.txt": "hello", "providers.csv": "a,b\r\n1,2\r\n"}

    report = run_import(org, write_bundle(tmp_path / "b", files))

    assert report.succeeded
    assert sorted(w.split(":")[0] for w in report.warnings) == [
        "ignored notes.txt",
        "ignored providers.csv",
    ]


def test_a_zip_bundle_with_junk_entries(org, tmp_path, run_import):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payers.csv", csv_text(payers()))
        bundle.writestr("__MACOSX/._payers.csv", b"\x00\x05\x16\x07")
        bundle.writestr(".DS_Store", b"\x00\x00\x00\x01Bud1")
        bundle.writestr("README.pdf", b"%PDF-1.4")
        bundle.writestr("old/clinics.csv", "clinic_id,name\r\nC7,Old\r\n")
        bundle.writestr("old/", b"")

    report = run_import(org, archive)

    assert report.succeeded, report.errors
    assert report.files["payers.csv"].created == 2
    assert list(report.files) == ["payers.csv"]
    assert len(report.warnings) == 4
    assert any("subfolder" in warning for warning in report.warnings)


def test_a_zip_of_the_bundle_folder_is_read_from_that_folder(org, tmp_path, run_import):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("export-2026-01-31/payers.csv", csv_text(payers()))

    report = run_import(org, archive)

    assert report.succeeded and report.files["payers.csv"].created == 2


def test_a_corrupt_zip_is_a_clear_error(org, tmp_path, run_import):
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip file")

    report = run_import(org, archive)

    assert not report.succeeded
    assert "not a readable .zip" in report.errors[0].reason


def test_a_damaged_zip_member_is_a_file_error(org, tmp_path, run_import):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("payers.csv", csv_text(payers()) * 50)
    data = bytearray(archive.read_bytes())
    data[60:80] = b"\xff" * 20  # inside the compressed payers.csv
    archive.write_bytes(bytes(data))

    report = run_import(org, archive)

    assert not report.succeeded
    assert report.errors[0].file == "payers.csv"
    with tenant_context(org.pk):
        assert not Payer.objects.exists()


def test_a_missing_source_is_a_clear_error(org, tmp_path, run_import):
    report = run_import(org, tmp_path / "nowhere")

    assert not report.succeeded and "neither a folder nor a file" in report.errors[0].reason


def test_errors_of_every_file_are_reported_together(org, tmp_path, run_import):
    files = sample()
    files["payers"][0]["type"] = "nope"
    files["charges"][0]["charge_amount"] = "abc"

    report = run_import(org, write_bundle(tmp_path / "b", files))

    assert ("payers.csv", 2, "type") in located(report)
    assert ("charges.csv", 2, "charge_amount") in located(report)
