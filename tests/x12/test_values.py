"""Amount and date conversions: what counts as a number or a date in an 835."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.x12.values import parse_amount, parse_date, parse_date_range


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", Decimal("0")),
        ("150", Decimal("150")),
        ("1500.50", Decimal("1500.50")),
        ("-361.19", Decimal("-361.19")),
        (".5", Decimal("0.5")),
        ("12.", Decimal("12")),
        ("+3", Decimal("3")),
        ("000000000000000", Decimal("0")),
    ],
)
def test_amounts(text, value):
    amount = parse_amount(text)
    assert amount == value and isinstance(amount, Decimal)
    assert str(amount) == str(Decimal(text))  # kept exactly as written


@pytest.mark.parametrize(
    "text", ["", "amount", "1,000.00", "1e3", "NaN", "Infinity", "1_000", " 12", "12 ", "--1", "."]
)
def test_not_amounts(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_dates():
    assert parse_date("20260115") == date(2026, 1, 15)
    assert parse_date("19000101") == date(1900, 1, 1)
    assert parse_date_range("20260106-20260108") == (date(2026, 1, 6), date(2026, 1, 8))


@pytest.mark.parametrize("text", ["", "2026011", "260115", "20261301", "20260230", "2026-01-15"])
def test_not_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)
    with pytest.raises(ValueError):
        parse_date_range(text)
