"""The payers a PT clinic group bills, how each behaves, and what each pays per CPT code.

Each payer is a ``PayerPlan``: the columns of ``payers.csv`` plus the behaviour the
simulation needs (how fast it pays and on which weekday, its timely-filing limit, its
patients' cost sharing, whether it applies the Medicare reductions, how it words
denials). National carriers appear once; Medicare contractors, Medicaid programs, Blue
plans and workers' compensation funds appear once per state the group works in.

Fee schedules: Medicare amounts are the 2025 national amounts from the CPT table scaled
by each year's conversion factor (including the mid-2024 change) and a state locality
factor. Other payers pay a multiple of that reference, updated once a year on their
contract anniversary (Medicaid on the state fiscal year, 1 July).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from billing.rules.codes import CPT_CODES
from ptrevops.generator.catalog.clinical import REFERENCE_AMOUNT_CENTS_WITHOUT_MEDICARE_PRICE
from ptrevops.generator.catalog.places import STATES
from ptrevops.generator.money import cents_from_text, rounded_share

# Medicare physician fee schedule conversion factors by effective date. 2024 changed on
# 9 March (Consolidated Appropriations Act 2024); 2026 is the non-APM factor in rules.md.
MEDICARE_CONVERSION_FACTORS: tuple[tuple[date, str], ...] = (
    (date(2018, 1, 1), "35.9996"),
    (date(2019, 1, 1), "36.0391"),
    (date(2020, 1, 1), "36.0896"),
    (date(2021, 1, 1), "34.8931"),
    (date(2022, 1, 1), "34.6062"),
    (date(2023, 1, 1), "33.8872"),
    (date(2024, 1, 1), "32.7442"),
    (date(2024, 3, 9), "33.2875"),
    (date(2025, 1, 1), "32.3465"),
    (date(2026, 1, 1), "33.4009"),
)
REFERENCE_CONVERSION_FACTOR = "32.3465"  # the factor of the amounts in cpt-codes.csv

# Part B deductible by year (the patient pays it before Medicare pays its 80%).
MEDICARE_PART_B_DEDUCTIBLE_CENTS: dict[int, int] = {
    2018: 18300,
    2019: 18500,
    2020: 19800,
    2021: 20300,
    2022: 23300,
    2023: 22600,
    2024: 24000,
    2025: 25700,
    2026: 28300,
}

# Medicare sequestration: 2% of the payment, suspended during the pandemic.
SEQUESTRATION_PERMILLE: tuple[tuple[date, int], ...] = (
    (date(2013, 4, 1), 20),
    (date(2020, 5, 1), 0),
    (date(2022, 4, 1), 10),
    (date(2022, 7, 1), 20),
)

MEDICARE = "medicare"
MEDICARE_ADVANTAGE = "medicare_advantage"
MEDICAID = "medicaid"
COMMERCIAL = "commercial"
WORKERS_COMP = "workers_comp"
AUTO = "auto"
SELF_PAY = "self_pay"
OTHER = "other"

CMS_8_MINUTE = "cms_8_minute"
SUBSTANTIAL_PORTION = "substantial_portion"


@dataclass(frozen=True)
class CostSharing:
    """How a payer's members share cost: drawn per patient and plan year."""

    copay_choices_cents: tuple[int, ...] = ()  # empty: no copay plans
    copay_plan_share: float = 0.0  # share of members on a copay (vs deductible+coinsurance)
    coinsurance_choices: tuple[int, ...] = ()  # percent
    deductible_choices_cents: tuple[int, ...] = ()
    visit_limit_choices: tuple[int, ...] = (0,)  # 0 = no plan-year visit limit
    medicare_part_b: bool = False  # Part B deductible of the year and 20% coinsurance


