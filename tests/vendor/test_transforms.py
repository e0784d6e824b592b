"""Transforms and the mapping engine: canonical values out, errors at the source."""

from __future__ import annotations

import csv
import io

import pytest

from episodes.vendor.convert import SourcePlan, Target, convert
from episodes.vendor.mapping import parse_rules, preview
from episodes.vendor.transforms import MappingError, TransformError, build


def t(name, *values, tz="America/Chicago", choices=(), **options):
    return build(name, options, default_timezone=tz, choices=choices)(list(values))


def test_dates_in_vendor_formats():
    assert t("date", "01/05/2026", format="MM/DD/YYYY") == "2026-01-05"
    assert t("date", "1/5/2026", format="MM/DD/YYYY") == "2026-01-05"
    assert t("date", "2026-01-05", format="MM/DD/YYYY | YYYY-MM-DD") == "2026-01-05"
    assert t("date", "", format="MM/DD/YYYY") == ""
    with pytest.raises(
        TransformError, match=r"'13/05/2026' is not a date in the format MM/DD/YYYY"
    ):
        t("date", "13/05/2026", format="MM/DD/YYYY")


def test_datetimes_take_the_time_zone_and_its_daylight_saving():
    assert t("datetime", "01/05/2026 08:00 AM", format="MM/DD/YYYY hh:mm AM") == (
        "2026-01-05T08:00:00-06:00"
    )
    assert t("datetime", "07/01/2026 14:30", format="MM/DD/YYYY HH:mm") == (
        "2026-07-01T14:30:00-05:00"
    )
    assert (
        t("datetime", "2026-01-05 08:00:00", timezone="America/Los_Angeles")
        == "2026-01-05T08:00:00-08:00"
    )
    # An ISO value with its own offset is kept.
    assert t("datetime", "2026-01-05T08:00:00+00:00") == "2026-01-05T08:00:00+00:00"
    with pytest.raises(TransformError, match="does not exist in America/Chicago"):
        t("datetime", "03/08/2026 02:30", format="MM/DD/YYYY HH:mm")
    with pytest.raises(MappingError, match="not an IANA time zone"):
        t("datetime", "x", timezone="Mars/Olympus")


def test_money_with_dollar_signs_commas_and_parentheses():
    assert t("money", "$1,234.5") == "1234.50"
    assert t("money", " $ 90 ") == "90.00"
    assert t("money", "($12.25)") == "-12.25"
    assert t("money", "-$3") == "-3.00"
    with pytest.raises(TransformError, match="more than 2 decimal places"):
        t("money", "$1.005")
    with pytest.raises(TransformError, match="is not an amount of money"):
        t("money", "USD twelve")


def test_integers_and_lists():
    assert t("integer", "1,200") == "1200"
    assert t("integer", "2.0") == "2"
    with pytest.raises(TransformError, match="not a whole number"):
        t("integer", "2.5")
    assert t("split", "GP, 59 |KX", separator=",|") == "GP;59;KX"
    assert t("join", "GP", "", "59") == "GP;59"
    assert (
        t("minutes_between", "01/05/2026 08:00", "01/05/2026 08:45", format="MM/DD/YYYY HH:mm")
        == "45"
    )


def test_enum_value_maps():
    statuses = ("scheduled", "completed", "no_show", "cancelled")
    mapped = {"values": {"Checked Out": "completed", "NS": "no_show"}}
    assert t("enum", "checked out", choices=statuses, **mapped) == "completed"
    assert t("enum", "NS", choices=statuses, **mapped) == "no_show"
    assert t("enum", "No Show", choices=statuses, **mapped) == "no_show"  # canonical spelling
    with pytest.raises(TransformError, match="'Bumped' is not in the value map"):
        t("enum", "Bumped", choices=statuses, **mapped)


def _plan(content: bytes, mapping: dict, target="charges", name="Prompt charges.csv"):
    return SourcePlan(
        name, lambda: io.BytesIO(content), [Target(target, parse_rules(target, mapping))]
    )


CHARGE_MAPPING = {
    "charge_id": {"source": "Line #"},
    "visit_id": {"source": "Visit"},
    "cpt_code": {"source": "CPT"},
    "units": {"source": "Units", "transform": "integer"},
    "charge_amount": {"source": "Amount", "transform": "money"},
    "modifiers": {"source": ["Mod 1", "Mod 2"], "transform": "join"},
}


def test_errors_name_the_source_file_line_and_column(tmp_path):
    content = (
        b"Line #,Visit,CPT,Units,Amount,Mod 1,Mod 2\r\n"
        b'L1,V1,97110,2,"$1,200.00",GP,\r\n'
        b"L2,V1,97140,two,$45.00,GP,59\r\n"
        b"L3,V1,97530,1,45.123,,\r\n"
    )
    conversion = convert([_plan(content, CHARGE_MAPPING)], tmp_path, default_timezone="UTC")
    assert [(e.file, e.line, e.column, e.reason) for e in conversion.errors] == [
        ("Prompt charges.csv", 3, "Units", "(charges.csv units) 'two' is not a whole number"),
        (
            "Prompt charges.csv",
            4,
            "Amount",
            "(charges.csv charge_amount) '45.123' has more than 2 decimal places",
        ),
    ]
    rows = list(csv.reader((tmp_path / "charges.csv").open()))
    assert rows == [
        ["charge_id", "visit_id", "cpt_code", "units", "charge_amount", "modifiers"],
        ["L1", "V1", "97110", "2", "1200.00", "GP"],
    ]


def test_a_missing_source_column_fails_the_file(tmp_path):
    content = b"Line #,Visit,CPT,Units,Amount\r\nL1,V1,97110,1,1\r\n"
    conversion = convert([_plan(content, CHARGE_MAPPING)], tmp_path, default_timezone="UTC")
    assert [(e.file, e.line, e.reason) for e in conversion.errors] == [
        (
            "Prompt charges.csv",
            1,
            "(charges.csv) the file has no column 'Mod 1', 'Mod 2' that the mapping reads",
        )
    ]


def test_constants_and_canonical_checks_in_preview():
    mapping = dict(CHARGE_MAPPING, modifiers={"constant": "GP"}, cpt_code={"source": "CPT"})
    content = b"Line #,Visit,CPT,Units,Amount\r\nL1,V1,97110,1,10\r\nL2,,9711000,1,10\r\n"
    result = preview(
        io.BytesIO(content),
        source="s.csv",
        target="charges",
        rules=parse_rules("charges", mapping),
        default_timezone="UTC",
    )
    assert result.columns == [
        "charge_id", "visit_id", "cpt_code", "units", "charge_amount", "modifiers"
    ]  # fmt: skip
    assert result.rows[0].values == ["L1", "V1", "97110", "1", "10.00", "GP"]
    assert result.rows[0].errors == []
    assert result.rows[1].line == 3
    assert result.rows[1].errors == [
        ("Visit", "visit_id", "required value is empty"),
        ("CPT", "cpt_code", "longer than 5 characters"),
    ]
