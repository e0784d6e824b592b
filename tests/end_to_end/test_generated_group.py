"""A generated clinic group goes through the real import paths and into the metrics.

Generator → EMR bundle (import_bundle command) → 835 files (import_835 command) →
metrics command: the paths `make demo` uses, with nothing faked.
"""

from __future__ import annotations

import csv
import datetime
import json

import pytest
from django.core.management import call_command

from billing.models import ClaimPayment, Remittance
from clinics.choices import ImportStatus
from clinics.models import ImportRun
from ptrevops.generator import generate
from ptrevops.tenancy.context import tenant_context

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("group")
    generate(out, clinics=1, months=1, seed=3, end=END, workers=1)
    return out


def _visits_in(bundle, start, end) -> int:
    with open(bundle / "visits.csv", newline="", encoding="utf-8-sig") as handle:
        return sum(
            start <= datetime.date.fromisoformat(row["date_of_service"]) <= end
            for row in csv.DictReader(handle)
        )


def _remittance_files(generated, count):
    # A handful of files keeps the test quick; each one pays claims of the bundle.
    return sorted(str(path) for path in (generated / "835").iterdir())[:count]


def test_generated_group_imports_and_reconciles(generated, org, capsys):
    call_command("import_bundle", "--org", org.slug, str(generated / "bundle"), verbosity=0)
    call_command("import_835", "--org", org.slug, *_remittance_files(generated, 8), verbosity=0)

    with tenant_context(org.pk):
        statuses = set(ImportRun.objects.values_list("status", flat=True))
        assert statuses <= {ImportStatus.SUCCEEDED, ImportStatus.SKIPPED}
        assert Remittance.objects.exists()
        posted = ClaimPayment.objects.count()
        matched = ClaimPayment.objects.filter(claim__isnull=False).count()
    assert posted > 0
    # Every generated remittance pays a claim of the bundle.
    assert matched == posted

    start = datetime.date(2026, 6, 1)
    capsys.readouterr()
    call_command(
        "metrics",
        "--org",
        org.slug,
        "--start",
        start.isoformat(),
        "--end",
        END.isoformat(),
        "--format",
        "json",
    )
    document = json.loads(capsys.readouterr().out)
    assert document["metrics"]["visits"]["value"] == _visits_in(generated / "bundle", start, END)
    assert document["metrics"]["insurance_paid"]["value"] != "0.00"


def test_importing_the_same_files_again_changes_nothing(generated, org):
    call_command("import_bundle", "--org", org.slug, str(generated / "bundle"), verbosity=0)
    first = _remittance_files(generated, 3)
    call_command("import_835", "--org", org.slug, *first, verbosity=0)
    with tenant_context(org.pk):
        before = ClaimPayment.objects.count()
    call_command("import_835", "--org", org.slug, *first, verbosity=0)
    call_command("import_bundle", "--org", org.slug, str(generated / "bundle"), verbosity=0)
    with tenant_context(org.pk):
        assert ClaimPayment.objects.count() == before
        assert ImportRun.objects.filter(status=ImportStatus.SKIPPED).count() == 4
