"""The command line wraps ``generate`` and prints what it wrote."""

from __future__ import annotations

import pytest

from ptrevops.generator.cli import main


def test_cli_generates_a_small_bundle(tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(
        [
            "--out",
            str(out),
            "--clinics",
            "1",
            "--months",
            "1",
            "--seed",
            "3",
            "--end",
            "2025-01-31",
            "--workers",
            "1",
        ]
    )
    assert code == 0
    assert (out / "bundle" / "visits.csv").exists()
    assert (out / "manifest.json").exists()
    assert "1 clinics x 1 months" in capsys.readouterr().out


def test_cli_help_mentions_determinism(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    assert raised.value.code == 0
    assert "--end" in capsys.readouterr().out
