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
from datetime import date
from pathlib import Path

from billing.rules.codes import CPT_CODES
from ptrevops.generator.billing import Biller, PlanYear, medicare_deductible_cents
from ptrevops.generator.catalog.clinical import BODY_REGIONS, ICD10_CHANGES, BodyRegion
from ptrevops.generator.catalog.payers import PayerPlan
from ptrevops.generator.catalog.people import (
    FEMALE_FIRST_NAMES,
    LAST_NAMES,
    MALE_FIRST_NAMES,
    PHYSICIAN_SPECIALTY_TITLES,
    PRACTICE_SUFFIXES,
)
from ptrevops.generator.charges import VisitCoder, chargemaster
from ptrevops.generator.clock import ClinicClock, iso_date, weekday_of
from ptrevops.generator.csv_writer import BUNDLE_HEADERS, TRUTH_HEADERS, PartWriter
from ptrevops.generator.episodes import CarePath
from ptrevops.generator.identifiers import national_provider_identifier, quote_csv
from ptrevops.generator.money import format_cents
from ptrevops.generator.organization import ClinicPlan, OrganizationPlan, ReferralSourcePlan
from ptrevops.generator.patient_payments import PatientLedger
from ptrevops.generator.remittance_835 import PayeeIdentity, RemittanceParts
from ptrevops.generator.scheduling import AppointmentBook
from ptrevops.generator.staffing import (
    Position,
    _hours,
    clinician_row,
    hire_clinicians,
    plan_positions,
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
# Yearly visits a clinic is staffed for, and the attended share of booked time, used to
# size the staff so clinics see 8,000-14,000 visits a year.
VISITS_PER_YEAR_RANGE = (8800, 12800)
OPEN_DAYS_PER_YEAR = 250
SEASONALITY = (1.08, 1.05, 1.06, 1.02, 1.0, 0.96, 0.92, 0.95, 1.0, 1.02, 0.97, 0.88)
YEARLY_GROWTH = 0.01

PAYER_CLASS_SHARES: tuple[tuple[str, float], ...] = (
    ("medicare", 0.19),
    ("medicare_advantage", 0.13),
    ("commercial", 0.43),
    ("medicaid", 0.08),
    ("workers_comp", 0.06),
    ("auto", 0.025),
    ("other", 0.025),
    ("self_pay", 0.04),
)
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"


class Patient:
    """A patient of this clinic, with insurance and the benefits used so far."""

    __slots__ = (
        "patient_id",
        "x12_first",
        "x12_last",
        "primary",
        "secondary",
        "member_ids",
        "plan_years",
        "medicare_year_to_date",
        "busy_until",
        "reliability",
        "supplement_pays_deductible",
        "payer_class",
        "copay",
        "coinsurance",
        "deductible",
    )

    def x12_identity(self, payer: PayerPlan) -> tuple[str, str, str]:
        return self.x12_last, self.x12_first, self.member_ids[payer.index]


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
        self._years = [int(text[:4]) for text in self.clock.day_text]
        self._months = [int(text[5:7]) for text in self.clock.day_text]
        self.status_numbers: Counter[str] = Counter()
        self.returning_pool: list[Patient] = []
        self.patient_number = 0
        self.eligibility_number = 0
        self.prices = chargemaster(self.first_year, self.last_year)

    # -- small helpers used by the other modules ----------------------------------------

    def year_of(self, day: int) -> int:
        return self._years[day - self.clock.first]

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
        rng = self.rng
        organization = self.organization
        clinic = self.clinic
        self.writer = PartWriter(self.part_directory, CLINIC_FILES)
        state_payers = {
            (payer.type, payer.state): payer for payer in self.payers if payer.state == clinic.state
        }
        by_code = {payer.payer_code: payer for payer in self.payers}
        self.medicare = state_payers[("medicare", clinic.state)]
        self.medicaid = state_payers[("medicaid", clinic.state)]
        self.workers_comp = state_payers[("workers_comp", clinic.state)]
        self.blue = state_payers[("commercial", clinic.state)]
        self.self_pay = next(payer for payer in self.payers if payer.type == "self_pay")
        self.supplement = next(payer for payer in self.payers if payer.secondary_only)
        self.payer_choices: dict[str, tuple[tuple[PayerPlan, ...], tuple[float, ...]]] = {
            "medicare": ((self.medicare,), (1.0,)),
            "medicare_advantage": ((by_code["61101"], by_code["68069"]), (0.55, 1.0)),
            "commercial": (
                (by_code["60054"], by_code["62308"], by_code["87726"], self.blue),
                (0.2, 0.37, 0.6, 1.0),
            ),
            "medicaid": ((self.medicaid,), (1.0,)),
            "workers_comp": ((self.workers_comp,), (1.0,)),
            "auto": ((by_code["31053"],), (1.0,)),
            "other": ((by_code["99726"],), (1.0,)),
            "self_pay": ((self.self_pay,), (1.0,)),
        }
        shares = [(name, share * (0.7 + 0.6 * rng.random())) for name, share in PAYER_CLASS_SHARES]
        total = sum(share for _, share in shares)
        running = 0.0
        self.payer_class_limits: list[tuple[float, str]] = []
        for name, share in shares:
            running += share / total
            self.payer_class_limits.append((running, name))

        # Staff, sized for the visits the clinic should see in a year.
        self.treatment_minutes = 60 if rng.random() < 0.45 else 45
        low, high = VISITS_PER_YEAR_RANGE
        target_visits = low + (high - low) * rng.random()
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
        saturday_shift = _hours(8.0, 4.0, False) if saturday_open else None
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

        # Clinic habits.
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

        # Referral sources: local physicians and practices, plus the group's own.
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
        self.region_limits = list(self._cumulative([region.weight for region in BODY_REGIONS]))
        self.icd_changes = {
            code: (before, after, date.fromisoformat(switch).toordinal())
            for code, before, after, switch in ICD10_CHANGES
        }

        # Remittances for this clinic as payee.
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

        # Referral rate from capacity.
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
        self.referrals_per_day = (
            per_day_minutes
            * TARGET_BOOKED_SHARE
            / (self.treatment_minutes + 3)
            / BOOKED_APPOINTMENTS_PER_REFERRAL
        )

    @staticmethod
    def _cumulative(weights: list[float]):
        total = sum(weights)
        running = 0.0
        for weight in weights:
            running += weight / total
            yield running

    # -- patients -----------------------------------------------------------------------

    def _member_id(self, payer: PayerPlan) -> str:
        rng_random = self.rng.random
        if payer.type == "medicare":
            letters = MBI_LETTERS
            return (
                f"{1 + int(rng_random() * 9)}{letters[int(rng_random() * 20)]}"
                f"{letters[int(rng_random() * 20)]}{int(rng_random() * 10)}"
                f"{letters[int(rng_random() * 20)]}{letters[int(rng_random() * 20)]}"
                f"{int(rng_random() * 10)}{letters[int(rng_random() * 20)]}"
                f"{letters[int(rng_random() * 20)]}{int(rng_random() * 100):02d}"
            )
        prefix = {
            "medicare_advantage": "H",
            "medicaid": payer.state or "MC",
            "workers_comp": "WC",
            "auto": "PIP",
            "other": "TR",
        }.get(payer.type, payer.payer_code[:1] if payer.payer_code else "M")
        return f"{prefix}{int(rng_random() * 10**9):09d}"

    def _new_patient(self, day: int) -> Patient:
        rng_random = self.rng.random
        draw = rng_random()
        payer_class = next(name for limit, name in self.payer_class_limits if draw < limit)
        payers, limits = self.payer_choices[payer_class]
        draw = rng_random()
        primary = next(payer for payer, limit in zip(payers, limits, strict=True) if draw < limit)
        secondary = None
        if payer_class == "medicare":
            draw = rng_random()
            if draw < 0.35:
                secondary = self.supplement
            elif draw < 0.45:
                secondary = self.medicaid
        elif payer_class == "commercial" and rng_random() < 0.03:
            secondary = self.payer_choices["commercial"][0][
                0 if primary.payer_code != "60054" else 2
            ]
        if payer_class in ("medicare", "medicare_advantage"):
            age = min(98, 65 + int(self.rng.expovariate(1 / 9)))
        elif payer_class == "medicaid":
            age = 6 + int(rng_random() * 58)
        elif payer_class == "workers_comp":
            age = 20 + int(rng_random() * 45)
        else:
            age = 16 + int(rng_random() * 49)
        female = rng_random() < 0.58
        firsts = FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES
        first = firsts[int(rng_random() * len(firsts))]
        last = LAST_NAMES[int(rng_random() * len(LAST_NAMES))]
        birth = day - age * 365 - int(rng_random() * 365)
        self.patient_number += 1
        patient = Patient()
        patient.patient_id = f"P{self.clinic_number:03d}{self.patient_number:06d}"
        patient.x12_first = x12_name(first)
        patient.x12_last = x12_name(last)
        patient.primary = primary
        patient.secondary = secondary
        patient.member_ids = {primary.index: self._member_id(primary)}
        if secondary is not None:
            patient.member_ids[secondary.index] = self._member_id(secondary)
        patient.plan_years = {}
        patient.medicare_year_to_date = {}
        patient.busy_until = day
        patient.reliability = 0.3 + 1.6 * rng_random() * rng_random() + 0.3 * rng_random()
        patient.supplement_pays_deductible = rng_random() < 0.4
        patient.payer_class = payer_class
        sharing = primary.cost_sharing
        patient.copay = 0
        patient.coinsurance = 0
        patient.deductible = 0
        if sharing.medicare_part_b:
            patient.coinsurance = 20
        elif sharing.copay_choices_cents and rng_random() < sharing.copay_plan_share:
            patient.copay = sharing.copay_choices_cents[
                int(rng_random() * len(sharing.copay_choices_cents))
            ]
        elif sharing.coinsurance_choices:
            patient.coinsurance = sharing.coinsurance_choices[
                int(rng_random() * len(sharing.coinsurance_choices))
            ]
            choices = sharing.deductible_choices_cents
            patient.deductible = choices[int(rng_random() * len(choices))] if choices else 0
        zip3 = self.clinic.zip3
        zip_code = f"{zip3}{int(rng_random() * 100):02d}"
        self.writer.add(
            "patients",
            f"{patient.patient_id},{quote_csv(first)},{quote_csv(last)},"
            f"{iso_date(birth)},{'F' if female else 'M'},{zip_code}",
        )
        return patient

    def pick_patient(self, day: int) -> tuple[Patient, bool]:
        pool = self.returning_pool
        if pool and self.rng.random() < 0.12:
            position = int(self.rng.random() * len(pool))
            patient = pool[position]
            if patient.busy_until < day - 30:
                pool[position] = pool[-1]
                pool.pop()
                return patient, True
        return self._new_patient(day), False

    def pick_region(self, patient: Patient) -> BodyRegion:
        draw = self.rng.random()
        if patient.payer_class == "auto" and draw < 0.6:
            return BODY_REGIONS[1]
        if patient.payer_class in ("medicare", "medicare_advantage") and draw < 0.08:
            return BODY_REGIONS[6]
        region = BODY_REGIONS[bisect_right(self.region_limits, self.rng.random())]
        if (
            region.occupational_therapy
            and not self.has_occupational_therapy
            and self.rng.random() < 0.5
        ):
            region = BODY_REGIONS[3]
        return region

    def diagnoses(self, region: BodyRegion, day: int) -> list[str]:
        rng_random = self.rng.random
        codes = [region.diagnoses[int(rng_random() * len(region.diagnoses))]]
        if rng_random() < 0.55:
            codes.append(
                region.secondary_diagnoses[int(rng_random() * len(region.secondary_diagnoses))]
            )
        result = []
        for code in codes:
            change = self.icd_changes.get(code)
            if change is not None:
                code = change[0] if day < change[2] else change[1]
            result.append(code)
        return result

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

    def plan_year(self, patient: Patient, payer: PayerPlan, day: int) -> PlanYear:
        """The patient's benefits with ``payer`` in the year of ``day`` (verified on first use)."""
        year = self._years[day - self.clock.first]
        key = payer.index * 10000 + year
        plan = patient.plan_years.get(key)
        if plan is not None:
            return plan
        rng_random = self.rng.random
        month = self._months[day - self.clock.first]
        sharing = payer.cost_sharing
        deductible = 0
        if sharing.medicare_part_b:
            full = medicare_deductible_cents(year)
            draw = rng_random()
            if draw < 0.8 - 0.06 * month:
                deductible = full
            elif draw < 0.9 - 0.06 * month:
                deductible = int(full * rng_random())
        elif patient.deductible:
            if rng_random() < 0.85 - 0.06 * month:
                deductible = patient.deductible - int(patient.deductible * 0.5 * rng_random())
            elif rng_random() < 0.5:
                deductible = int(patient.deductible * rng_random())
        limit = sharing.visit_limit_choices[int(rng_random() * len(sharing.visit_limit_choices))]
        used = int(rng_random() * 4) if rng_random() < 0.25 else 0
        plan = PlanYear(patient.copay, patient.coinsurance, deductible, limit, used)
        patient.plan_years[key] = plan
        checked = day - int(rng_random() * 3)
        self._eligibility_row(patient, payer, checked, True, plan, year)
        secondary = patient.secondary
        if secondary is not None and payer is patient.primary:
            self._eligibility_row(patient, secondary, checked, True, None, year)
        return plan

    def _eligibility_row(
        self,
        patient: Patient,
        payer: PayerPlan,
        checked: int,
        active: bool,
        plan: PlanYear | None,
        year: int,
        effective_to: str | None = None,
    ) -> None:
        self.eligibility_number += 1
        if plan is not None:
            copay = format_cents(plan.copay) if plan.copay else ""
            coinsurance = str(plan.coinsurance) if plan.coinsurance else ""
            deductible = format_cents(plan.deductible_left)
            limit = str(plan.visit_limit) if plan.visit_limit else ""
            used = str(plan.visits_used)
        else:
            copay = coinsurance = limit = ""
            deductible = "0.00"
            used = "0"
        self.writer.add(
            "eligibility",
            f"E{self.clinic_number:03d}{self.eligibility_number:07d},{patient.patient_id},"
            f"{payer.payer_id},{self.clock.date_text(checked)},{'true' if active else 'false'},"
            f"{copay},{coinsurance},{deductible},{limit},{used},{year}-01-01,"
            f"{effective_to or f'{year}-12-31'}",
        )

    def eligibility_lapsed(self, episode, checked: int, coverage_end: int | None) -> None:
        """The re-verification after a coverage denial: the policy ended."""
        if checked > self.end_day or coverage_end is None:
            return
        year = self.year_of(coverage_end)
        self._eligibility_row(
            episode.patient,
            episode.payer,
            checked,
            False,
            None,
            year,
            self.clock.date_text(coverage_end),
        )

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
            month = self._months[day - self.clock.first]
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
