"""Coding a visit: which CPT codes, how many minutes each, the units, modifiers and price.

Units always come from ``billing.rules.units.units_for_rule`` with the primary payer's
unit rule (self-pay: the CMS rule, the import default), so the charges follow the same
rule the product's scrubber checks. Modifiers follow rules.md: the discipline modifier
(GP, or GO for occupational therapy) on every line, CQ/CO on assistant lines billed to
Medicare and Medicare Advantage, KX above the Medicare threshold (added by the caller,
which knows the year-to-date amount), and 59/XU on the column-two code of an NCCI pair.

A timed code whose minutes earn no unit under the payer's rule stays on the visit as a
zero-unit, zero-dollar line that is not sent on the claim: the minutes were documented,
and keeping them lets anyone re-run either unit rule.

About 2% of lines carry a deliberate coding defect for the scrubber to find; each is
reported by the caller in ``truth/deliberate_errors.csv`` under the scrubber's own
finding code.
"""

from __future__ import annotations

import random

from billing.rules.codes import CPT_CODES
from billing.rules.ncci import NCCI_PAIRS
from billing.rules.units import units_for_rule
from ptrevops.generator.catalog.clinical import (
    CHARGEMASTER_MULTIPLE_PERMILLE,
    CHARGEMASTER_YEARLY_INCREASE_PERMILLE,
    REFERENCE_AMOUNT_CENTS_WITHOUT_MEDICARE_PRICE,
    UNATTENDED_ESTIM,
    BodyRegion,
)
from ptrevops.generator.money import cents_from_text, rounded_share

TIMED = frozenset(code for code, info in CPT_CODES.items() if info.timed)
EVALUATION_CODES = ("97161", "97162", "97163")
# Clinics use untimed modalities (hot packs, unattended e-stim, traction) more than the
# regional tables alone suggest: scale their probabilities up a little.
ADJUNCT_SCALE = 1.3
# low 30%, moderate 55%, high 15% complexity
REEVALUATION = "97164"

# payer types whose claims take G0283 instead of 97014 and the CQ/CO assistant modifiers
MEDICARE_STYLE_TYPES = frozenset({"medicare", "medicare_advantage"})
# payer types that pay the hot/cold pack code (Medicare bundles it: clinics don't bill it)
HOT_PACK_PAYER_TYPES = frozenset(
    {"commercial", "workers_comp", "auto", "medicaid", "self_pay", "other"}
)

# Column-one -> column-two codes that need a distinct-service modifier on column two.
NCCI_COLUMN_TWO: dict[str, tuple[str, ...]] = {}
for _pair in NCCI_PAIRS:
    NCCI_COLUMN_TWO.setdefault(_pair.column_one, ())
    NCCI_COLUMN_TWO[_pair.column_one] += (_pair.column_two,)

ERROR_UNITS = "units_not_supported_by_minutes"
ERROR_GP = "gp_modifier_missing"
ERROR_CQ = "cq_modifier_missing"
ERROR_NCCI = "ncci_pair_without_modifier"
ERROR_MEDICARE_CODE = "code_not_valid_for_medicare"
ERROR_KX = "kx_modifier_missing"
ERROR_DUPLICATE = "duplicate_charge_entry"


# Units already computed for (rule, codes, minutes) in this process: the rule is a pure
# function, and the same documentation recurs often enough to make this worth it.
_UNITS_MEMO: dict[tuple[str, tuple[str, ...], tuple[int, ...]], tuple[int, ...]] = {}


class ChargeLine:
    """One charge line of a visit, with what adjudication needs later."""

    __slots__ = (
        "cpt",
        "minutes",
        "units",
        "modifiers",
        "charge",
        "charge_id",
        "pointers",
        "fee",
        "error",
        "extra_units",
        "ncci_column_two",
        "procedure",
    )

    def __init__(self, cpt: str, minutes: int) -> None:
        self.cpt = cpt
        self.minutes = minutes
        self.units = 0
        self.modifiers: list[str] = []
        self.charge = 0
        self.charge_id = ""
        self.pointers = "1"
        self.fee: int | None = None  # contracted allowed per unit, set by the caller
        self.error = ""  # deliberate defect on this line, if any
        self.extra_units = 0  # units billed beyond what the minutes support
        self.ncci_column_two = False  # this line needs 59/XU because of an NCCI pair
        self.procedure = ""  # the SVC01 composite, set once the modifiers are final


