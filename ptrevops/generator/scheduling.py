"""Clinic days, clinicians' capacity and the appointment book.

Each clinician-day is a bit mask of 15-minute blocks between 06:00 and 20:00; a set bit
is taken (outside the shift, lunch, or booked). Booking looks for free consecutive blocks
near the patient's preferred time, first with their own therapist, then with anyone of
the right discipline working that day. Appointments cancelled ahead of time leave their
blocks free (the front desk refills them); no-shows and late cancellations keep them,
which is what makes schedule utilization fall below 100%.

``available_minutes`` of ``schedule_capacity.csv`` is exactly the free minutes of the
clinician's base mask, so utilization computed from the files matches the simulation.
"""

from __future__ import annotations

from ptrevops.generator.clock import clinic_holidays, iso_date, weekday_of
from ptrevops.generator.staffing import BLOCK_MINUTES, BLOCKS_PER_DAY, Clinician

FULL_DAY = (1 << BLOCKS_PER_DAY) - 1
# Search order around the preferred start block: on the hour/half hour first.
SEARCH_OFFSETS: tuple[int, ...] = (0, 2, -2, 1, -1, 4, -4, 3, -3, 6, -6, 8, -8, 10, -10, 12, -12)
PACKED_OFFSETS: tuple[int, ...] = (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8)

EVALUATING_CREDENTIALS = frozenset({"PT", "OT"})


class AppointmentBook:
    """Who works which day, their free blocks, and the booking of appointments."""

    def __init__(
        self,
        clinicians: list[Clinician],
        first_day: int,
        last_day: int,
        saturday_open: bool,
    ) -> None:
        self.first_day = first_day
        self.last_day = last_day
        holidays: set[int] = set()
        for year in range(iso_year(first_day), iso_year(last_day) + 1):
            holidays.update(clinic_holidays(year))
        count = last_day - first_day + 1
        self.open_day: list[bool] = []
        # Per day: {slot: taken mask} for the clinicians working that day.
        self.taken: list[dict[int, int]] = []
        # Per day: {slot: blocks a therapist keeps for new-patient evaluations}.
        self.reserved: list[dict[int, int]] = []
        self.today = first_day  # the simulation date: reservations open up 3 days ahead
        self.working: list[list[Clinician]] = []
        for index in range(count):
            day = first_day + index
            weekday = weekday_of(day)
            is_open = day not in holidays and (weekday < 5 or (weekday == 5 and saturday_open))
            self.open_day.append(is_open)
            taken: dict[int, int] = {}
            reserved: dict[int, int] = {}
            working: list[Clinician] = []
            if is_open:
                for clinician in clinicians:
                    shift = clinician.shifts.get(weekday)
                    if (
                        shift is None
                        or day < clinician.first_day
                        or day > clinician.last_day
                        or day in clinician.days_off
                    ):
                        continue
                    taken[clinician.slot] = FULL_DAY & ~shift.free_mask()
                    working.append(clinician)
                    if clinician.credential in EVALUATING_CREDENTIALS and shift.blocks >= 12:
                        # one new-patient hour, mornings and afternoons on alternate days
                        first = (
                            shift.first_block + 1
                            if (day + clinician.slot) % 2
                            else shift.first_block + shift.blocks - 5
                        )
                        reserved[clinician.slot] = 0b1111 << first
            self.taken.append(taken)
            self.reserved.append(reserved)
            self.working.append(working)

    def is_open(self, day: int) -> bool:
        index = day - self.first_day
        return 0 <= index < len(self.open_day) and self.open_day[index]

    def next_open_day(self, day: int) -> int:
        """``day`` itself if the clinic is open then, else the next open day."""
        open_day = self.open_day
        index = day - self.first_day
        last = len(open_day)
        while index < last and not open_day[index]:
            index += 1
        return self.first_day + index

    def capacity_rows(self, clinic_id: str, first_day: int, last_day: int):
        """``schedule_capacity.csv`` rows: (day, row text) for each working clinician-day."""
        for day in range(max(first_day, self.first_day), min(last_day, self.last_day) + 1):
            index = day - self.first_day
            if not self.open_day[index]:
                continue
            text = iso_date(day)
            for clinician in self.working[index]:
                free_blocks = BLOCKS_PER_DAY - self.taken[index][clinician.slot].bit_count()
                yield (f"{clinician.clinician_id},{clinic_id},{text},{free_blocks * BLOCK_MINUTES}")

    def book(
        self,
        day: int,
        preferred: tuple[Clinician, ...],
        credentials: tuple[str, ...],
        block: int,
        blocks: int,
        occupy: bool,
        evaluation: bool = False,
    ) -> tuple[Clinician, int] | None:
        """Book ``blocks`` blocks on ``day`` near ``block``; None when nobody has room.

        The patient's own clinicians come first (at the time nearest the preferred one),
        then anyone else, by ``credentials`` in order of preference (assistants first for
        treatment visits). Each therapist keeps one hour a day for new-patient evaluations,
        as clinics' schedule templates do; other visits may take it only within three days.
        ``occupy`` False books without taking the blocks (an appointment that will be
        cancelled ahead of time: the slot goes back to the pool).
        """
        index = day - self.first_day
        if index < 0 or index >= len(self.taken) or not self.open_day[index]:
            return None
        taken = self.taken[index]
        reserved = {} if evaluation or day - self.today <= 3 else self.reserved[index]
        for clinician in preferred:
            mask = taken.get(clinician.slot)
            if mask is not None:
                start = _nearest_start(mask | reserved.get(clinician.slot, 0), block, blocks)
                if start >= 0:
                    if occupy:
                        taken[clinician.slot] = mask | (((1 << blocks) - 1) << start)
                    return clinician, start
        working = self.working[index]
        for credential in credentials:  # in order of preference
            for clinician in working:
                if clinician.credential != credential or clinician in preferred:
                    continue
                mask = taken[clinician.slot]
                start = _nearest_start(mask | reserved.get(clinician.slot, 0), block, blocks)
                if start >= 0:
                    if occupy:
                        taken[clinician.slot] = mask | (((1 << blocks) - 1) << start)
                    return clinician, start
        return None

    def release_before(self, day: int) -> None:
        """Drop the masks of days before ``day``: nothing can be booked in the past."""
        index = day - self.first_day
        self.today = day
        for position in range(max(0, index - 40), max(0, index)):
            self.taken[position] = {}
            self.reserved[position] = {}


def _nearest_start(mask: int, block: int, blocks: int) -> int:
    """Start of ``blocks`` free consecutive blocks near ``block`` (-1: none that day).

    Front desks pack a schedule: a start right next to an existing booking (or the start
    or end of the shift) is preferred within two hours of the patient's preferred time,
    which leaves whole free slots instead of 15-minute crumbs nobody can book.
    """
    free = FULL_DAY & ~mask
    runs = free
    for shift in range(1, blocks):
        runs &= free >> shift
    if not runs:
        return -1
    packed = runs & ((mask << 1) | (mask >> blocks))
    if packed:
        for offset in PACKED_OFFSETS:
            start = block + offset
            if start >= 0 and (packed >> start) & 1:
                return start
    for offset in SEARCH_OFFSETS:
        start = block + offset
        if start >= 0 and (runs >> start) & 1:
            return start
    best = -1
    best_distance = BLOCKS_PER_DAY
    position = 0
    while runs:
        if runs & 1:
            distance = abs(position - block)
            if distance < best_distance:
                best, best_distance = position, distance
        runs >>= 1
        position += 1
    return best


def iso_year(day: int) -> int:
    return int(iso_date(day)[:4])
