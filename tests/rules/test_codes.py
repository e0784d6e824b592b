"""The CPT and CARC tables shipped with the rules package."""

from decimal import Decimal
from pathlib import Path

import pytest

from billing.rules.codes import (
    CARC_CATEGORIES,
    CPT_CODES,
    CarcCategory,
    CptCode,
    UnknownCptCodeError,
    carc_root_cause,
    cpt_code,
    is_known_cpt_code,
    is_timed,
)


def test_cpt_table_loads_every_row():
    assert len(CPT_CODES) == 33


def test_cpt_row_is_parsed_with_decimal_amount():
    assert CPT_CODES["97110"] == CptCode(
        code="97110",
        service="therapeutic exercise",
        timed=True,
        family="procedure",
        medicare_national_2025=Decimal("28.79"),
    )


def test_cpt_row_without_medicare_amount_has_none():
    assert CPT_CODES["97010"].medicare_national_2025 is None
    assert CPT_CODES["97014"].medicare_national_2025 is None


@pytest.mark.parametrize(
    ("code", "timed"),
    [
        ("97161", False),
        ("97164", False),
        ("97010", False),
        ("97028", False),
        ("G0283", False),
        ("97150", False),
        ("97032", True),
        ("97035", True),
        ("97110", True),
        ("97140", True),
        ("97530", True),
        ("97542", True),
        ("97763", True),
    ],
)
def test_is_timed(code, timed):
    assert is_timed(code) is timed


def test_unknown_cpt_code_raises_a_key_error_naming_the_code():
    with pytest.raises(UnknownCptCodeError) as raised:
        is_timed("99213")
    assert isinstance(raised.value, KeyError)
    assert raised.value.code == "99213"
    assert "99213" in str(raised.value)


def test_cpt_code_lookup_strips_whitespace():
    assert cpt_code(" 97112 ").code == "97112"
    assert is_known_cpt_code("97112")
    assert not is_known_cpt_code("97001")


def test_carc_table_loads_every_row():
    assert len(CARC_CATEGORIES) == 41
    assert CARC_CATEGORIES["45"] == CarcCategory(
        carc="45",
        usual_group="CO",
        category="contractual",
        meaning="charge above the contracted or fee-schedule amount",
    )


@pytest.mark.parametrize(
    ("carc", "category"),
    [
        ("1", "patient_responsibility"),
        ("2", "patient_responsibility"),
        ("3", "patient_responsibility"),
        ("45", "contractual"),
        ("59", "contractual"),
        ("23", "coordination_of_benefits"),
        ("27", "eligibility"),
        ("197", "authorization"),
        ("198", "authorization"),
        ("302", "authorization"),
        ("236", "coding"),
        ("50", "medical_necessity"),
        ("29", "timely_filing"),
        ("18", "duplicate"),
        ("B7", "credentialing"),
        ("b7", "credentialing"),
        (" 045 ", "contractual"),
        ("999", "other"),
        ("A1", "other"),
        ("", "other"),
    ],
)
def test_carc_root_cause(carc, category):
    assert carc_root_cause(carc) == category


def test_rules_package_never_imports_django():
    package = Path(__file__).resolve().parents[2] / "billing" / "rules"
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "import django" not in text, source
        assert "from django" not in text, source