def chargemaster(first_year: int, last_year: int) -> dict[int, dict[str, int]]:
    """Gross charge per unit by year and code, in cents (whole dollars, +3% a year)."""
    prices: dict[int, dict[str, int]] = {}
    for year in range(first_year, last_year + 1):
        by_code: dict[str, int] = {}
        for code, info in CPT_CODES.items():
            if info.medicare_national_2025 is not None:
                reference = cents_from_text(str(info.medicare_national_2025))
            else:
                reference = REFERENCE_AMOUNT_CENTS_WITHOUT_MEDICARE_PRICE.get(code, 2000)
            amount = rounded_share(reference, CHARGEMASTER_MULTIPLE_PERMILLE, 1000)
            steps = year - 2025
            for _ in range(abs(steps)):
                if steps > 0:
                    amount = rounded_share(
                        amount, 1000 + CHARGEMASTER_YEARLY_INCREASE_PERMILLE, 1000
                    )
                else:
                    amount = rounded_share(
                        amount, 1000, 1000 + CHARGEMASTER_YEARLY_INCREASE_PERMILLE
                    )
            by_code[code] = max(100, amount // 100 * 100)
        prices[year] = by_code
    return prices


class VisitCoder:
    """Draws the codes and minutes of a visit and prices them; one per clinic (own RNG)."""

    def __init__(self, rng: random.Random, error_rate: float) -> None:
        self.rng = rng
        self.error_rate = error_rate

    def _minutes_split(self, codes: list[str], total: int, minutes: list[int]) -> list[str]:
        """Split timed minutes over ``codes`` (each at least 8, the first most) into ``minutes``."""
        random_value = self.rng.random
        if total < 8 * len(codes):
            codes = codes[: max(1, total // 8)]
        weights = [0.3 + random_value() for _ in codes]
        weights[0] += 0.6  # the main intervention gets the most time
        scale = (total - 8 * len(codes)) / sum(weights)
        split = [8 + int(weight * scale) for weight in weights]
        split[0] += total - sum(split)
        minutes += split
        return codes

    def code_visit(
        self,
        visit_type: str,
        region: BodyRegion,
        duration: int,
        payer_type: str,
        unit_rule: str,
    ) -> list[ChargeLine]:
        """Lines (without prices or modifiers) for one visit, units set by ``unit_rule``."""
        random_value = self.rng.random
        codes: list[str]
        minutes: list[int]
        if visit_type == "evaluation":
            draw = random_value()
            code = EVALUATION_CODES[0 if draw < 0.3 else (1 if draw < 0.85 else 2)]
            codes = [code]
            minutes = [25 + int(random_value() * 21)]
            if random_value() < 0.6:
                extra = "97110" if random_value() < 0.7 else "97140"
                codes.append(extra)
                minutes.append(8 + int(random_value() * 15))
                if random_value() < 0.25:
                    codes.append("97530" if extra == "97110" else "97110")
                    minutes.append(8 + int(random_value() * 10))
        elif visit_type == "re_evaluation":
            timed = [code for code, share in region.timed_codes if random_value() < share][:2]
            if not timed:
                timed = [region.timed_codes[0][0]]
            minutes = [20 + int(random_value() * 11)]
            codes = [REEVALUATION] + self._minutes_split(
                timed, 15 + int(random_value() * 21), minutes
            )
        else:
            timed = [code for code, share in region.timed_codes if random_value() < share][:4]
            if not timed:
                timed = [region.timed_codes[0][0]]
            if duration >= 60:
                total = 48 + int(random_value() * 13) + int(random_value() * 9)
            elif duration >= 45:
                total = 37 + int(random_value() * 10) + int(random_value() * 9)
            else:
                total = 20 + int(random_value() * 11)
            minutes = []
            codes = self._minutes_split(timed, total, minutes)
            for code, share in region.adjunct_codes:
                if random_value() >= share * ADJUNCT_SCALE:
                    continue
                if code == UNATTENDED_ESTIM:
                    code = "G0283" if payer_type in MEDICARE_STYLE_TYPES else "97014"
                elif code == "97010" and payer_type not in HOT_PACK_PAYER_TYPES:
                    continue
                codes.append(code)
                minutes.append(8 + int(random_value() * 8))
        key = (unit_rule, tuple(codes), tuple(minutes))
        units = _UNITS_MEMO.get(key)
        if units is None:
            by_code = units_for_rule(unit_rule, dict(zip(codes, minutes, strict=True)))
            units = tuple(by_code[code] for code in codes)
            if len(_UNITS_MEMO) > 150_000:
                _UNITS_MEMO.clear()
            _UNITS_MEMO[key] = units
        lines = []
        for code, count, unit_count in zip(codes, minutes, units, strict=True):
            line = ChargeLine(code, count)
            line.units = unit_count
            lines.append(line)
        return lines

    def add_modifiers(self, lines: list[ChargeLine], credential: str, payer_type: str) -> None:
        """Discipline, assistant and NCCI modifiers, as a correct claim carries them."""
        discipline = "GO" if credential in ("OT", "COTA") else "GP"
        assistant = ""
        if payer_type in MEDICARE_STYLE_TYPES:
            if credential == "PTA":
                assistant = "CQ"
            elif credential == "COTA":
                assistant = "CO"
        billed = {line.cpt for line in lines if line.units > 0}
        needs_distinct: set[str] = set()
        for code in billed:
            for column_two in NCCI_COLUMN_TWO.get(code, ()):
                if column_two in billed:
                    needs_distinct.add(column_two)
        distinct = "XU" if payer_type == "medicare" and self.rng.random() < 0.4 else "59"
        for line in lines:
            modifiers = [discipline]
            if assistant:
                modifiers.append(assistant)
            if line.cpt in needs_distinct and line.units > 0:
                modifiers.append(distinct)
                line.ncci_column_two = True
            line.modifiers = modifiers

    def price(self, lines: list[ChargeLine], prices: dict[str, int]) -> int:
        total = 0
        for line in lines:
            line.charge = prices[line.cpt] * line.units
            total += line.charge
        return total

    def maybe_add_error(
        self,
        lines: list[ChargeLine],
        payer_type: str,
        credential: str,
        has_kx: bool,
    ) -> str:
        """Introduce at most one deliberate defect; return its finding code or ''."""
        rng = self.rng
        if rng.random() >= self.error_rate:
            return ""
        billed = [line for line in lines if line.units > 0]
        if not billed:
            return ""
        options: list[str] = [ERROR_UNITS, ERROR_UNITS]
        if payer_type == "medicare":
            options += [ERROR_GP, ERROR_GP]
            if credential == "PTA":
                options += [ERROR_CQ, ERROR_CQ, ERROR_CQ]
            if any(line.cpt == "G0283" for line in billed):
                options.append(ERROR_MEDICARE_CODE)
            if has_kx:
                options += [ERROR_KX, ERROR_KX]
        if any(line.ncci_column_two for line in billed):
            options += [ERROR_NCCI, ERROR_NCCI, ERROR_NCCI]
        kind = options[int(rng.random() * len(options))]
        if kind == ERROR_UNITS:
            timed = [line for line in billed if line.cpt in TIMED]
            if not timed:
                return ""
            line = timed[int(rng.random() * len(timed))]
            line.units += 1
            line.extra_units = 1
            line.error = kind
        elif kind == ERROR_GP:
            line = billed[int(rng.random() * len(billed))]
            line.modifiers = [m for m in line.modifiers if m != "GP"]
            line.error = kind
        elif kind == ERROR_CQ:
            for line in billed:
                line.modifiers = [m for m in line.modifiers if m != "CQ"]
                line.error = kind
        elif kind == ERROR_NCCI:
            for line in billed:
                if line.ncci_column_two:
                    line.modifiers = [m for m in line.modifiers if m not in ("59", "XU")]
                    line.error = kind
        elif kind == ERROR_MEDICARE_CODE:
            for line in billed:
                if line.cpt == "G0283":
                    line.cpt = "97014"
                    line.error = kind
        elif kind == ERROR_KX:
            for line in billed:
                line.modifiers = [m for m in line.modifiers if m != "KX"]
                line.error = kind
        return kind
