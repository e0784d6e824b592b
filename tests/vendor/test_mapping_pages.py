"""Saved column mappings: create, preview without writing, import twice, tenant-scoped."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from billing.models import ChargeLine
from clinics.choices import ImportStatus, Role
from clinics.models import ColumnMappingProfile, ImportRun
from ptrevops.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db

HEADER = b"Line #,Visit,Code,Qty,Billed,Mods\r\n"


def _file(content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


GRID = {
    "charge_id__source": "Line #",
    "visit_id__source": "Visit",
    "cpt_code__source": "Code",
    "units__source": "Qty",
    "units__transform": "integer",
    "charge_amount__source": "Billed",
    "charge_amount__transform": "money",
    "modifiers__source": "Mods",
    "modifiers__transform": "split",
    "modifiers__option": "|",
    "minutes__source": "__constant__",
    "minutes__constant": "15",
}


def _create(client, organization, name="Prompt charges"):
    response = client.post(
        reverse("mapping-create"),
        {
            "name": name,
            "vendor": "Prompt",
            "target": "charges",
            "sample": _file(HEADER + b"X1,V1,97110,1,$10.00,GP\r\n", "sample.csv"),
        },
    )
    assert response.status_code == 302, response.content
    with tenant_context(organization.pk):
        return ColumnMappingProfile.objects.get(name=name)


def test_create_preview_save_and_import_twice(base, client_as, django_capture_on_commit_callbacks):
    client = client_as(base, Role.BILLER)
    mapping = _create(client, base)
    assert mapping.source_columns == ["Line #", "Visit", "Code", "Qty", "Billed", "Mods"]
    edit = client.get(reverse("mapping-edit", args=[mapping.pk])).content.decode()
    assert "charge_amount is required by charges.csv but not mapped" in edit

    sample = HEADER + b'P1,V1,97110,2,"$1,045.50",GP|59\r\nP2,V1,97140,two,$45.00,GP\r\n'
    response = client.post(
        reverse("mapping-preview", args=[mapping.pk]),
        {**GRID, "sample": _file(sample, "prompt.csv")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1045.50" in page and "GP;59" in page
    assert "units ← Qty: &#x27;two&#x27; is not a whole number" in page
    with tenant_context(base.pk):
        # The preview wrote nothing: no run, no charge, and the mapping is unchanged.
        assert not ImportRun.objects.exists()
        assert not ChargeLine.objects.filter(external_id="P1").exists()
        assert "charge_amount" not in ColumnMappingProfile.objects.get().mapping

    response = client.post(reverse("mapping-edit", args=[mapping.pk]), GRID)
    assert response.status_code == 302
    with tenant_context(base.pk):
        saved = ColumnMappingProfile.objects.get().mapping
    assert saved["charge_amount"] == {"source": "Billed", "transform": "money"}
    assert saved["minutes"] == {"constant": "15"}

    for number, amount in ((1, "$10.00"), (2, "$12.00")):
        content = HEADER + f"P{number},V1,97110,1,{amount},GP\r\n".encode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("mapping-import", args=[mapping.pk]),
                {"file": _file(content, f"prompt-{number}.csv")},
            )
        assert response.status_code == 302
    with tenant_context(base.pk):
        runs = list(ImportRun.objects.order_by("pk").values_list("profile", "status"))
        charges = dict(
            ChargeLine.objects.filter(external_id__in=["P1", "P2"]).values_list(
                "external_id", "charge_amount"
            )
        )
    assert runs == [(str(mapping.pk), ImportStatus.SUCCEEDED)] * 2
    assert {k: str(v) for k, v in charges.items()} == {"P1": "10.00", "P2": "12.00"}


def test_import_errors_name_the_source_file_line_and_column(
    base, client_as, django_capture_on_commit_callbacks
):
    client = client_as(base, Role.OWNER)
    mapping = _create(client, base)
    client.post(reverse("mapping-edit", args=[mapping.pk]), GRID)
    content = HEADER + b"P1,V1,97110,1,$10.00,GP\r\nP2,V1,97110,1,ten,GP\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("mapping-import", args=[mapping.pk]), {"file": _file(content, "bad.csv")}
        )
    with tenant_context(base.pk):
        run = ImportRun.objects.get()
        errors = list(run.row_errors.values_list("file", "line", "column", "reason"))
        assert not ChargeLine.objects.filter(external_id="P1").exists()
    assert run.status == ImportStatus.FAILED
    assert errors == [
        ("bad.csv", 3, "Billed", "(charges.csv charge_amount) 'ten' is not an amount of money")
    ]


def test_webpt_is_a_profile_on_the_upload_page(org, client_as):
    page = client_as(org, Role.OWNER).get(reverse("imports")).content.decode()
    assert 'value="webpt"' in page and reverse("import-vendor") in page


def test_another_organizations_mapping_is_not_found(org, other_org, client_as):
    with tenant_context(other_org.pk):
        theirs = ColumnMappingProfile.objects.create(name="Beta secret", target="charges")
    client = client_as(org, Role.OWNER)
    for name in ("mapping-edit", "mapping-preview", "mapping-import", "mapping-delete"):
        url = reverse(name, args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, GRID).status_code == 404
    assert b"Beta secret" not in client.get(reverse("mappings")).content
    # Nor can it be used by id on the vendor upload form.
    response = client.post(
        reverse("import-vendor"),
        {"file": _file(HEADER, "x.csv"), "profile": str(theirs.pk)},
    )
    assert response.status_code == 302
    with tenant_context(org.pk):
        assert not ImportRun.objects.exists()


def test_roles_without_import_rights_cannot_open_mappings(org, client_as):
    assert client_as(org, Role.FRONT_DESK).get(reverse("mappings")).status_code == 403
    assert client_as(org, Role.MANAGER).get(reverse("mappings")).status_code == 200