@dataclass
class PayerPlan:
    """One payer of the organization: its ``payers.csv`` row and its behaviour."""

    index: int
    payer_id: str
    name: str
    type: str
    unit_rule: str
    requires_auth: bool
    payer_code: str
    state: str | None
    claim_filing_indicator: str  # CLP06 (835 code list: 12 PPO, 15 indemnity, 16 MA, MB, MC...)
    timely_filing_days: int
    payment_weekday: int  # Monday = 0
    lag_days: tuple[int, int]  # receipt to adjudication, before the weekly payment run
    fee_factor_permille: int  # of the Medicare reference amount
    anniversary_month: int  # month a new rate sheet takes effect (1 = January)
    yearly_increase_permille: int
    follows_medicare_rates: bool
    excluded_codes: frozenset[str]
    cost_sharing: CostSharing
    medicare_reductions: bool = False  # MPPR (CARC 59) and the 85% PTA rate
    sequestration: bool = False  # CARC 253, original Medicare only
    slow_fee_update_days: int = 0  # keeps paying last year's rates this long: underpayments
    random_underpayment_permille: int = 0  # lines paid about 10% under contract, unexplained
    claim_level_denials: bool = False  # full denials as a claim CAS with no service lines
    pays_interest: bool = False  # prompt-pay interest (PLB L6) on late clean claims
    pays_by_check: bool = False
    secondary_only: bool = False
    address: tuple[str, str, str, str] = ("", "", "", "")  # street, city, state, ZIP
    phone: str = ""
    tax_id: str = ""  # 10 characters: "1" + EIN, as TRN03 and BPR10 carry it
    # Filled by ``build_fee_periods``: (first day, last day or None, {cpt: cents per unit}).
    fee_periods: list[tuple[int, int | None, dict[str, int]]] = field(default_factory=list)

    @property
    def bills_claims(self) -> bool:
        return self.type != SELF_PAY


def _medicare_factor_periods(first: date, last: date) -> list[tuple[date, str]]:
    periods: list[tuple[date, str]] = []
    factors = list(MEDICARE_CONVERSION_FACTORS)
    # Years after the table: keep the last factor (a placeholder until CMS publishes).
    year = factors[-1][0].year + 1
    while year <= last.year:
        factors.append((date(year, 1, 1), factors[-1][1]))
        year += 1
    for index, (start, factor) in enumerate(factors):
        end = factors[index + 1][0] if index + 1 < len(factors) else None
        if end is not None and end <= first:
            continue
        if start > last:
            break
        periods.append((start, factor))
    return periods


def _reference_cents(code: str) -> int | None:
    info = CPT_CODES[code]
    if info.medicare_national_2025 is not None:
        return cents_from_text(str(info.medicare_national_2025))
    return REFERENCE_AMOUNT_CENTS_WITHOUT_MEDICARE_PRICE.get(code)


def build_fee_periods(payer: PayerPlan, first: date, last: date) -> None:
    """Fill ``payer.fee_periods`` with every rate period that overlaps ``[first, last]``."""
    if not payer.bills_claims or payer.secondary_only:
        return
    codes = [code for code in CPT_CODES if code not in payer.excluded_codes]
    locality = STATES[payer.state].medicare_locality_permille if payer.state else 1000
    starts: list[tuple[date, dict[str, int]]] = []
    if payer.follows_medicare_rates:
        reference_factor = cents_from_text(REFERENCE_CONVERSION_FACTOR)
        for start, factor_text in _medicare_factor_periods(first, last):
            factor = cents_from_text(factor_text)
            fees: dict[str, int] = {}
            for code in codes:
                national = CPT_CODES[code].medicare_national_2025
                if national is None:
                    continue
                amount = rounded_share(cents_from_text(str(national)), factor, reference_factor)
                amount = rounded_share(amount, locality * payer.fee_factor_permille, 1_000_000)
                fees[code] = amount
            starts.append((start, fees))
    else:
        year = first.year - 1
        while date(year, payer.anniversary_month, 1) <= last:
            start = date(year, payer.anniversary_month, 1)
            next_start = date(year + 1, payer.anniversary_month, 1)
            if next_start > first:
                # Compound the yearly increase from the 2025 contract year.
                factor = 1000 * payer.fee_factor_permille
                denominator = 1000 * 1000
                steps = year - 2025
                for _ in range(abs(steps)):
                    if steps > 0:
                        factor *= 1000 + payer.yearly_increase_permille
                        denominator *= 1000
                    else:
                        factor *= 1000
                        denominator *= 1000 + payer.yearly_increase_permille
                fees = {}
                for code in codes:
                    reference = _reference_cents(code)
                    if reference is None:
                        continue
                    fees[code] = rounded_share(reference, factor, denominator)
                starts.append((start, fees))
            year += 1
    for position, (start, fees) in enumerate(starts):
        end = starts[position + 1][0].toordinal() - 1 if position + 1 < len(starts) else None
        payer.fee_periods.append((start.toordinal(), end, fees))


