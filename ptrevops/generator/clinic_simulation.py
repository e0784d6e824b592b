"""One clinic's whole history, simulated day by day in its own process.

The clinic is independent of every other clinic: it has its own random stream (seeded
from the generation seed and the clinic number), its own clinicians, local physicians and
patients, and writes its own headerless part files. That is what lets the generator run
clinics in parallel and still produce byte-identical output for any number of workers.

Referrals arrive on open days (a Poisson number, with seasonality and slow growth) at a
rate set from the clinic's staffed capacity, so the schedule fills to a realistic
utilization. Each referral is simulated to the end at once (care path, billing, payer
events); remittance events wait in per-payment-day buckets that are written as soon as
the simulation date passes them, so memory stays flat however many years are generated.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from billing.rules.codes import CPT_CODES
from ptrevops.generator.billing import Biller
from ptrevops.generator.catalog.people import (
    FEMALE_FIRST_NAMES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    PHYSICIAN_SPECIALTY_TITLES,
    PRACTICE_SUFFIXES,
)
from ptrevops.generator.charges import VisitCoder, chargemaster
from ptrevops.generator.clock import ClinicClock, weekday_of
from ptrevops.generator.csv_writer import BUNDLE_HEADERS, TRUTH_HEADERS, PartWriter
from ptrevops.generator.episodes import CarePath
from ptrevops.generator.identifiers import national_provider_identifier, quote_csv
from ptrevops.generator.organization import ClinicPlan, OrganizationPlan, ReferralSourcePlan
from ptrevops.generator.patient_payments import PatientLedger
from ptrevops.generator.patients import Patient, PatientRegistry
from ptrevops.generator.remittance_835 import PayeeIdentity, RemittanceParts
from ptrevops.generator.scheduling import AppointmentBook
from ptrevops.generator.staffing import (
    Position,
    clinician_row,
    hire_clinicians,
    plan_positions,
    shift_hours,
    x12_name,
)

# Files a clinic worker writes (the organization-level ones come from the parent).
CLINIC_FILES: tuple[str, ...] = tuple(
    name for name in BUNDLE_HEADERS if name not in ("clinics", "payers", "fee_schedules")
) + tuple(TRUTH_HEADERS)

# Share of PT/PTA time the clinic books (no-shows and late cancellations included), and
# the booked appointments one referral brings on average (measured from the care path:
# conversion x visits per episode + missed ones); together with the staffed capacity they
# set the referral rate. Attended utilization ends up around 0.75.
TARGET_BOOKED_SHARE = 0.8
BOOKED_APPOINTMENTS_PER_REFERRAL = 7.4
ATTENDED_VISITS_PER_REFERRAL = 7.5  # visits per referral received (measured)
# Yearly visits a clinic is staffed for, and the attended share of booked time, used to
# size the staff so clinics see 8,000-14,000 visits a year.
VISITS_PER_YEAR_RANGE = (9200, 13000)
OPEN_DAYS_PER_YEAR = 250
SEASONALITY = (1.08, 1.05, 1.06, 1.02, 1.0, 0.96, 0.92, 0.95, 1.0, 1.02, 0.97, 0.88)
YEARLY_GROWTH = 0.01


@dataclass
class ClinicResult:
    clinic_index: int
    part_directory: str
    row_counts: dict[str, int]
    remittance_index: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    claim_payments: int = 0


class ClinicSimulation:
    def __init__(self, organization: OrganizationPlan, clinic: ClinicPlan, part_directory: Path):
        self.organization = organization
        self.clinic = clinic
        self.clinic_number = clinic.index
        self.part_directory = part_directory
        self.rng = random.Random(f"ptrevops-generator:{organization.seed}:clinic:{clinic.index}")
        self.payers = organization.payers
        self.start_day = organization.start.toordinal()
        self.end_day = organization.end.toordinal()
        self.simulation_start_day = organization.simulation_start.toordinal()
        self.booked_until_day = organization.booked_until.toordinal()
        self.first_year = organization.simulation_start.year
        self.last_year = organization.booked_until.year
        self.timed_codes = frozenset(code for code, info in CPT_CODES.items() if info.timed)
        first = self.simulation_start_day - 800
        last = self.booked_until_day + 800
        self.clock = ClinicClock(clinic.timezone, first, last, clinic.stamps_utc)
        self.years = [int(text[:4]) for text in self.clock.day_text]
        self.months = [int(text[5:7]) for text in self.clock.day_text]
        self.status_numbers: Counter[str] = Counter()
        self.prices = chargemaster(self.first_year, self.last_year)

    # -- small helpers used by the other modules ----------------------------------------

    def year_of(self, day: int) -> int:
        return self.years[day - self.clock.first]

    def preferred_block(self) -> int:
        """Preferred start, in 15-minute blocks after 06:00: mornings and after work."""
        draw = self.rng.random()
        if draw < 0.35:
            return 4 + int(self.rng.random() * 12)  # 07:00-09:45
        if draw < 0.65:
            return 16 + int(self.rng.random() * 20)  # 10:00-14:45
        return 36 + int(self.rng.random() * 14)  # 15:00-18:15

    def pick_weeks(self) -> int:
        draw = self.rng.random()
        for weeks, limit in ((3, 0.1), (4, 0.35), (6, 0.7), (8, 0.9), (10, 0.96)):
            if draw < limit:
                return weeks
        return 12

    # -- setup --------------------------------------------------------------------------

    def _setup(self) -> None:
        self.writer = PartWriter(self.part_directory, CLINIC_FILES)
        self.patients = PatientRegistry(self)
        self.medicare = self.patients.medicare
        self._hire_staff()
        self._adopt_habits()
        self._meet_referral_sources()
        self._open_remittances()
        self._set_referral_rate()

    def _hire_staff(self) -> None:
        """Staff sized for the visits the clinic should see in a year; the book and capacity."""
        rng = self.rng
        clinic = self.clinic
        self.treatment_minutes = 60 if rng.random() < 0.45 else 45
        low, high = VISITS_PER_YEAR_RANGE
        target_visits = low + (high - low) * rng.random()
        self.target_visits = target_visits
        attended_per_referral = BOOKED_APPOINTMENTS_PER_REFERRAL - 0.5
        minutes_per_day = (
            target_visits
            / OPEN_DAYS_PER_YEAR
            * (self.treatment_minutes + 3)
            * BOOKED_APPOINTMENTS_PER_REFERRAL
            / attended_per_referral
            / TARGET_BOOKED_SHARE
        )
        full_time_equivalents = minutes_per_day / 480 * 1.07  # vacations and sick days
        positions = plan_positions(rng, full_time_equivalents)
        saturday_open = rng.random() < 0.25
        saturday_shift = shift_hours(8.0, 4.0, False) if saturday_open else None
        if saturday_open:
            positions[0].works_saturday = True
            positions.append(Position("PTA", False, True))
        billing_payers = [
            payer.index for payer in self.payers if payer.bills_claims and not payer.secondary_only
        ]
        self.clinicians = hire_clinicians(
            rng,
            self.clinic_number,
            positions,
            self.simulation_start_day,
            self.booked_until_day,
            billing_payers,
            self.medicare.index,
            saturday_shift,
        )
        self.has_occupational_therapy = any(p.credential == "OT" for p in positions)
        self.has_athletic_trainer = any(p.credential == "ATC" for p in positions)
        for clinician in self.clinicians:
            self.writer.add("clinicians", clinician_row(clinician, clinic.clinic_id, self.end_day))
        self.book = AppointmentBook(
            self.clinicians, self.simulation_start_day, self.booked_until_day, saturday_open
        )
        for row in self.book.capacity_rows(clinic.clinic_id, self.start_day, self.booked_until_day):
            self.writer.add("schedule_capacity", row)

    def _adopt_habits(self) -> None:
        """How this clinic works: assistants' share, attendance, front desk, copay rate."""
        rng = self.rng
        self.assistant_share = 0.45 + 0.2 * rng.random()
        self.attendance_factor = 0.7 + 0.7 * rng.random()
        self.front_desk = []
        for _ in range(3 + int(rng.random() * 3)):
            first = FEMALE_FIRST_NAMES[int(rng.random() * len(FEMALE_FIRST_NAMES))]
            last = LAST_NAMES[int(rng.random() * len(LAST_NAMES))]
            username = x12_name(first[0] + last).lower().replace("'", "").replace("-", "")
            self.front_desk.append(username)
        self.coder = VisitCoder(rng, error_rate=0.055)
        self.biller = Biller(self)
        self.ledger = PatientLedger(self, 0.8 + 0.17 * rng.random(), rng.random() < 0.3)
        self.care = CarePath(self)

    def _meet_referral_sources(self) -> None:
        """Local physicians and practices (Zipf-weighted), plus the group's own sources."""
        rng = self.rng
        organization = self.organization
        clinic = self.clinic
        practices: list[ReferralSourcePlan] = []
        for number in range(1, 6 + int(rng.random() * 5)):
            last = LAST_NAMES[int(rng.random() * len(LAST_NAMES))]
            suffix = PRACTICE_SUFFIXES[int(rng.random() * len(PRACTICE_SUFFIXES))]
            name = f"{clinic.city} {suffix}" if number % 3 == 0 else f"{last} {suffix}"
            practices.append(
                ReferralSourcePlan(
                    f"RS{self.clinic_number:03d}{number:04d}",
                    quote_csv(name),
                    "practice",
                    national_provider_identifier(rng),
                    "",
                )
            )
        physicians: list[ReferralSourcePlan] = []
        for number in range(100, 100 + 25 + int(rng.random() * 30)):
            female = rng.random() < 0.45
            firsts = FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES
            first = firsts[int(rng.random() * len(firsts))]
            last = LAST_NAMES[int(rng.random() * len(LAST_NAMES))]
            title = PHYSICIAN_SPECIALTY_TITLES[int(rng.random() * len(PHYSICIAN_SPECIALTY_TITLES))]
            practice = practices[int(rng.random() * len(practices))]
            physicians.append(
                ReferralSourcePlan(
                    f"RS{self.clinic_number:03d}{number:04d}",
                    quote_csv(f"{first} {last}, {title}"),
                    "physician",
                    national_provider_identifier(rng),
                    practice.name,
                )
            )
        for source in practices + physicians:
            self.writer.add(
                "referral_sources",
                f"{source.source_id},{source.name},{source.kind},{source.npi},{source.practice}",
            )
        self.physicians = physicians
        self.physician_weights = list(
            self._cumulative([1 / (rank + 1) ** 0.9 for rank in range(len(physicians))])
        )
        self.practices = practices
        group = organization.group_sources
        self.group_sources = {
            "direct_access": [s for s in group if s.kind == "direct_access"],
            "self": [s for s in group if s.kind == "self"],
            "marketing": [s for s in group if s.kind == "marketing"],
            "other": [s for s in group if s.kind == "other"],
        }

    def _open_remittances(self) -> None:
        """This clinic as the payee of its 835 transactions."""
        rng = self.rng
        clinic = self.clinic
        payee = PayeeIdentity(
            name=x12_name(clinic.display_name).replace(",", ""),
            npi=clinic.npi,
            tax_id=clinic.tax_id,
            street=x12_name(clinic.street),
            city=x12_name(clinic.city),
            state=clinic.state,
            zip_code=f"{clinic.zip3}{10 + self.clinic_number % 90:02d}",
            bank_routing=f"{rng.randrange(10**8, 10**9)}",
            bank_account=f"{rng.randrange(10**9, 10**10)}",
        )
        self.remits = RemittanceParts(
            self.part_directory / "remittances.part", payee, self.payers, self.clinic_number
        )

    def _set_referral_rate(self) -> None:
        """Referrals per open day from the PT/PTA capacity of the first year and the target."""
        book = self.book
        first_index = self.start_day - book.first_day
        open_days = 0
        minutes = 0
        for index in range(first_index, min(first_index + 364, len(book.open_day))):
            if book.open_day[index]:
                open_days += 1
                minutes += sum(
                    56 * 15 - 15 * book.taken[index][clinician.slot].bit_count()
                    for clinician in book.working[index]
                    if clinician.credential in ("PT", "PTA")
                )
        per_day_minutes = minutes / max(open_days, 1)
        # Demand for the target volume, but never more than the staff can see.
        self.referrals_per_day = min(
            per_day_minutes
            * TARGET_BOOKED_SHARE
            / (self.treatment_minutes + 3)
            / BOOKED_APPOINTMENTS_PER_REFERRAL,
            self.target_visits / OPEN_DAYS_PER_YEAR / ATTENDED_VISITS_PER_REFERRAL,
        )

    @staticmethod
    def _cumulative(weights: list[float]):
        total = sum(weights)
        running = 0.0
        for weight in weights:
            running += weight / total
            yield running

    def pick_source(self, patient: Patient, returning: bool) -> ReferralSourcePlan:
        rng_random = self.rng.random
        draw = rng_random()
        if returning and draw < 0.5:
            return self.group_sources["self"][0]
        draw = rng_random()
        if patient.payer_class in ("workers_comp", "auto") and draw < 0.15:
            return self.group_sources["other"][0 if patient.payer_class == "workers_comp" else 1]
        if draw < 0.64:
            return self.physicians[bisect_right(self.physician_weights, rng_random())]
        if draw < 0.74:
            return self.practices[int(rng_random() * len(self.practices))]
        if draw < 0.84:
            return self.group_sources["direct_access"][0]
        if draw < 0.9:
            return self.group_sources["self"][0]
        marketing = self.group_sources["marketing"]
        return marketing[int(rng_random() * len(marketing))]

    # -- benefits -----------------------------------------------------------------------

    # -- the run ------------------------------------------------------------------------

    def _poisson(self, mean: float) -> int:
        limit = math.exp(-mean)
        count = 0
        product = self.rng.random()
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count

    def run(self) -> ClinicResult:
        self._setup()
        care = self.care
        book = self.book
        start_year = self.organization.start.year
        for day in range(self.simulation_start_day, self.end_day + 1):
            book.today = day
            self.writer.flush_large()
            if weekday_of(day) == 0:
                self.remits.flush_before(day)
                book.release_before(day)
            if not book.is_open(day):
                continue
            year = self.year_of(day)
            month = self.months[day - self.clock.first]
            mean = (
                self.referrals_per_day
                * SEASONALITY[month - 1]
                * (1 + YEARLY_GROWTH * (year - start_year))
            )
            for _ in range(self._poisson(mean)):
                care.run_referral(day)
        index = self.remits.close(self.end_day)
        counts = self.writer.close()
        return ClinicResult(
            clinic_index=self.clinic_number,
            part_directory=str(self.part_directory),
            row_counts=counts,
            remittance_index=index,
            claim_payments=self.remits.claim_payments,
        )
