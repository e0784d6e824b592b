"""The organization-wide plan: clinics, payers with fee schedules, group referral sources.

Everything here is a pure function of the generation arguments, so the parent process and
every worker process build the identical plan independently instead of pickling it.
Per-clinic detail (clinicians, local physicians, patients) belongs to the clinic's own
worker and random stream.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from ptrevops.generator.catalog.payers import PayerPlan, build_payers
from ptrevops.generator.catalog.places import NEIGHBORHOODS, STATE_ORDER, STATES
from ptrevops.generator.identifiers import (
    employer_identification_number,
    national_provider_identifier,
    quote_csv,
)

# Episodes already in progress on the first day: the simulation starts this many days
# before the requested window so the first weeks look like a running clinic, not an
# opening. Rows dated before the window (appointments, visits, money) are not written;
# the patients, referrals, episodes and authorizations they belong to are.
WARM_UP_DAYS = 70
# How far past --end the booked schedule and the clinicians' capacity extend.
BOOKED_AHEAD_DAYS = 42

BRANDS: tuple[str, ...] = (
    "Summit",
    "Keystone",
    "Evergreen",
    "Momentum",
    "Cornerstone",
    "Pinnacle",
    "Horizon",
    "Ironwood",
    "Northstar",
    "Bluebird",
    "Trailhead",
    "Lakeshore",
)


@dataclass(frozen=True)
class ClinicPlan:
    index: int  # 1-based, the order of every concatenated file
    clinic_id: str
    name: str  # CSV-quoted when needed
    display_name: str
    state: str
    timezone: str
    city: str
    zip3: str
    street: str
    npi: str
    tax_id: str
    stamps_utc: bool  # this clinic's EMR writes UTC ("...Z") instead of local offsets


@dataclass(frozen=True)
class ReferralSourcePlan:
    source_id: str
    name: str  # CSV-quoted when needed
    kind: str
    npi: str
    practice: str  # CSV-quoted when needed


@dataclass
class OrganizationPlan:
    seed: int
    clinic_count: int
    months: int
    start: date
    end: date
    simulation_start: date
    booked_until: date
    brand: str
    name: str
    receiver_id: str  # the group's id at the clearinghouse (ISA08 / GS03)
    clinics: list[ClinicPlan] = field(default_factory=list)
    payers: list[PayerPlan] = field(default_factory=list)
    group_sources: list[ReferralSourcePlan] = field(default_factory=list)


def months_before(end: date, months: int) -> date:
    """The first day of a window of ``months`` months that ends on ``end`` (inclusive)."""
    month_index = end.year * 12 + end.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = end.day
    while True:
        try:
            return date(year, month, day) + timedelta(days=1)
        except ValueError:
            day -= 1


def _states_for(clinic_count: int) -> list[str]:
    count = min(len(STATE_ORDER), clinic_count, 3 + clinic_count // 10)
    return list(STATE_ORDER[: max(count, 1)])


@lru_cache(maxsize=4)
def build_organization(seed: int, clinic_count: int, months: int, end: date) -> OrganizationPlan:
    """The organization for these arguments (cached: workers call it once per clinic)."""
    rng = random.Random(f"ptrevops-generator:{seed}:organization")
    start = months_before(end, months)
    brand = BRANDS[rng.randrange(len(BRANDS))]
    plan = OrganizationPlan(
        seed=seed,
        clinic_count=clinic_count,
        months=months,
        start=start,
        end=end,
        simulation_start=start - timedelta(days=WARM_UP_DAYS),
        booked_until=end + timedelta(days=BOOKED_AHEAD_DAYS),
        brand=brand,
        name=f"{brand} Physical Therapy Partners",
        receiver_id=employer_identification_number(rng),
    )
    states = _states_for(clinic_count)
    used_names: set[str] = set()
    for index in range(1, clinic_count + 1):
        state = STATES[states[(index - 1) % len(states)]]
        city, zip3 = state.cities[rng.randrange(len(state.cities))]
        display = f"{brand} Physical Therapy - {city}"
        while display in used_names:
            neighborhood = NEIGHBORHOODS[rng.randrange(len(NEIGHBORHOODS))]
            display = f"{brand} Physical Therapy - {city}, {neighborhood}"
        used_names.add(display)
        street_number = rng.randrange(100, 9900)
        street = state.street_names[rng.randrange(len(state.street_names))]
        plan.clinics.append(
            ClinicPlan(
                index=index,
                clinic_id=f"C{index:03d}",
                name=quote_csv(display),
                display_name=display,
                state=state.code,
                timezone=state.timezone,
                city=city,
                zip3=zip3,
                street=f"{street_number} {street}",
                npi=national_provider_identifier(rng),
                tax_id=employer_identification_number(rng),
                # About a third of the clinics run an EMR that exports UTC timestamps.
                stamps_utc=(index % 3 == 2),
            )
        )
    plan.payers = build_payers(states, plan.simulation_start - timedelta(days=1), plan.booked_until)
    group_sources = [
        ("Direct access (no referral)", "direct_access"),
        ("Self-referred / returning patient", "self"),
        ("Google Ads", "marketing"),
        ("Practice website", "marketing"),
        ("Community health fair", "marketing"),
        ("Employer wellness program", "marketing"),
        ("Insurance case manager", "other"),
        ("Attorney referral", "other"),
    ]
    for number, (name, kind) in enumerate(group_sources, start=1):
        plan.group_sources.append(
            ReferralSourcePlan(f"RS000{number:04d}", quote_csv(name), kind, "", "")
        )
    return plan