def sequestration_permille(on: date) -> int:
    rate = 0
    for start, permille in SEQUESTRATION_PERMILLE:
        if on >= start:
            rate = permille
    return rate


_MEDICARE_EXCLUDED = frozenset({"97010", "97014"})
_NON_MEDICARE_EXCLUDED = frozenset({"G0283"})
_MEDICAID_EXCLUDED = frozenset({"G0283", "97010", "97124", "97750", "97113", "97036"})

_COMMERCIAL_SHARING = CostSharing(
    copay_choices_cents=(2000, 2500, 3000, 3500, 4000, 5000, 6000, 7500),
    copay_plan_share=0.6,
    coinsurance_choices=(10, 20, 20, 30),
    deductible_choices_cents=(50000, 100000, 150000, 250000, 350000, 500000, 600000),
    visit_limit_choices=(0, 0, 0, 20, 30, 30, 60),
)
_ADVANTAGE_SHARING = CostSharing(
    copay_choices_cents=(1500, 2000, 2500, 3000, 4000, 4500),
    copay_plan_share=0.85,
    coinsurance_choices=(20,),
    deductible_choices_cents=(0,),
)
_MEDICARE_SHARING = CostSharing(medicare_part_b=True)
_MEDICAID_SHARING = CostSharing(visit_limit_choices=(0, 20, 30))
_NO_SHARING = CostSharing()
_TRICARE_SHARING = CostSharing(copay_choices_cents=(1500, 2500, 3300), copay_plan_share=1.0)


