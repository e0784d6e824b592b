"""Which day ranges and months a refresh rewrites."""

from datetime import date as D

from analytics.rollups.refresh import merge_days, months_of


def test_days_within_a_week_share_a_range():
    days = [D(2026, 3, 1), D(2026, 3, 8), D(2026, 3, 16), D(2026, 3, 2), D(2026, 3, 1)]
    assert merge_days(days) == [(D(2026, 3, 1), D(2026, 3, 8)), (D(2026, 3, 16), D(2026, 3, 16))]


def test_months_of_ranges_are_whole_and_merged():
    ranges = [
        (D(2026, 1, 30), D(2026, 2, 2)),
        (D(2026, 3, 5), D(2026, 3, 5)),
        (D(2026, 6, 1), D(2026, 6, 1)),
    ]
    assert months_of(ranges) == [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 6, 1), D(2026, 6, 30))]
    assert months_of([(D(2025, 12, 31), D(2025, 12, 31))]) == [(D(2025, 12, 1), D(2025, 12, 31))]
