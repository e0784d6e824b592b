"""Medicare Part B facts kept as data."""

from decimal import Decimal

from billing.rules.medicare import DEFAULT_KX_THRESHOLD, KX_THRESHOLDS, kx_threshold


def test_kx_thresholds_table():
    assert dict(KX_THRESHOLDS) == {
        2021: Decimal("2110.00"),
        2022: Decimal("2150.00"),
        2023: Decimal("2230.00"),
        2024: Decimal("2330.00"),
        2025: Decimal("2410.00"),
        2026: Decimal("2480.00"),
    }


def test_kx_threshold_for_unlisted_years_is_the_latest_known_or_the_given_default():
    assert str(DEFAULT_KX_THRESHOLD) == "2480.00"
    assert kx_threshold(2025) == Decimal("2410.00")
    assert kx_threshold(2030) == Decimal("2480.00")
    assert kx_threshold(2030, default=Decimal("2550.00")) == Decimal("2550.00")
