"""Authorization coverage, alerts, the booked schedule and under-scheduling."""

from datetime import date, timedelta

import pytest

from billing.rules.authorizations import (
    COVERED,
    EXPIRED,
    NO_AUTHORIZATION,
    NOT_YET_STARTED,
    UNIT_CAP_REACHED,
    VISIT_CAP_REACHED,
    Authorization,
    AuthorizationCoverage,
    UncoveredBooking,
    authorization_coverage,
    bookings_not_covered,
    under_scheduled,
)

MARCH = Authorization(
    payer_id="aetna",
    start_date=date(2025, 3, 1),
    end_date=date(2025, 3, 31),
    visits_authorized=10,
    visits_used=0,
    auth_number="A-100",
)


def with_visits_used(used: int) -> Authorization:
    return Authorization(
        payer_id=MARCH.payer_id,
        start_date=MARCH.start_date,
        end_date=MARCH.end_date,
        visits_authorized=MARCH.visits_authorized,
        visits_used=used,
    )


def test_covered_visit_reports_the_authorization_and_counts():
    assert authorization_coverage([MARCH], "aetna", date(2025, 3, 10)) == AuthorizationCoverage(
        covered=True,
        authorization=MARCH,
        visits_used=0,
        visits_remaining=10,
        expiring_soon=False,
        visits_running_low=False,
        reason=COVERED,
    )


@pytest.mark.parametrize(
    ("on_date", "covered", "reason"),
    [
        (date(2025, 2, 28), False, NOT_YET_STARTED),
        (date(2025, 3, 1), True, COVERED),
        (date(2025, 3, 31), True, COVERED),
        (date(2025, 4, 1), False, EXPIRED),
    ],
)
def test_date_window_is_inclusive_at_both_ends(on_date, covered, reason):
    coverage = authorization_coverage([MARCH], "aetna", on_date)
    assert (coverage.covered, coverage.reason) == (covered, reason)
    assert coverage.authorization == MARCH


def test_visit_cap_reached():
    capped = with_visits_used(10)
    coverage = authorization_coverage([capped], "aetna", date(2025, 3, 10))
    assert coverage == AuthorizationCoverage(
        covered=False,
        authorization=capped,
        visits_used=10,
        visits_remaining=0,
        expiring_soon=False,
        visits_running_low=False,
        reason=VISIT_CAP_REACHED,
    )


@pytest.mark.parametrize(
    ("used", "remaining", "running_low"),
    [(7, 3, False), (8, 2, True), (9, 1, True)],
)
def test_running_low_when_two_or_fewer_visits_remain(used, remaining, running_low):
    coverage = authorization_coverage([with_visits_used(used)], "aetna", date(2025, 3, 10))
    assert coverage.covered
    assert coverage.visits_remaining == remaining
    assert coverage.visits_running_low is running_low


@pytest.mark.parametrize(
    ("on_date", "expiring_soon"),
    [(date(2025, 3, 23), False), (date(2025, 3, 24), True), (date(2025, 3, 31), True)],
)
def test_expiring_soon_within_seven_days(on_date, expiring_soon):
    assert authorization_coverage([MARCH], "aetna", on_date).expiring_soon is expiring_soon


def test_alert_thresholds_are_parameters():
    coverage = authorization_coverage(
        [with_visits_used(5)],
        "aetna",
        date(2025, 3, 10),
        remaining_visits_alert=5,
        expiry_alert_days=21,
    )
    assert coverage.visits_running_low is True
    assert coverage.expiring_soon is True


def test_another_payers_authorization_does_not_count():
    coverage = authorization_coverage([MARCH], "cigna", date(2025, 3, 10))
    assert coverage == AuthorizationCoverage(
        covered=False,
        authorization=None,
        visits_used=0,
        visits_remaining=0,
        expiring_soon=False,
        visits_running_low=False,
        reason=NO_AUTHORIZATION,
    )


def test_no_authorizations_at_all():
    assert authorization_coverage([], "aetna", date(2025, 3, 10)).reason == NO_AUTHORIZATION


def test_overlapping_authorizations_use_the_one_ending_first():
    longer = Authorization("aetna", date(2025, 3, 1), date(2025, 5, 31), visits_authorized=20)
    chosen = authorization_coverage([longer, MARCH], "aetna", date(2025, 3, 10)).authorization
    assert chosen == MARCH


