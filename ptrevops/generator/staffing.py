"""A clinic's clinicians over the years: positions, shifts, time off, turnover, credentialing.

A clinic is a set of positions (PT, PTA, sometimes OT, COTA, ATC). Each position is held
by a sequence of clinicians: people leave (about 12% a year) and the position stays
vacant for a few weeks until the replacement starts. A new hire is not yet credentialed
with some payers for their first weeks, which is where real credentialing denials
(CARC B7/185) come from; athletic trainers are never billable providers (CARC 170).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from ptrevops.generator.catalog.people import FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES
from ptrevops.generator.clock import weekday_of
from ptrevops.generator.identifiers import national_provider_identifier, quote_csv

# 15-minute blocks from 06:00 to 20:00: a day's schedule is a bit mask over them.
DAY_START_MINUTE = 6 * 60
BLOCK_MINUTES = 15
BLOCKS_PER_DAY = 56

YEARLY_TURNOVER = 0.12


@dataclass(frozen=True)
class Shift:
    """Working time on one weekday: first block, number of blocks, lunch block (or -1)."""

    first_block: int
    blocks: int
    lunch_block: int = -1

    def free_mask(self) -> int:
        mask = ((1 << self.blocks) - 1) << self.first_block
        if self.lunch_block >= 0:
            mask &= ~(0b11 << self.lunch_block)
        return mask


def shift_hours(start_hour: float, hours: float, lunch: bool) -> Shift:
    first = int((start_hour * 60 - DAY_START_MINUTE) // BLOCK_MINUTES)
    blocks = int(hours * 60 // BLOCK_MINUTES)
    lunch_block = first + blocks // 2 - 1 if lunch else -1
    return Shift(first, blocks, lunch_block)


@dataclass(eq=False)
class Clinician:
    """One person in one position, employed from ``first_day`` to ``last_day`` inclusive."""

    slot: int
    clinician_id: str
    credential: str
    first_name: str
    last_name: str
    npi: str
    first_day: int
    last_day: int
    shifts: dict[int, Shift]  # weekday -> shift
    days_off: set[int] = field(default_factory=set)
    # payer index -> first day this clinician may bill that payer (only pending ones).
    credentialed_from: dict[int, int] = field(default_factory=dict)
    x12_last: str = ""
    x12_first: str = ""

    @property
    def is_therapist(self) -> bool:
        return self.credential in ("PT", "OT")


def x12_name(text: str) -> str:
    """Upper-case ASCII for X12 name elements (payers strip accents; no separators allowed)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain.upper().replace("*", "").replace("~", "").replace(":", "").replace("^", "")


def _full_time_shift_pattern(rng: random.Random) -> dict[int, Shift]:
    kind = rng.random()
    if kind < 0.22:  # four ten-hour days, Monday-Thursday or Tuesday-Friday
        shift = shift_hours(7.0, 10.5, True)
        days = (0, 1, 2, 3) if rng.random() < 0.5 else (1, 2, 3, 4)
        return dict.fromkeys(days, shift)
    start = (7.0, 7.5, 8.0, 9.0, 10.5)[rng.randrange(5)]
    shift = shift_hours(start, 8.5, True)
    return dict.fromkeys(range(5), shift)


def _part_time_shift_pattern(rng: random.Random) -> dict[int, Shift]:
    if rng.random() < 0.5:
        start = (7.0, 12.0, 14.0)[rng.randrange(3)]
        days = sorted(rng.sample(range(5), 3))
        return dict.fromkeys(days, shift_hours(start, 6.0, False))
    start = (7.0, 15.0)[rng.randrange(2)]
    return dict.fromkeys(range(5), shift_hours(start, 4.0, False))


@dataclass
class Position:
    credential: str
    full_time: bool
    works_saturday: bool = False


