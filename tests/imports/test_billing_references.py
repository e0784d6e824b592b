"""Billing's imported tables have no foreign-key constraints (billing 0006): the
importer's set-based resolution and the removals' dependant checks are all that keep
their references whole, so both are tested here for every such reference."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, transaction

from billing.models import ChargeLine
from episodes.imports.schema import FILES, FILES_BY_NAME
from episodes.vendor.removals import apply_removals
from ptrevops.tenancy.context import tenant_context
from tests.imports.bundles import sample, write_bundle

pytestmark = pytest.mark.django_db

BILLING_REFERENCES = [
    (spec.name, column.name)
    for spec in FILES
    if spec.model.startswith("billing.")
    for column in spec.columns
    if column.references
]
BILLING_MODELS = sorted(
    {apps.get_model(FILES_BY_NAME[name].model) for name, _ in BILLING_REFERENCES}, key=str
)


def test_every_billing_reference_is_covered_and_unconstrained():
    assert sorted(BILLING_REFERENCES) == [
        ("charges", "claim_id"),
        ("charges", "visit_id"),
        ("claims", "payer_id"),
        ("claims", "visit_id"),
        ("fee_schedules", "payer_id"),
        ("patient_payments", "patient_id"),
        ("patient_payments", "visit_id"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid::regclass::text = ANY(%s)",
            [[model._meta.db_table for model in BILLING_MODELS]],
        )
        assert cursor.fetchall() == []


def dangling_rows(organization) -> list[tuple[str, str, int]]:
    """(table, column, id) of every stored reference of billing's imported tables that
    points at no row."""
    found = []
    with tenant_context(organization.pk), connection.cursor() as cursor:
        for model in BILLING_MODELS:
            for field in model._meta.concrete_fields:
                if not field.is_relation or field.name == "organization":
                    continue
                table, column = model._meta.db_table, field.column
                cursor.execute(
                    f"SELECT t.id FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS"
                    f" (SELECT 1 FROM {field.related_model._meta.db_table} r"
                    f" WHERE r.id = t.{column})"
                )
                found += [(table, column, row_id) for (row_id,) in cursor.fetchall()]
    return found


def rows_of(organization, file: str) -> list[tuple]:
    with tenant_context(organization.pk):
        model = apps.get_model(FILES_BY_NAME[file].model)
        return list(model.objects.order_by("pk").values_list())


def primary_errors(report) -> list[tuple[str, int, str, str]]:
    """The errors not cascaded from a failed parent row."""
    return [
        (error.file, error.line, error.column, error.reason)
        for error in report.errors
        if "that failed" not in error.reason
    ]


@pytest.mark.parametrize(("file", "column"), BILLING_REFERENCES)
def test_a_dangling_billing_reference_on_a_first_load_is_a_row_error(
    org, tmp_path, run_import, file, column
):
    files = sample()
    files[file][-1][column] = "X404"
    target = FILES_BY_NAME[file].by_name[column].references

    report = run_import(org, write_bundle(tmp_path / "b", files), partial=True)

    assert primary_errors(report) == [
        (
            f"{file}.csv",
            len(files[file]) + 1,
            column,
            f"'X404' matches no row of {target}.csv or the database",
        )
    ]
    assert report.files[f"{file}.csv"].failed == 1
    assert len(rows_of(org, file)) == len(files[file]) - 1
    assert dangling_rows(org) == []


@pytest.mark.parametrize(("file", "column"), BILLING_REFERENCES)
def test_a_dangling_billing_reference_never_updates_an_existing_row(
    org, tmp_path, run_import, file, column
):
    assert run_import(org, write_bundle(tmp_path / "first", sample())).succeeded
    before = rows_of(org, file)
    rows = sample()[file]
    rows[-1][column] = "X404"

    report = run_import(org, write_bundle(tmp_path / "delta", {file: rows}), partial=True)

    assert [(e.file, e.line, e.column) for e in report.errors] == [
        (f"{file}.csv", len(rows) + 1, column)
    ]
    assert rows_of(org, file) == before
    assert dangling_rows(org) == []


def blocked(error) -> str:
    """What a removal error says still refers to the row."""
    assert "is marked removed (export_flag 3) but cannot be deleted: " in error.reason
    return error.reason.split(": ", 1)[1].removesuffix(" still refer to it")


def test_removals_refuse_rows_that_billing_rows_still_refer_to(org, tmp_path, run_import):
    assert run_import(org, write_bundle(tmp_path / "b", sample())).succeeded
    before = {file: rows_of(org, file) for file in ("payers", "visits", "claims", "patients")}

    with tenant_context(org.pk), transaction.atomic():
        removed = apply_removals(
            org.pk, {"payers": ["P1"], "patients": ["PT1"], "visits": ["V1"], "claims": ["CL1"]}
        )

    assert sorted((error.file, error.column, blocked(error)) for error in removed.errors) == [
        ("claims.csv", "claim_id", "2 charge lines"),
        # Hidden relations (related_name="+") count too: nothing else checks them.
        (
            "patients.csv",
            "patient_id",
            "1 referral and 1 eligibility and 1 episode and 2 appointments and 1 patient payment",
        ),
        ("payers.csv", "payer_id", "1 eligibility and 1 episode and 2 fee schedules and 1 claim"),
        ("visits.csv", "visit_id", "1 claim and 2 charge lines and 1 patient payment"),
    ]
    assert removed.deleted == {"claims": 0, "visits": 0, "patients": 0, "payers": 0}
    assert {file: rows_of(org, file) for file in before} == before
    assert dangling_rows(org) == []


def test_removals_delete_the_dependants_first(org, tmp_path, run_import):
    assert run_import(org, write_bundle(tmp_path / "b", sample())).succeeded

    with tenant_context(org.pk), transaction.atomic():
        removed = apply_removals(org.pk, {"charges": ["CH1", "CH2"], "claims": ["CL1"]})

    assert removed.errors == []
    assert removed.deleted == {"charges": 2, "claims": 1}
    with tenant_context(org.pk):
        assert list(ChargeLine.objects.values_list("external_id", flat=True)) == ["CH3"]
    assert rows_of(org, "claims") == []
    assert dangling_rows(org) == []