def test_a_capped_authorization_falls_back_to_another_covering_one():
    longer = Authorization("aetna", date(2025, 3, 1), date(2025, 5, 31), visits_authorized=20)
    coverage = authorization_coverage([with_visits_used(10), longer], "aetna", date(2025, 3, 10))
    assert coverage.covered
    assert coverage.authorization == longer


def test_expired_reports_the_most_recently_ended_authorization():
    january = Authorization("aetna", date(2025, 1, 1), date(2025, 1, 31), visits_authorized=5)
    coverage = authorization_coverage([january, MARCH], "aetna", date(2025, 4, 15))
    assert (coverage.reason, coverage.authorization) == (EXPIRED, MARCH)


def test_unit_cap():
    auth = Authorization(
        "aetna",
        date(2025, 3, 1),
        date(2025, 3, 31),
        visits_authorized=10,
        units_authorized=20,
        units_used=18,
    )
    on_date = date(2025, 3, 10)
    assert authorization_coverage([auth], "aetna", on_date, units_needed=2).covered
    assert authorization_coverage([auth], "aetna", on_date).covered
    over = authorization_coverage([auth], "aetna", on_date, units_needed=3)
    assert (over.covered, over.reason) == (False, UNIT_CAP_REACHED)


def test_units_needed_is_ignored_when_the_authorization_caps_only_visits():
    assert authorization_coverage([MARCH], "aetna", date(2025, 3, 10), units_needed=99).covered


# --- booked future schedule --------------------------------------------------------


def test_bookings_past_the_cap_or_outside_the_window():
    auth = with_visits_used(8)
    booked = [
        date(2025, 4, 2),
        date(2025, 3, 12),
        date(2025, 3, 5),
        date(2025, 2, 27),
        date(2025, 3, 10),
    ]
    assert bookings_not_covered(auth, booked) == [
        UncoveredBooking(date(2025, 2, 27), NOT_YET_STARTED),
        UncoveredBooking(date(2025, 3, 12), VISIT_CAP_REACHED),
        UncoveredBooking(date(2025, 4, 2), EXPIRED),
    ]


def test_two_bookings_on_one_day_use_two_visits():
    auth = with_visits_used(9)
    assert bookings_not_covered(auth, [date(2025, 3, 5), date(2025, 3, 5)]) == [
        UncoveredBooking(date(2025, 3, 5), VISIT_CAP_REACHED)
    ]


def test_a_schedule_within_the_authorization_is_clean():
    assert bookings_not_covered(MARCH, [date(2025, 3, 1), date(2025, 3, 31)]) == []
    assert bookings_not_covered(MARCH, []) == []


# --- under-scheduling ----------------------------------------------------------------

AS_OF = date(2025, 6, 2)


def bookings(count: int, *, start: date = AS_OF, every_days: int = 2) -> list[date]:
    return [start + timedelta(days=every_days * index) for index in range(count)]


def test_booked_at_plan_frequency_is_not_under_scheduled():
    assert under_scheduled(3, bookings(12), AS_OF) is False


def test_one_booking_short_is_under_scheduled():
    assert under_scheduled(3, bookings(11), AS_OF) is True


def test_window_includes_as_of_and_excludes_day_28():
    three_weekly = bookings(3, every_days=7)  # as_of, +7, +14
    assert under_scheduled(1, [*three_weekly, AS_OF + timedelta(days=27)], AS_OF) is False
    assert under_scheduled(1, [*three_weekly, AS_OF + timedelta(days=28)], AS_OF) is True
    assert under_scheduled(1, [AS_OF - timedelta(days=1), *three_weekly], AS_OF) is True


def test_weeks_is_a_parameter():
    assert under_scheduled(2, bookings(4), AS_OF, weeks=2) is False
    assert under_scheduled(2, bookings(3), AS_OF, weeks=2) is True


def test_plan_ending_inside_the_window_prorates_the_expected_visits():
    plan_end = AS_OF + timedelta(days=9)  # 10 days of plan left: 3 x 10 / 7 -> 4 visits
    assert under_scheduled(3, bookings(4), AS_OF, plan_end=plan_end) is False
    assert under_scheduled(3, bookings(3), AS_OF, plan_end=plan_end) is True


def test_no_frequency_or_ended_plan_is_never_under_scheduled():
    assert under_scheduled(None, [], AS_OF) is False
    assert under_scheduled(0, [], AS_OF) is False
    assert under_scheduled(3, [], AS_OF, plan_end=AS_OF - timedelta(days=1)) is False
