"""The generated group the rollup tests share: generated once per session (the
slow part), imported into each test's organization (the ``group`` fixture)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from ptrevops.generator import generate

END = datetime.date(2026, 6, 30)


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("rollup-group")
    generate(out, clinics=2, months=3, seed=11, end=END, workers=1)
    return out


@pytest.fixture
def group(generated, org):
    """The bundle and every fourth remittance file imported into ``org``; returns the
    last file, which arrives later (the incremental tests post it)."""
    files = sorted(str(path) for path in (generated / "835").iterdir())
    call_command("import_bundle", "--org", org.slug, str(generated / "bundle"), verbosity=0)
    # Every fourth file keeps the tests quick (each pays claims of the bundle).
    call_command("import_835", "--org", org.slug, *files[:-1:4], verbosity=0)
    return files[-1]