def plan_positions(rng: random.Random, full_time_equivalents: float) -> list[Position]:
    """PTs and PTAs adding up to the clinic's size, plus the occasional OT, COTA and ATC.

    A part-time position counts as about half a full-time one.
    """
    assistant_share = 0.3 + 0.15 * rng.random()
    positions = [Position("PT", True)]
    staffed = 1.0
    while staffed < full_time_equivalents:
        credential = "PTA" if rng.random() < assistant_share else "PT"
        full_time = rng.random() < (0.85 if credential == "PT" else 0.75)
        positions.append(Position(credential, full_time))
        staffed += 1.0 if full_time else 0.47
    if not any(position.credential == "PTA" for position in positions):
        positions.append(Position("PTA", True))
    if rng.random() < 0.3:
        positions.append(Position("OT", rng.random() < 0.5))
        if rng.random() < 0.35:
            positions.append(Position("COTA", False))
    if rng.random() < 0.35:
        positions.append(Position("ATC", False))
    return positions


def _name(rng: random.Random) -> tuple[str, str]:
    firsts = FEMALE_FIRST_NAMES if rng.random() < 0.62 else MALE_FIRST_NAMES
    return firsts[rng.randrange(len(firsts))], LAST_NAMES[rng.randrange(len(LAST_NAMES))]


def _days_off(rng: random.Random, first_day: int, last_day: int) -> set[int]:
    """Two vacation weeks and about six single days a year."""
    off: set[int] = set()
    day = first_day
    while day <= last_day:
        year_end = min(day + 364, last_day)
        for _ in range(2):
            monday = day + rng.randrange(0, 350)
            monday -= weekday_of(monday)
            off.update(range(monday, monday + 5))
        for _ in range(6):
            off.add(day + rng.randrange(0, 365))
        day = year_end + 1
    return off


def hire_clinicians(
    rng: random.Random,
    clinic_number: int,
    positions: list[Position],
    first_day: int,
    last_day: int,
    billing_payer_indexes: list[int],
    medicare_payer_index: int,
    saturday_shift: Shift | None,
) -> list[Clinician]:
    """Every clinician who holds a position at some point in ``[first_day, last_day]``."""
    clinicians: list[Clinician] = []
    daily_leave_probability = YEARLY_TURNOVER / 365
    for position in positions:
        start = first_day - rng.randrange(60, 2000)  # the first holder was hired long ago
        newly_hired = False
        while start <= last_day:
            # Days until this holder leaves: geometric with the yearly turnover rate.
            tenure = int(rng.expovariate(daily_leave_probability)) + 1
            end = start + tenure if position.credential != "ATC" else start + tenure // 2
            shifts = (
                _full_time_shift_pattern(rng)
                if position.full_time
                else _part_time_shift_pattern(rng)
            )
            if position.works_saturday and saturday_shift is not None:
                shifts[5] = saturday_shift
            first_name, last_name = _name(rng)
            if end < first_day:  # left before the simulated years: never in the export
                start = end + 1 + rng.randrange(14, 60)
                continue
            slot = len(clinicians)
            clinician = Clinician(
                slot=slot,
                clinician_id=f"T{clinic_number:03d}{slot + 1:03d}",
                credential=position.credential,
                first_name=first_name,
                last_name=last_name,
                npi=national_provider_identifier(rng),
                first_day=start,
                last_day=end if end <= last_day else 10**7,
                shifts=shifts,
                x12_first=x12_name(first_name),
                x12_last=x12_name(last_name),
            )
            clinician.days_off = _days_off(rng, max(start, first_day), min(end, last_day))
            if newly_hired and position.credential in ("PT", "PTA", "OT", "COTA"):
                pending = [index for index in billing_payer_indexes if rng.random() < 0.2]
                if rng.random() < 0.3:
                    pending.append(medicare_payer_index)
                for payer_index in pending:
                    clinician.credentialed_from[payer_index] = start + rng.randrange(20, 90)
            clinicians.append(clinician)
            newly_hired = True
            start = end + 1 + rng.randrange(14, 60)  # vacancy until the replacement starts
    return clinicians


def clinician_row(clinician: Clinician, clinic_id: str, export_day: int) -> str:
    active = "true" if clinician.last_day >= export_day else "false"
    name = quote_csv(f"{clinician.first_name} {clinician.last_name}")
    return (
        f"{clinician.clinician_id},{clinic_id},{name},{clinician.npi},"
        f"{clinician.credential},{active}"
    )
