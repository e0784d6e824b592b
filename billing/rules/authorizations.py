"""Authorization coverage: is a visit on a date covered, and will the booked schedule stay covered?

Payers that require prior authorization deny visits outside the authorized date window
(CARC 197/302) or over the authorized visit or unit count (CARC 198/119). The front
desk must know *before* the visit, so these functions answer for one date and for the
whole booked future schedule.

Counting convention: ``Authorization.visits_used`` is the number of authorized visits
already consumed *before* the visit being checked (billed visits consume them). So a
10-visit authorization with ``visits_used=9`` still covers one visit, and
``visits_remaining`` is 1 *including* the visit being checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# rules.md: alert when 2 or fewer authorized visits remain, or when the authorization
# ends within 7 days.
DEFAULT_REMAINING_VISITS_ALERT = 2
DEFAULT_EXPIRY_ALERT_DAYS = 7
DEFAULT_SCHEDULE_LOOKAHEAD_WEEKS = 4

# Stable reasons; the front desk screen and the scrubber translate them to text.
COVERED = "covered"
NO_AUTHORIZATION = "no_authorization"
NOT_YET_STARTED = "not_yet_started"
EXPIRED = "expired"
VISIT_CAP_REACHED = "visit_cap_reached"
UNIT_CAP_REACHED = "unit_cap_reached"


@dataclass(frozen=True)
class Authorization:
    """A payer's authorization for one patient: a date window and a visit (maybe unit) count.

    ``start_date`` and ``end_date`` are both inclusive. ``visits_used`` / ``units_used``
    are what was consumed before the visit being checked.
    """

    payer_id: str
    start_date: date
    end_date: date
    visits_authorized: int
    visits_used: int = 0
    units_authorized: int | None = None
    units_used: int = 0
    auth_number: str | None = None
    authorization_id: str | None = None

    @property
    def visits_remaining(self) -> int:
        return max(self.visits_authorized - self.visits_used, 0)

    @property
    def units_remaining(self) -> int | None:
        if self.units_authorized is None:
            return None
        return max(self.units_authorized - self.units_used, 0)

    def in_window(self, on_date: date) -> bool:
        return self.start_date <= on_date <= self.end_date


@dataclass(frozen=True)
class AuthorizationCoverage:
    """Whether a visit on a date is covered, by which authorization, and the alerts to show.

    When the visit is not covered, ``authorization`` is the closest candidate (the one
    whose cap was reached, or that expired most recently, or that starts next) so the
    user can see which authorization to extend; it is ``None`` when the payer has none.
    """

    covered: bool
    authorization: Authorization | None
    visits_used: int
    visits_remaining: int
    expiring_soon: bool
    visits_running_low: bool
    reason: str


def _has_units_for(authorization: Authorization, units_needed: int | None) -> bool:
    remaining = authorization.units_remaining
    return remaining is None or units_needed is None or units_needed <= remaining


def authorization_coverage(
    authorizations: Iterable[Authorization],
    payer_id: str,
    on_date: date,
    *,
    units_needed: int | None = None,
    remaining_visits_alert: int = DEFAULT_REMAINING_VISITS_ALERT,
    expiry_alert_days: int = DEFAULT_EXPIRY_ALERT_DAYS,
) -> AuthorizationCoverage:
    """Coverage of one visit on ``on_date`` for ``payer_id`` by the patient's authorizations.

    When several authorizations cover the date, the one ending first is used (then the
    one that started first): consuming the authorization that expires soonest wastes
    the fewest authorized visits. ``units_needed`` is checked only against
    authorizations that cap units.
    """
    for_payer = [auth for auth in authorizations if auth.payer_id == payer_id]
    in_window = [auth for auth in for_payer if auth.in_window(on_date)]
    usable = [
        auth
        for auth in in_window
        if auth.visits_remaining > 0 and _has_units_for(auth, units_needed)
    ]
    if usable:
        chosen = min(usable, key=lambda auth: (auth.end_date, auth.start_date))
        days_left = (chosen.end_date - on_date).days
        return AuthorizationCoverage(
            covered=True,
            authorization=chosen,
            visits_used=chosen.visits_used,
            visits_remaining=chosen.visits_remaining,
            expiring_soon=days_left <= expiry_alert_days,
            visits_running_low=chosen.visits_remaining <= remaining_visits_alert,
            reason=COVERED,
        )

    closest: Authorization | None
    if in_window:
        closest = min(in_window, key=lambda auth: (auth.end_date, auth.start_date))
        reason = VISIT_CAP_REACHED if closest.visits_remaining == 0 else UNIT_CAP_REACHED
    elif ended := [auth for auth in for_payer if auth.end_date < on_date]:
        closest = max(ended, key=lambda auth: (auth.end_date, auth.start_date))
        reason = EXPIRED
    elif upcoming := [auth for auth in for_payer if auth.start_date > on_date]:
        closest = min(upcoming, key=lambda auth: (auth.start_date, auth.end_date))
        reason = NOT_YET_STARTED
    else:
        closest = None
        reason = NO_AUTHORIZATION
    return AuthorizationCoverage(
        covered=False,
        authorization=closest,
        visits_used=closest.visits_used if closest else 0,
        visits_remaining=closest.visits_remaining if closest else 0,
        expiring_soon=False,
        visits_running_low=False,
        reason=reason,
    )


@dataclass(frozen=True)
class UncoveredBooking:
    """A booked appointment the authorization will not cover, and why."""

    booked_date: date
    reason: str  # NOT_YET_STARTED, EXPIRED or VISIT_CAP_REACHED


def bookings_not_covered(
    authorization: Authorization, booked_dates: Iterable[date]
) -> list[UncoveredBooking]:
    """Booked future visits that fall before the start, past the end date, or past the visit cap.

    Bookings are walked in date order; each booking inside the window consumes one of
    the visits remaining (two bookings on one day are two visits). Bookings outside the
    window do not consume visits because the payer would not count them against this
    authorization. The result is in date order.
    """
    remaining = authorization.visits_remaining
    uncovered: list[UncoveredBooking] = []
    for booked in sorted(booked_dates):
        if booked < authorization.start_date:
            uncovered.append(UncoveredBooking(booked, NOT_YET_STARTED))
        elif booked > authorization.end_date:
            uncovered.append(UncoveredBooking(booked, EXPIRED))
        elif remaining == 0:
            uncovered.append(UncoveredBooking(booked, VISIT_CAP_REACHED))
        else:
            remaining -= 1
    return uncovered


def booked_visits_in_window(booked_dates: Sequence[date], start: date, end: date) -> int:
    """Bookings with ``start <= date < end``."""
    return sum(1 for booked in booked_dates if start <= booked < end)


def under_scheduled(
    visits_per_week: int | None,
    booked_dates: Iterable[date],
    as_of: date,
    weeks: int = DEFAULT_SCHEDULE_LOOKAHEAD_WEEKS,
    *,
    plan_end: date | None = None,
) -> bool:
    """True when fewer visits are booked over the next ``weeks`` than the plan of care's frequency.

    The window is ``as_of`` (inclusive) to ``as_of + weeks`` (exclusive). When the plan
    of care ends inside the window (``plan_end``, inclusive), only the days up to the
    plan end are expected to be booked, prorated and rounded down (a plan ending in 10
    days at 3 visits a week expects 4 bookings, not 12). A plan with no frequency, or
    one already ended, is never under-scheduled.
    """
    if not visits_per_week or visits_per_week <= 0:
        return False
    window_end = as_of + timedelta(weeks=weeks)
    if plan_end is not None:
        window_end = min(window_end, plan_end + timedelta(days=1))
    window_days = (window_end - as_of).days
    if window_days <= 0:
        return False
    expected = visits_per_week * window_days // 7
    booked = booked_visits_in_window(list(booked_dates), as_of, window_end)
    return booked < expected
