"""Import runs: stored, hashed, skipped when identical, atomic, retryable, scoped."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from clinics import import_runs
from clinics.choices import ImportKind, ImportSource, ImportStatus
from clinics.models import Clinic, ColumnMappingProfile, ImportRun
from clinics.tokens import api_token_create
from ptrevops.tenancy.context import tenant_context, tenant_scope

pytestmark = pytest.mark.django_db


@dataclass
class FakeReport:
    succeeded: bool
    errors: list = field(default_factory=list)

    def as_dict(self):
        return {
            "files": {
                "clinics.csv": {"read": 1, "created": 1, "updated": 0, "unchanged": 0, "failed": 0}
            }
        }


@dataclass
class FakeError:
    file: str
    line: int
    column: str
    reason: str


@pytest.fixture
def fake_importer(monkeypatch):
    """An importer that writes a clinic, then succeeds or fails as told."""
    outcome = {"succeeded": True, "raise": False}

    def execute(run, progress):
        progress("clinics", 1)
        Clinic.objects.create(
            organization_id=run.organization_id,
            external_id=f"NEW-{run.pk}",
            name="Written by the import",
        )
        if outcome["raise"]:
            raise RuntimeError("worker lost its database")
        errors = (
            []
            if outcome["succeeded"]
            else [FakeError("visits.csv", 7, "date_of_service", "not a date: 2026-13-01")]
        )
        report = FakeReport(outcome["succeeded"], errors)
        rows = [(e.file, e.line, e.column, e.reason) for e in errors]
        return report.succeeded, report.as_dict(), rows

    monkeypatch.setattr(import_runs, "_execute", execute)
    return outcome


def _create(org, content=b"clinic_id,name\nC9,Ninth\n", name="bundle.zip", profile="canonical"):
    with tenant_context(org.pk):
        return import_runs.import_run_create(
            organization=org,
            fileobj=io.BytesIO(content),
            filename=name,
            source=ImportSource.CLI,
            kind=ImportKind.BUNDLE,
            profile=profile,
        )


def _execute(org, run):
    with tenant_scope(org.pk):
        return import_runs.import_run_execute(run_id=run.pk)


def _clinic_names(org):
    with tenant_context(org.pk):
        return set(Clinic.objects.values_list("external_id", flat=True))


def test_a_run_stores_the_file_with_its_hash(org, fake_importer):
    run = _create(org)
    assert run.status == ImportStatus.QUEUED
    assert run.sha256 == "5dd9c3c570e644820a0fc6fcc3a8961b87b42f1db6bf510b1503054d14e050c6"
    with open(run.stored_path, "rb") as stored:
        assert stored.read() == b"clinic_id,name\nC9,Ninth\n"
    run = _execute(org, run)
    assert run.status == ImportStatus.SUCCEEDED
    assert f"NEW-{run.pk}" in _clinic_names(org)


def test_the_same_file_twice_is_skipped(org, fake_importer):
    first = _execute(org, _create(org))
    second = _create(org)
    assert second.status == ImportStatus.SKIPPED
    assert second.duplicate_of_id == first.pk
    assert _execute(org, second).status == ImportStatus.SKIPPED
    assert f"NEW-{second.pk}" not in _clinic_names(org)


def test_the_same_file_with_another_profile_is_not_skipped(org, fake_importer):
    first = _execute(org, _create(org))
    assert first.status == ImportStatus.SUCCEEDED
    as_webpt = _create(org, profile="webpt")
    assert (as_webpt.status, as_webpt.duplicate_of_id) == (ImportStatus.QUEUED, None)
    assert _execute(org, as_webpt).status == ImportStatus.SUCCEEDED
    assert f"NEW-{as_webpt.pk}" in _clinic_names(org)
    # Each profile's own repeat is still recognised.
    assert _create(org, profile="webpt").duplicate_of_id == as_webpt.pk
    assert _create(org).duplicate_of_id == first.pk


def test_the_same_file_with_an_edited_mapping_is_not_skipped(org, fake_importer):
    with tenant_context(org.pk):
        mapping = ColumnMappingProfile.objects.create(
            name="Clinic list",
            target="clinics",
            mapping={"clinic_id": {"source": "clinic_id"}, "name": {"source": "name"}},
        )
    profile = str(mapping.pk)
    first = _execute(org, _create(org, profile=profile))
    assert first.status == ImportStatus.SUCCEEDED
    assert _create(org, profile=profile).status == ImportStatus.SKIPPED
    with tenant_context(org.pk):
        mapping.mapping = {"clinic_id": {"source": "clinic_id"}, "name": {"constant": "Clinic"}}
        mapping.save()
    again = _create(org, profile=profile)
    assert (again.status, again.duplicate_of_id) == (ImportStatus.QUEUED, None)


def test_a_failed_run_commits_nothing_and_keeps_its_row_errors(org, fake_importer):
    fake_importer["succeeded"] = False
    run = _execute(org, _create(org))
    assert run.status == ImportStatus.FAILED
    assert f"NEW-{run.pk}" not in _clinic_names(org)
    assert run.error_message == "visits.csv, line 7, column date_of_service: not a date: 2026-13-01"
    with tenant_context(org.pk):
        errors = list(run.row_errors.values_list("file", "line", "column", "reason"))
    assert errors == [("visits.csv", 7, "date_of_service", "not a date: 2026-13-01")]


def test_a_run_killed_midway_leaves_nothing_and_retries_to_success(org, fake_importer):
    fake_importer["raise"] = True
    run = _execute(org, _create(org))
    assert run.status == ImportStatus.FAILED
    assert "worker lost" in run.error_message
    assert f"NEW-{run.pk}" not in _clinic_names(org)
    # A worker killed without any cleanup leaves the run "running": it runs again.
    with tenant_context(org.pk):
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    fake_importer["raise"] = False
    run = _execute(org, run)
    assert run.status == ImportStatus.SUCCEEDED
    assert run.attempts == 2
    assert f"NEW-{run.pk}" in _clinic_names(org)


def test_upload_page_creates_a_run_and_shows_it(
    org, client_as, fake_importer, django_capture_on_commit_callbacks
):
    client = client_as(org, "biller")
    upload = io.BytesIO(b"ISA*00*...")
    upload.name = "remit.835"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports"), {"file": upload, "kind": ""})
    assert response.status_code == 302
    with tenant_context(org.pk):
        run = ImportRun.objects.get()
    assert run.kind == ImportKind.REMITTANCE_835
    assert run.status == ImportStatus.SUCCEEDED  # Celery runs eagerly in tests
    page = client.get(reverse("import-detail", args=[run.pk])).content.decode()
    assert "remit.835" in page and "Succeeded" in page


def test_errors_download_as_csv(org, client_as, fake_importer):
    fake_importer["succeeded"] = False
    run = _execute(org, _create(org))
    response = client_as(org, "owner").get(reverse("import-errors", args=[run.pk]))
    assert response.content.decode().splitlines() == [
        "file,line,column,reason",
        "visits.csv,7,date_of_service,not a date: 2026-13-01",
    ]


def test_roles_without_import_rights_cannot_open_imports(org, client_as):
    assert client_as(org, "front_desk").get(reverse("imports")).status_code == 403


def test_api_accepts_an_upload_with_a_token(
    org, client, fake_importer, django_capture_on_commit_callbacks
):
    with tenant_context(org.pk):
        _, key = api_token_create(name="sftp bridge", role="biller", created_by=None)
    upload = io.BytesIO(b"clinic_id,name\n")
    upload.name = "nightly.zip"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/",
            {"file": upload, "kind": "bundle"},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    listing = client.get("/api/v1/imports/", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [r["original_filename"] for r in listing["results"]] == ["nightly.zip"]
    assert listing["results"][0]["status"] == "succeeded"


def test_inbox_imports_bundles_first_and_moves_files(org, fake_importer, settings, tmp_path):
    from clinics.inbox import inbox_dir, inbox_import

    settings.PTREVOPS_INBOX_DIR = str(tmp_path)
    folder = inbox_dir(org)
    (folder / "b-remit.835").write_bytes(b"ISA*")
    (folder / "a-bundle.zip").write_bytes(b"PK")
    (folder / "notes.docx").write_bytes(b"ignored")
    outcomes = inbox_import(organization=org)
    assert outcomes == [("a-bundle.zip", "succeeded"), ("b-remit.835", "succeeded")]
    assert sorted(p.name for p in (folder / "processed").iterdir()) == [
        "a-bundle.zip",
        "b-remit.835",
    ]
    assert (folder / "notes.docx").exists()


def test_import_is_due_once_a_day_after_the_local_hour(org):
    from datetime import UTC, date, datetime

    from clinics.inbox import import_due

    # 02:00 in New York is 07:00 UTC in winter.
    assert not import_due(org, datetime(2026, 1, 5, 6, 59, tzinfo=UTC), None)
    assert import_due(org, datetime(2026, 1, 5, 7, 0, tzinfo=UTC), None)
    assert not import_due(org, datetime(2026, 1, 5, 9, 0, tzinfo=UTC), date(2026, 1, 5))


def test_a_bundle_run_links_desk_copays_to_the_visits_it_brought(org, monkeypatch):
    """After a successful bundle, the run matches late 835 payments and links the
    copays logged at the desk before their visits existed (billing.copays)."""
    import billing.copays.services
    import billing.remittances
    import episodes.imports

    calls = []
    monkeypatch.setattr(
        episodes.imports, "import_bundle", lambda **kwargs: FakeReport(succeeded=True)
    )
    monkeypatch.setattr(
        billing.remittances, "match_unmatched_payments", lambda **kwargs: calls.append("835") or 0
    )
    monkeypatch.setattr(
        billing.copays.services,
        "link_desk_copays",
        lambda **kwargs: calls.append(kwargs["organization_id"]) or 3,
    )
    run = _create(org)
    with tenant_context(org.pk):
        succeeded, document, _ = import_runs._execute(run, lambda stage, rows: None)
    assert succeeded
    assert calls == ["835", org.pk]
    assert document["desk_copays_linked"] == 3