def build_payers(states: list[str], first: date, last: date) -> list[PayerPlan]:
    """The organization's payers for the states it works in, with their fee periods."""
    payers: list[PayerPlan] = []

    def add(**fields: object) -> None:
        index = len(payers)
        payers.append(PayerPlan(index=index, payer_id=f"PY{index + 1:03d}", **fields))  # type: ignore[arg-type]

    for position, code in enumerate(states):
        state = STATES[code]
        add(
            name=f"Medicare Part B {code} - {state.medicare_contractor}",
            type=MEDICARE,
            unit_rule=CMS_8_MINUTE,
            requires_auth=False,
            payer_code=state.medicare_payer_code,
            state=code,
            claim_filing_indicator="MB",
            timely_filing_days=365,
            payment_weekday=1,
            lag_days=(14, 18),
            fee_factor_permille=1000,
            anniversary_month=1,
            yearly_increase_permille=0,
            follows_medicare_rates=True,
            excluded_codes=_MEDICARE_EXCLUDED,
            cost_sharing=_MEDICARE_SHARING,
            medicare_reductions=True,
            sequestration=True,
            pays_interest=True,
            address=(
                "PO Box 3" + f"{position:03d}",
                state.cities[0][0],
                code,
                state.cities[0][1] + "01",
            ),
            phone="8772357448",
            tax_id=f"1{590000000 + position * 7919:09d}",
        )
    national = [
        {
            "name": "Humana Medicare Advantage",
            "type": MEDICARE_ADVANTAGE,
            "unit_rule": CMS_8_MINUTE,
            "requires_auth": True,
            "payer_code": "61101",
            "claim_filing_indicator": "16",
            "timely_filing_days": 180,
            "payment_weekday": 3,
            "lag_days": (15, 30),
            "fee_factor_permille": 990,
            "follows_medicare_rates": True,
            "excluded_codes": _MEDICARE_EXCLUDED,
            "cost_sharing": _ADVANTAGE_SHARING,
            "medicare_reductions": True,
            "address": ("PO Box 14601", "Lexington", "KY", "40512"),
            "phone": "8004574708",
            "tax_id": "1610647538",
        },
        {
            "name": "Wellcare Medicare Advantage",
            "type": MEDICARE_ADVANTAGE,
            "unit_rule": CMS_8_MINUTE,
            "requires_auth": True,
            "payer_code": "68069",
            "claim_filing_indicator": "16",
            "timely_filing_days": 180,
            "payment_weekday": 4,
            "lag_days": (18, 35),
            "fee_factor_permille": 980,
            "follows_medicare_rates": True,
            "excluded_codes": _MEDICARE_EXCLUDED,
            "cost_sharing": _ADVANTAGE_SHARING,
            "medicare_reductions": True,
            "claim_level_denials": True,
            "address": ("PO Box 31372", "Tampa", "FL", "33631"),
            "phone": "8664300242",
            "tax_id": "1202904386",
        },
        {
            "name": "Aetna",
            "type": COMMERCIAL,
            "unit_rule": CMS_8_MINUTE,
            "requires_auth": False,
            "payer_code": "60054",
            "claim_filing_indicator": "12",
            "timely_filing_days": 120,
            "payment_weekday": 0,
            "lag_days": (10, 25),
            "fee_factor_permille": 1120,
            "anniversary_month": 1,
            "yearly_increase_permille": 25,
            "follows_medicare_rates": False,
            "excluded_codes": _NON_MEDICARE_EXCLUDED,
            "cost_sharing": _COMMERCIAL_SHARING,
            "address": ("PO Box 981106", "El Paso", "TX", "79998"),
            "phone": "8886323862",
            "tax_id": "1060876436",
        },
        {
            "name": "Cigna Healthcare",
            "type": COMMERCIAL,
            "unit_rule": SUBSTANTIAL_PORTION,
            "requires_auth": True,
            "payer_code": "62308",
            "claim_filing_indicator": "12",
            "timely_filing_days": 90,
            "payment_weekday": 2,
            "lag_days": (12, 30),
            "fee_factor_permille": 1050,
            "anniversary_month": 4,
            "yearly_increase_permille": 30,
            "follows_medicare_rates": False,
            "excluded_codes": _NON_MEDICARE_EXCLUDED,
            "cost_sharing": _COMMERCIAL_SHARING,
            "slow_fee_update_days": 45,
            "address": ("PO Box 188061", "Chattanooga", "TN", "37422"),
            "phone": "8002446224",
            "tax_id": "1060303370",
        },
        {
            "name": "UnitedHealthcare",
            "type": COMMERCIAL,
            "unit_rule": CMS_8_MINUTE,
            "requires_auth": True,
            "payer_code": "87726",
            "claim_filing_indicator": "12",
            "timely_filing_days": 90,
            "payment_weekday": 1,
            "lag_days": (8, 22),
            "fee_factor_permille": 1090,
            "anniversary_month": 7,
            "yearly_increase_permille": 20,
            "follows_medicare_rates": False,
            "excluded_codes": _NON_MEDICARE_EXCLUDED,
            "cost_sharing": _COMMERCIAL_SHARING,
            "random_underpayment_permille": 25,
            "pays_interest": True,
            "address": ("PO Box 30555", "Salt Lake City", "UT", "84130"),
            "phone": "8778423210",
            "tax_id": "1411289245",
        },
        {
            "name": "TRICARE (Humana Military / TriWest)",
            "type": OTHER,
            "unit_rule": CMS_8_MINUTE,
            "requires_auth": False,
            "payer_code": "99726",
            "claim_filing_indicator": "CH",
            "timely_filing_days": 365,
            "payment_weekday": 0,
            "lag_days": (14, 28),
            "fee_factor_permille": 1000,
            "follows_medicare_rates": True,
            "excluded_codes": _MEDICARE_EXCLUDED,
            "cost_sharing": _TRICARE_SHARING,
            "address": ("PO Box 7031", "Camden", "SC", "29021"),
            "phone": "8004443843",
            "tax_id": "1611373513",
        },
        {
            "name": "State Farm Auto (PIP)",
            "type": AUTO,
            "unit_rule": SUBSTANTIAL_PORTION,
            "requires_auth": False,
            "payer_code": "31053",
            "claim_filing_indicator": "AM",
            "timely_filing_days": 180,
            "payment_weekday": 2,
            "lag_days": (25, 55),
            "fee_factor_permille": 1550,
            "anniversary_month": 1,
            "yearly_increase_permille": 30,
            "follows_medicare_rates": False,
            "excluded_codes": _NON_MEDICARE_EXCLUDED,
            "cost_sharing": _NO_SHARING,
            "claim_level_denials": True,
            "pays_by_check": True,
            "address": ("PO Box 106169", "Atlanta", "GA", "30348"),
            "phone": "8007326246",
            "tax_id": "1370533100",
        },
        {
            "name": "AARP Medicare Supplement (UnitedHealthcare)",
            "type": COMMERCIAL,
            "unit_rule": CMS_8_MINUTE,
            "requires_auth": False,
            "payer_code": "36273",
            "claim_filing_indicator": "15",
            "timely_filing_days": 365,
            "payment_weekday": 3,
            "lag_days": (8, 18),
            "fee_factor_permille": 1000,
            "follows_medicare_rates": True,
            "excluded_codes": _MEDICARE_EXCLUDED,
            "cost_sharing": _NO_SHARING,
            "secondary_only": True,
            "address": ("PO Box 740819", "Atlanta", "GA", "30374"),
            "phone": "8005237774",
            "tax_id": "1411321939",
        },
    ]
    for fields in national:
        fields.setdefault("anniversary_month", 1)
        fields.setdefault("yearly_increase_permille", 0)
        add(state=None, **fields)
    for position, code in enumerate(states):
        state = STATES[code]
        city = state.cities[0][0]
        zip_code = state.cities[0][1] + "02"
        add(
            name=state.blue_plan_name,
            type=COMMERCIAL,
            unit_rule=SUBSTANTIAL_PORTION if position % 2 == 0 else CMS_8_MINUTE,
            requires_auth=position % 3 == 2,
            payer_code=f"B{code}{position + 1:02d}",
            state=code,
            claim_filing_indicator="12",
            timely_filing_days=180,
            payment_weekday=3,
            lag_days=(12, 28),
            fee_factor_permille=1180 + 25 * (position % 5),
            anniversary_month=1 if position % 2 == 0 else 10,
            yearly_increase_permille=25,
            follows_medicare_rates=False,
            excluded_codes=_NON_MEDICARE_EXCLUDED,
            cost_sharing=_COMMERCIAL_SHARING,
            random_underpayment_permille=6,
            pays_interest=True,
            address=("PO Box 6600" + str(position), city, code, zip_code),
            phone="8006767080",
            tax_id=f"1{740000000 + position * 104729:09d}",
        )
        add(
            name=state.medicaid_name,
            type=MEDICAID,
            unit_rule=CMS_8_MINUTE,
            requires_auth=True,
            payer_code=f"{code}MCD",
            state=code,
            claim_filing_indicator="MC",
            timely_filing_days=180,
            payment_weekday=4,
            lag_days=(18, 40),
            fee_factor_permille=640 + 30 * (position % 4),
            anniversary_month=7,
            yearly_increase_permille=10,
            follows_medicare_rates=False,
            excluded_codes=_MEDICAID_EXCLUDED,
            cost_sharing=_MEDICAID_SHARING,
            claim_level_denials=True,
            address=("PO Box 2000" + str(position), city, code, zip_code),
            phone="8005551212",
            tax_id=f"1{860000000 + position * 15485:09d}",
        )
        add(
            name=state.workers_comp_name,
            type=WORKERS_COMP,
            unit_rule=SUBSTANTIAL_PORTION,
            requires_auth=True,
            payer_code=f"{code}WC{position + 1:02d}",
            state=code,
            claim_filing_indicator="WC",
            timely_filing_days=365,
            payment_weekday=4,
            lag_days=(25, 55),
            fee_factor_permille=1400,
            anniversary_month=1,
            yearly_increase_permille=20,
            follows_medicare_rates=False,
            excluded_codes=_NON_MEDICARE_EXCLUDED,
            cost_sharing=_NO_SHARING,
            claim_level_denials=True,
            pays_by_check=True,
            address=("PO Box 9000" + str(position), city, code, zip_code),
            phone="8005550199",
            tax_id=f"1{930000000 + position * 7907:09d}",
        )
    add(
        name="Self Pay",
        type=SELF_PAY,
        unit_rule=CMS_8_MINUTE,
        requires_auth=False,
        payer_code="",
        state=None,
        claim_filing_indicator="",
        timely_filing_days=0,
        payment_weekday=0,
        lag_days=(0, 0),
        fee_factor_permille=0,
        anniversary_month=1,
        yearly_increase_permille=0,
        follows_medicare_rates=False,
        excluded_codes=frozenset(),
        cost_sharing=_NO_SHARING,
    )
    for payer in payers:
        build_fee_periods(payer, first, last)
    return payers
