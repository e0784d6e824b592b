"""A clinic's patients: who they are, their insurance, and their benefits year by year.

New patients get an insurance class from the clinic's payer mix (Medicare and Medicare
Advantage patients are 65 and over, with a Medigap supplement or Medicaid as secondary for
some), a payer within the class, member ids shaped like the payer's, and a cost-sharing
design (copay, or deductible and coinsurance) they keep from year to year. About one
referral in eight is a returning patient.

Benefits are verified the first time they are needed in a calendar year: that writes the
``eligibility.csv`` row (and one for the secondary payer) with what the check returned,
including the deductible still open and the visits already used against a plan-year
limit. When a payer denies for coverage that ended, the clinic re-verifies and an inactive
row follows.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from typing import TYPE_CHECKING

from ptrevops.generator.catalog.clinical import BODY_REGIONS, ICD10_CHANGES, BodyRegion
from ptrevops.generator.catalog.payers import MEDICARE_PART_B_DEDUCTIBLE_CENTS, PayerPlan
from ptrevops.generator.catalog.people import FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES
from ptrevops.generator.clock import iso_date
from ptrevops.generator.identifiers import quote_csv
from ptrevops.generator.money import format_cents
from ptrevops.generator.staffing import x12_name

if TYPE_CHECKING:
    from ptrevops.generator.clinic_simulation import ClinicSimulation

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


class PlanYear:
    """A patient's benefits with one payer for one calendar year, as verified and as used."""

    __slots__ = ("copay", "coinsurance", "deductible_left", "visit_limit", "visits_used")

    def __init__(
        self, copay: int, coinsurance: int, deductible_left: int, visit_limit: int, used: int
    ) -> None:
        self.copay = copay
        self.coinsurance = coinsurance
        self.deductible_left = deductible_left
        self.visit_limit = visit_limit
        self.visits_used = used


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


class PatientRegistry:
    """Creates, remembers and verifies the benefits of one clinic's patients."""

    def __init__(self, sim: ClinicSimulation) -> None:
        self.sim = sim
        self.rng = sim.rng
        self.patient_number = 0
        self.eligibility_number = 0
        self.returning_pool: list[Patient] = []
        state = sim.clinic.state
        state_payers = {
            (payer.type, payer.state): payer for payer in sim.payers if payer.state == state
        }
        by_code = {payer.payer_code: payer for payer in sim.payers}
        self.medicare = state_payers[("medicare", state)]
        self.medicaid = state_payers[("medicaid", state)]
        self.workers_comp = state_payers[("workers_comp", state)]
        self.blue = state_payers[("commercial", state)]
        self.self_pay = next(payer for payer in sim.payers if payer.type == "self_pay")
        self.supplement = next(payer for payer in sim.payers if payer.secondary_only)
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
        shares = [
            (name, share * (0.7 + 0.6 * sim.rng.random())) for name, share in PAYER_CLASS_SHARES
        ]
        total = sum(share for _, share in shares)
        running = 0.0
        self.payer_class_limits: list[tuple[float, str]] = []
        for name, share in shares:
            running += share / total
            self.payer_class_limits.append((running, name))
        self.region_limits = list(_cumulative([region.weight for region in BODY_REGIONS]))
        self.icd_changes = {
            code: (before, after, date.fromisoformat(switch).toordinal())
            for code, before, after, switch in ICD10_CHANGES
        }

    def _member_id(self, payer: PayerPlan) -> str:
        """A member id shaped like the payer's (Medicare: an 11-character MBI)."""
        if payer.type == "medicare":
            value = self.rng.getrandbits(48)
            letters = MBI_LETTERS
            characters = []
            for kind in "NAANAANAANN":  # MBI positions: digit or letter (never S, L, O, I, B, Z)
                if kind == "N":
                    characters.append(str(value % 10))
                    value //= 10
                else:
                    characters.append(letters[value % 20])
                    value //= 20
            if characters[0] == "0":
                characters[0] = "1"
            return "".join(characters)
        prefix = {
            "medicare_advantage": "H",
            "medicaid": payer.state or "MC",
            "workers_comp": "WC",
            "auto": "PIP",
            "other": "TR",
        }.get(payer.type, payer.payer_code[:1] if payer.payer_code else "M")
        return f"{prefix}{self.rng.getrandbits(30) % 10**9:09d}"

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
        patient.patient_id = f"P{self.sim.clinic_number:03d}{self.patient_number:06d}"
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
        zip3 = self.sim.clinic.zip3
        zip_code = f"{zip3}{int(rng_random() * 100):02d}"
        self.sim.writer.add(
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
            and not self.sim.has_occupational_therapy
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

    def plan_year(self, patient: Patient, payer: PayerPlan, day: int) -> PlanYear:
        """The patient's benefits with ``payer`` in the year of ``day`` (verified on first use)."""
        year = self.sim.years[day - self.sim.clock.first]
        key = payer.index * 10000 + year
        plan = patient.plan_years.get(key)
        if plan is not None:
            return plan
        rng_random = self.rng.random
        month = self.sim.months[day - self.sim.clock.first]
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
        self.sim.writer.add(
            "eligibility",
            f"E{self.sim.clinic_number:03d}{self.eligibility_number:07d},{patient.patient_id},"
            f"{payer.payer_id},{self.sim.clock.date_text(checked)},{'true' if active else 'false'},"
            f"{copay},{coinsurance},{deductible},{limit},{used},{year}-01-01,"
            f"{effective_to or f'{year}-12-31'}",
        )

    def eligibility_lapsed(self, episode, checked: int, coverage_end: int | None) -> None:
        """The re-verification after a coverage denial: the policy ended."""
        if checked > self.sim.end_day or coverage_end is None:
            return
        year = self.sim.year_of(coverage_end)
        self._eligibility_row(
            episode.patient,
            episode.payer,
            checked,
            False,
            None,
            year,
            self.sim.clock.date_text(coverage_end),
        )


def _cumulative(weights: list[float]):
    total = sum(weights)
    running = 0.0
    for weight in weights:
        running += weight / total
        yield running


def medicare_deductible_cents(year: int) -> int:
    known = MEDICARE_PART_B_DEDUCTIBLE_CENTS
    return known.get(year, known[max(known)] if year > max(known) else known[min(known)])
