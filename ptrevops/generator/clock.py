"""Clinic-local calendar: open days, holidays, UTC offsets and ISO 8601 timestamps.

Everything is precomputed once per clinic as lists indexed by day, because the simulation
formats a few million timestamps and ``datetime``/``zoneinfo`` arithmetic per row would
dominate the run time. Days are proleptic Gregorian ordinals (``date.toordinal()``).

Some EMRs stamp local time with its offset (``2024-03-05T17:30:00-07:00``), others stamp
UTC (``2024-03-06T00:30:00Z``); the clinic chooses. With UTC stamps an evening visit falls
on the next UTC date, which is exactly the trap the product's metrics must handle
(they convert to the clinic's zone before taking the date).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 1440

# "HH:MM:00" for every minute of the day, shared by all clinics.
CLOCK_TEXT: tuple[str, ...] = tuple(
    f"{minute // 60:02d}:{minute % 60:02d}:00" for minute in range(MINUTES_PER_DAY)
)
# "HHMM" for the X12 envelope times.
CLOCK_HHMM: tuple[str, ...] = tuple(
    f"{minute // 60:02d}{minute % 60:02d}" for minute in range(MINUTES_PER_DAY)
)


def weekday_of(ordinal: int) -> int:
    """Monday = 0 ... Sunday = 6, straight from an ordinal (ordinal 1 was a Monday)."""
    return (ordinal - 1) % 7


def iso_date(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """A holiday on Saturday is observed Friday, on Sunday the following Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def clinic_holidays(year: int) -> list[int]:
    """Days outpatient clinics close: the six holidays almost every PT clinic observes."""
    days = [
        _observed(date(year, 1, 1)),
        _last_weekday(year, 5, 0),  # Memorial Day
        _observed(date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(date(year, 12, 25)),
    ]
    return [day.toordinal() for day in days]


class ClinicClock:
    """Per-day text and offsets for one clinic between ``first`` and ``last`` (ordinals).

    ``stamp(day, minute)`` gives the ISO 8601 datetime of a local wall-clock minute
    (``minute`` may run past midnight or before it; the day rolls over correctly).
    Offsets are taken at local noon: clinics are closed at 2 a.m. when DST switches.
    """

    def __init__(self, timezone: str, first: int, last: int, stamps_utc: bool) -> None:
        self.first = first
        self.stamps_utc = stamps_utc
        zone = ZoneInfo(timezone)
        count = last - first + 1
        self.day_text: list[str] = []
        self.day_compact: list[str] = []
        self.offset_minutes: list[int] = []
        self.offset_text: list[str] = []
        for index in range(count):
            day = date.fromordinal(first + index)
            self.day_text.append(day.isoformat())
            self.day_compact.append(day.strftime("%Y%m%d"))
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
            offset = int(noon.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
            self.offset_minutes.append(offset)
            sign = "-" if offset < 0 else "+"
            hours, minutes = divmod(abs(offset), 60)
            self.offset_text.append(f"{sign}{hours:02d}:{minutes:02d}")

    def date_text(self, day: int) -> str:
        return self.day_text[day - self.first]

    def stamp(self, day: int, minute: int) -> str:
        """ISO 8601 with offset (or ``Z``) for local ``minute`` after midnight of ``day``."""
        if self.stamps_utc:
            minute -= self.offset_minutes[day - self.first]
            day_shift, minute = divmod(minute, MINUTES_PER_DAY)
            return f"{self.day_text[day - self.first + day_shift]}T{CLOCK_TEXT[minute]}Z"
        day_shift, minute = divmod(minute, MINUTES_PER_DAY)
        index = day - self.first + day_shift
        return f"{self.day_text[index]}T{CLOCK_TEXT[minute]}{self.offset_text[index]}"
