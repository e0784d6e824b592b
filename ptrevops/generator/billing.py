"""From a finished visit to money: charges, claims, the payer's adjudications over time.

For each billable visit the biller prices the charge lines, submits a claim after a few
days (sometimes much later: that is where timely-filing denials come from), and the payer
adjudicates it on its weekly payment run. Everything that will ever happen to the claim
is decided here, when the visit is simulated, and scheduled into the clinic's 835
transactions by payment day: the first adjudication (paid, partly denied, or denied),
a later reversal with a corrected payment (appeal won, claim corrected, payer fixed an
underpayment), the secondary payer's claim, prompt-pay interest and recoupments as
provider-level adjustments. Events dated after the export date are simply not written:
recent claims stay unpaid, exactly like a real A/R snapshot.

Denials come from the situation, not from a dice roll per root cause where possible:
coverage that ended (eligibility), visits outside the authorization or over the plan-year
visit limit (authorization), claims filed after the payer's limit (timely filing), a new
therapist not yet credentialed or an athletic trainer (credentialing), double-entered
charges (duplicate), and the deliberate coding defects. Medical necessity, coordination of
benefits and a few clerical errors are random at low rates.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from billing.rules.medicare import kx_threshold
from ptrevops.generator.adjudication import (
    ClaimRemit,
    CostShare,
    deny_claim,
    pay_claim,
    pay_secondary,
    reversal_of,
)
from ptrevops.generator.catalog.payers import MEDICARE, PayerPlan, sequestration_permille
from ptrevops.generator.charges import (
    ERROR_CQ,
    ERROR_DUPLICATE,
    ERROR_GP,
    ERROR_KX,
    ERROR_MEDICARE_CODE,
    ERROR_NCCI,
    ERROR_UNITS,
    ChargeLine,
)
from ptrevops.generator.clock import weekday_of
from ptrevops.generator.money import cents_from_text, format_cents
from ptrevops.generator.remittance_835 import claim_loop

if TYPE_CHECKING:
    from ptrevops.generator.clinic_simulation import ClinicSimulation
    from ptrevops.generator.episodes import Episode
    from ptrevops.generator.patients import PlanYear

# Line-level payer reactions to the deliberate defects: (CARC, RARC).
LINE_DENIALS: dict[str, tuple[str, str]] = {
    ERROR_GP: ("4", "N822"),
    ERROR_NCCI: ("236", "N20"),
    ERROR_MEDICARE_CODE: ("181", "M20"),
    ERROR_KX: ("96", "N640"),
}
MEDICAL_NECESSITY_DENIALS = (
    ("50", "N115"),
    ("57", "N115"),
    ("151", "N163"),
    ("167", "M76"),
    ("252", "M127"),
    ("56", "N115"),
)
# Denial CARC -> (share later overturned by appeal or correction, min days, max days,
# provider-corrected claim?)
OVERTURN: dict[str, tuple[float, int, int, bool]] = {
    "31": (0.9, 15, 40, True),
    "16": (0.85, 20, 45, True),
    "5": (0.7, 20, 45, True),
    "11": (0.7, 20, 45, True),
    "15": (0.8, 15, 40, True),
    "197": (0.35, 30, 90, False),
    "198": (0.35, 30, 90, False),
    "302": (0.35, 30, 90, False),
    "119": (0.1, 45, 90, False),
    "50": (0.4, 45, 120, False),
    "57": (0.4, 45, 120, False),
    "151": (0.4, 45, 120, False),
    "167": (0.5, 20, 60, True),
    "252": (0.6, 30, 90, False),
    "56": (0.3, 45, 120, False),
    "22": (0.6, 30, 75, False),
    "109": (0.3, 30, 75, False),
    "26": (0.3, 30, 75, False),
    "29": (0.1, 60, 120, False),
    "B7": (0.75, 20, 60, True),
    "185": (0.75, 20, 60, True),
}
RANDOM_ELIGIBILITY_DENIALS = (
    ("31", "N30"),
    ("31", "N30"),
    ("31", "N30"),
    ("109", "N30"),
    ("26", "N30"),
)


class Biller:
    """Turns visits into charges, claims and scheduled remittance events for one clinic."""

    def __init__(self, sim: ClinicSimulation) -> None:
        self.sim = sim
        self.rng = sim.rng
        self.kx_cents = {
            year: cents_from_text(str(kx_threshold(year)))
            for year in range(sim.first_year, sim.last_year + 1)
        }
        self.period_starts = {
            payer.index: [start for start, _, _ in payer.fee_periods] for payer in sim.payers
        }
        self.claim_number = 0
        self.charge_number = 0
        self.icn_number = 0
        self.sequestration_by_year_month: dict[int, int] = {}
        self.charge_rows = sim.writer.buffers["charges"]
        self.charge_prefix = f"L{sim.clinic_number:03d}"
        self.icn_prefix = f"{sim.clinic_number:03d}"

    # -- fee schedule -------------------------------------------------------------------

    def fees_on(self, payer: PayerPlan, day: int) -> tuple[dict[str, int] | None, int]:
        """The payer's rates in force on ``day`` and the position of that period."""
        starts = self.period_starts[payer.index]
        position = bisect_right(starts, day) - 1
        if position < 0:
            return None, -1
        return payer.fee_periods[position][2], position

    def _sequestration(self, day: int) -> int:
        key = day // 16  # changes happen on month starts; 16-day buckets are exact enough
        rate = self.sequestration_by_year_month.get(key)
        if rate is None:
            from datetime import date

            rate = sequestration_permille(date.fromordinal(day))
            self.sequestration_by_year_month[key] = rate
        return rate

    # -- the visit ----------------------------------------------------------------------

    def next_claim_id(self) -> str:
        self.claim_number += 1
        return f"CL{self.sim.clinic_number:03d}{self.claim_number:07d}"

    def next_icn(self, day: int) -> str:
        """The payer's claim control number: adjudication day and a running number."""
        self.icn_number += 1
        return f"{day % 100000:05d}{self.icn_prefix}{self.icn_number:07d}"

    def bill_visit(
        self,
        episode: Episode,
        visit_id: str,
        day: int,
        clinician,
        visit_type: str,
        duration: int,
        coverage_problem: tuple[str, str, str] | None,
    ) -> int:
        """Charges, claim and payer events for one finished visit; returns timed minutes."""
        sim = self.sim
        rng_random = self.rng.random
        payer = episode.payer
        patient = episode.patient
        year = sim.year_of(day)
        self_pay = not payer.bills_claims or (
            episode.self_pay_from is not None and day >= episode.self_pay_from
        )
        lines = sim.coder.code_visit(
            visit_type, episode.region, duration, payer.type, payer.unit_rule
        )
        sim.coder.add_modifiers(lines, clinician.credential, payer.type)
        fees = None
        if not self_pay:
            fees, _ = self.fees_on(payer, day)
        pointers = episode.pointers
        for line in lines:
            line.pointers = pointers
            if fees is not None:
                line.fee = fees.get(line.cpt)
        has_kx = False
        over_review_threshold = False
        if payer.type == MEDICARE and not self_pay:
            amount = 0
            for line in lines:
                if line.fee is not None and line.units:
                    value = line.fee * line.units
                    if "CQ" in line.modifiers:
                        value = value * 85 // 100
                    amount += value
            before = patient.medicare_year_to_date.get(year, 0)
            after = before + amount
            patient.medicare_year_to_date[year] = after
            if after > self.kx_cents.get(year, 248000):
                has_kx = True
                for line in lines:
                    line.modifiers.insert(
                        len([m for m in line.modifiers if m in ("GP", "GO", "CQ", "CO")]), "KX"
                    )
            over_review_threshold = after > 300000
        error = ""
        if not self_pay:
            error = sim.coder.maybe_add_error(lines, payer.type, clinician.credential, has_kx)
        sim.coder.price(lines, sim.prices[year])
        timed_minutes = 0
        prefix = self.charge_prefix
        number = self.charge_number
        timed_codes = sim.timed_codes
        for line in lines:
            number += 1
            line.charge_id = f"{prefix}{number:08d}"
            if line.cpt in timed_codes:
                timed_minutes += line.minutes
            if line.modifiers:
                line.procedure = "HC:" + line.cpt + ":" + ":".join(line.modifiers)
            else:
                line.procedure = "HC:" + line.cpt
        self.charge_number = number
        billed = [line for line in lines if line.units > 0]
        claim_id = ""
        submitted = 0
        if not self_pay and billed:
            submitted = self._submission_day(day)
            if submitted <= sim.end_day:
                claim_id = self.next_claim_id()
        add = sim.writer.add
        charge_rows = self.charge_rows
        for line in lines:
            charge_rows.append(
                f"{line.charge_id},{visit_id},{line.cpt},{line.units},{format_cents(line.charge)},"
                f"{claim_id if line.units else ''},{';'.join(line.modifiers)},{line.minutes},"
                f"{line.pointers}",
            )
            if line.error:
                add(
                    "deliberate_errors",
                    f"{line.error},{visit_id},{line.charge_id},{claim_id if line.units else ''},"
                    f"{line.cpt} {';'.join(line.modifiers)} {line.units} units {line.minutes} min",
                )
        if coverage_problem is not None and not self_pay:
            add(
                "deliberate_errors",
                f"{coverage_problem[2]},{visit_id},,{claim_id},{payer.payer_id}",
            )
        sim.ledger.at_visit(episode, visit_id, day, visit_type, self_pay)
        if claim_id:
            billed_amount = sum(line.charge for line in billed)
            add(
                "claims",
                f"{claim_id},{visit_id},{payer.payer_id},{sim.clock.date_text(submitted)},"
                f"{format_cents(billed_amount)},primary",
            )
            self._adjudicate(
                episode,
                visit_id,
                claim_id,
                billed,
                day,
                submitted,
                clinician,
                error,
                coverage_problem,
                over_review_threshold,
            )
            if rng_random() < 0.0015:
                self._duplicate_entry(episode, visit_id, billed, day, submitted, clinician)
        return timed_minutes

    def _submission_day(self, day: int) -> int:
        draw = self.rng.random()
        if draw < 0.7:
            lag = 1 + int(self.rng.random() * 3)
        elif draw < 0.9:
            lag = 4 + int(self.rng.random() * 7)
        elif draw < 0.98:
            lag = 11 + int(self.rng.random() * 35)
        elif draw < 0.996:
            lag = 46 + int(self.rng.random() * 105)
        else:
            lag = 150 + int(self.rng.random() * 270)
        submitted = day + lag
        weekday = weekday_of(submitted)
        if weekday >= 5:
            submitted += 7 - weekday
        return submitted

    def payment_day(self, payer: PayerPlan, submitted: int) -> tuple[int, int]:
        """(receipt day, payment day) for a claim submitted on ``submitted``."""
        rng_random = self.rng.random
        receipt = submitted + 1
        low, high = payer.lag_days
        decided = receipt + low + int(rng_random() * (high - low + 1))
        if rng_random() < 0.07:  # pended for review or records
            decided += 15 + int(rng_random() * 45)
        decided += (payer.payment_weekday - weekday_of(decided)) % 7
        return receipt, decided

    # -- adjudication -------------------------------------------------------------------

    def _claim_denial(
        self,
        episode: Episode,
        day: int,
        submitted: int,
        clinician,
        coverage_problem: tuple[str, str, str] | None,
        over_review_threshold: bool,
    ) -> tuple[str, str] | None:
        payer = episode.payer
        rng_random = self.rng.random
        if submitted - day > payer.timely_filing_days:
            return ("29", "N211")
        if episode.coverage_end is not None and day > episode.coverage_end:
            return ("27", "N30")
        if coverage_problem is not None and rng_random() < 0.92:
            return (coverage_problem[0], coverage_problem[1])
        draw = rng_random()
        if draw < 0.005:
            return RANDOM_ELIGIBILITY_DENIALS[int(rng_random() * len(RANDOM_ELIGIBILITY_DENIALS))]
        if clinician.credential == "ATC":
            return ("170", "N95")
        credentialed_from = clinician.credentialed_from.get(payer.index)
        if credentialed_from is not None and day < credentialed_from:
            return ("B7", "N570") if rng_random() < 0.6 else ("185", "N290")
        draw = rng_random()
        if payer.type in ("commercial", "medicare_advantage") and draw < 0.004:
            return ("22", "MA04")
        if payer.requires_auth and draw < 0.001:
            return ("15", "M62")
        draw = rng_random()
        if over_review_threshold and draw < 0.07:
            return ("50", "N115") if rng_random() < 0.5 else ("252", "M127")
        if draw < 0.003:
            return MEDICAL_NECESSITY_DENIALS[int(rng_random() * len(MEDICAL_NECESSITY_DENIALS))]
        draw = rng_random()
        if draw < 0.0035:
            return ("16", "MA130")
        if draw < 0.0045:
            return ("5", "M77") if rng_random() < 0.5 else ("11", "M76")
        return None

    def _plan_year(self, episode: Episode, day: int) -> PlanYear:
        return self.sim.patients.plan_year(episode.patient, episode.payer, day)

    def _fees_used(
        self, payer: PayerPlan, lines: list[ChargeLine], day: int, decided: int
    ) -> tuple[list[int | None], bool]:
        """Per-unit rates the payer applies, and whether that is below contract."""
        fees = [line.fee for line in lines]
        rng_random = self.rng.random
        underpaid = False
        if payer.slow_fee_update_days:
            _, position = self.fees_on(payer, day)
            if position > 0:
                start = payer.fee_periods[position][0]
                if day >= start and decided - start < payer.slow_fee_update_days:
                    old = payer.fee_periods[position - 1][2]
                    fees = [
                        old.get(line.cpt) if fee is not None else None
                        for line, fee in zip(lines, fees, strict=True)
                    ]
                    underpaid = True
        if (
            payer.random_underpayment_permille
            and rng_random() * 1000 < payer.random_underpayment_permille
        ):
            fees = [fee * 9 // 10 if fee is not None else None for fee in fees]
            underpaid = True
        return fees, underpaid

    def _emit(
        self,
        episode: Episode,
        remit: ClaimRemit,
        payer: PayerPlan,
        pay_day: int,
        receipt: int,
        day: int,
        clinician,
    ) -> None:
        sim = self.sim
        clock = sim.clock
        text, segments = claim_loop(
            remit,
            payer.claim_filing_indicator,
            episode.patient.x12_identity(payer),
            (clinician.x12_last, clinician.x12_first, clinician.npi),
            clock.day_compact[receipt - clock.first],
            clock.day_compact[day - clock.first],
        )
        sim.remits.add_claim(pay_day, payer.index, text, segments, remit.paid)
        if (
            payer.pays_interest
            and remit.paid > 0
            and pay_day - receipt > 30
            and remit.status in ("1", "2")
        ):
            interest = remit.paid * 5 * (pay_day - receipt - 30) // 36500
            if interest > 0:
                sim.remits.add_provider_adjustment(
                    pay_day, payer.index, "L6", remit.claim_id, -interest
                )

    def _adjudicate(
        self,
        episode: Episode,
        visit_id: str,
        claim_id: str,
        lines: list[ChargeLine],
        day: int,
        submitted: int,
        clinician,
        error: str,
        coverage_problem: tuple[str, str, str] | None,
        over_review_threshold: bool,
    ) -> None:
        sim = self.sim
        payer = episode.payer
        rng_random = self.rng.random
        receipt, pay_day = self.payment_day(payer, submitted)
        if pay_day > sim.end_day:
            return  # not adjudicated yet at the export date
        denial = self._claim_denial(
            episode, day, submitted, clinician, coverage_problem, over_review_threshold
        )
        if denial is not None:
            remit = deny_claim(claim_id, lines, denial[0], denial[1], payer.claim_level_denials)
            remit.icn = self.next_icn(pay_day)
            self._emit(episode, remit, payer, pay_day, receipt, day, clinician)
            if denial[0] == "27" and episode.self_pay_from is None:
                # The clinic learns the coverage ended and re-verifies: the rest is self-pay.
                episode.self_pay_from = pay_day + 1 + int(rng_random() * 5)
                sim.patients.eligibility_lapsed(
                    episode, episode.self_pay_from, episode.coverage_end
                )
            overturn = OVERTURN.get(denial[0])
            if overturn is None or rng_random() >= overturn[0]:
                return
            share, low, high, corrected = overturn
            later = pay_day + low + int(rng_random() * (high - low + 1))
            if denial[0] in ("B7", "185"):
                later = max(later, clinician.credentialed_from.get(payer.index, later) + 10)
            later += (payer.payment_weekday - weekday_of(later)) % 7
            if later > sim.end_day:
                return
            plan = self._plan_year(episode, day)
            cost = CostShare(plan.deductible_left, plan.copay, plan.coinsurance)
            fixed = self._fixed_lines(lines) if error else lines
            fees = [line.fee for line in fixed]
            new = pay_claim(
                claim_id,
                payer,
                fixed,
                cost,
                {},
                fees,
                False,
                self._sequestration(day) if payer.sequestration else 0,
            )
            plan.deductible_left = cost.deductible
            new.icn = self.next_icn(later)
            new.original_icn = remit.icn
            new.frequency = "7" if corrected else "1"
            self._emit(episode, reversal_of(remit), payer, later, receipt, day, clinician)
            self._emit(episode, new, payer, later, receipt, day, clinician)
            self._after_payment(episode, visit_id, fixed, new, payer, later, day, clinician)
            return
        plan = self._plan_year(episode, day)
        cost = CostShare(plan.deductible_left, plan.copay, plan.coinsurance)
        line_denials: dict[int, tuple[str, str]] = {}
        if error in LINE_DENIALS:
            for position, line in enumerate(lines):
                if line.error == error:
                    line_denials[position] = LINE_DENIALS[error]
                    if error in (ERROR_NCCI, ERROR_GP):
                        break
        fees, underpaid = self._fees_used(payer, lines, day, pay_day)
        detect_units = error == ERROR_UNITS and rng_random() < 0.15
        sequestration = self._sequestration(day) if payer.sequestration else 0
        remit = pay_claim(
            claim_id, payer, lines, cost, line_denials, fees, detect_units, sequestration
        )
        plan.deductible_left = cost.deductible
        remit.icn = self.next_icn(pay_day)
        self._emit(episode, remit, payer, pay_day, receipt, day, clinician)
        self._after_payment(episode, visit_id, lines, remit, payer, pay_day, day, clinician)
        # Later events on a paid claim.
        fix = None
        if line_denials and rng_random() < 0.6:
            fix = (self._fixed_lines(lines), 25, 60, "7")
        elif underpaid and rng_random() < 0.3:
            fix = (lines, 30, 120, "1")
        elif error == ERROR_CQ:
            draw = rng_random()
            if draw < 0.55:
                corrected_lines = self._fixed_lines(lines)
                if draw < 0.3:
                    fix = (corrected_lines, 60, 180, "1")
                else:
                    probe = pay_claim(
                        claim_id,
                        payer,
                        corrected_lines,
                        CostShare(cost.deductible_used, cost.copay_used, cost.coinsurance),
                        {},
                        [line.fee for line in corrected_lines],
                        False,
                        sequestration,
                    )
                    overpaid = remit.paid - probe.paid
                    later = pay_day + 60 + int(rng_random() * 141)
                    later += (payer.payment_weekday - weekday_of(later)) % 7
                    if overpaid > 0 and later <= sim.end_day:
                        sim.remits.add_provider_adjustment(
                            later, payer.index, "WO", remit.icn, overpaid
                        )
        elif remit.paid > 0 and payer.type != "medicare" and rng_random() < 0.002:
            # An overpayment found in the payer's audit, taken back from a later payment.
            later = pay_day + 45 + int(rng_random() * 150)
            later += (payer.payment_weekday - weekday_of(later)) % 7
            if later <= sim.end_day:
                recovered = max(1, remit.paid * (10 + int(rng_random() * 40)) // 100)
                sim.remits.add_provider_adjustment(later, payer.index, "WO", remit.icn, recovered)
        elif remit.paid > 0 and payer.type == "commercial" and rng_random() < 0.0012:
            # Coordination of benefits found after payment: the payer takes it all back.
            later = pay_day + 60 + int(rng_random() * 120)
            later += (payer.payment_weekday - weekday_of(later)) % 7
            if later <= sim.end_day:
                self._emit(episode, reversal_of(remit), payer, later, receipt, day, clinician)
        if fix is not None:
            fixed_lines, low, high, frequency = fix
            later = pay_day + low + int(rng_random() * (high - low + 1))
            later += (payer.payment_weekday - weekday_of(later)) % 7
            if later <= sim.end_day:
                again = CostShare(cost.deductible_used, cost.copay_used, cost.coinsurance)
                new = pay_claim(
                    claim_id,
                    payer,
                    fixed_lines,
                    again,
                    {},
                    [line.fee for line in fixed_lines],
                    False,
                    sequestration,
                )
                new.icn = self.next_icn(later)
                new.original_icn = remit.icn
                new.frequency = frequency
                self._emit(episode, reversal_of(remit), payer, later, receipt, day, clinician)
                self._emit(episode, new, payer, later, receipt, day, clinician)

    def _fixed_lines(self, lines: list[ChargeLine]) -> list[ChargeLine]:
        """The lines as a corrected claim sends them (defect fixed, same charge ids)."""
        fixed: list[ChargeLine] = []
        for line in lines:
            if not line.error or line.error == ERROR_UNITS:
                fixed.append(line)
                continue
            copy = ChargeLine(line.cpt, line.minutes)
            copy.units = line.units
            copy.charge = line.charge
            copy.charge_id = line.charge_id
            copy.pointers = line.pointers
            copy.fee = line.fee
            modifiers = list(line.modifiers)
            if line.error == ERROR_GP:
                modifiers.insert(0, "GP")
            elif line.error == ERROR_CQ:
                modifiers.insert(1, "CQ")
            elif line.error == ERROR_NCCI:
                modifiers.append("59")
            elif line.error == ERROR_KX:
                modifiers.insert(len([m for m in modifiers if m in ("GP", "GO", "CQ", "CO")]), "KX")
            elif line.error == ERROR_MEDICARE_CODE:
                copy.cpt = "G0283"
            copy.modifiers = modifiers
            fixed.append(copy)
        return fixed

    def _after_payment(
        self,
        episode: Episode,
        visit_id: str,
        lines: list[ChargeLine],
        remit: ClaimRemit,
        payer: PayerPlan,
        pay_day: int,
        day: int,
        clinician,
    ) -> None:
        """Secondary claim and the patient's statement once the primary has paid."""
        sim = self.sim
        rng_random = self.rng.random
        final = remit
        final_day = pay_day
        secondary = episode.secondary
        coverable = remit.coinsurance
        if secondary is not None and (
            secondary.type != "commercial"
            or not secondary.secondary_only
            or episode.patient.supplement_pays_deductible
        ):
            coverable += remit.deductible
        if secondary is not None and coverable > 0 and remit.status == "1" and remit.with_lines:
            submitted = pay_day + 2 + int(rng_random() * 5)
            weekday = weekday_of(submitted)
            if weekday >= 5:
                submitted += 7 - weekday
            if submitted > sim.end_day:
                return
            second_id = self.next_claim_id()
            sim.writer.add(
                "claims",
                f"{second_id},{visit_id},{secondary.payer_id},"
                f"{sim.clock.date_text(submitted)},{format_cents(remit.billed)},secondary",
            )
            receipt, second_day = self.payment_day(secondary, submitted)
            if second_day > sim.end_day:
                return
            if secondary.type == "medicaid":
                share_permille = 1000 if rng_random() < 0.85 else 0
                pays_deductible = True
            elif secondary.secondary_only:
                share_permille = 1000
                pays_deductible = episode.patient.supplement_pays_deductible
            else:
                share_permille = 800
                pays_deductible = True
            final = pay_secondary(second_id, remit, lines, share_permille, pays_deductible)
            final.icn = self.next_icn(second_day)
            self._emit(episode, final, secondary, second_day, receipt, day, clinician)
            final_day = second_day
        sim.ledger.after_adjudication(
            episode,
            visit_id,
            final.patient_responsibility,
            final.copay,
            final.deductible,
            final_day,
        )

    def _duplicate_entry(
        self,
        episode: Episode,
        visit_id: str,
        lines: list[ChargeLine],
        day: int,
        submitted: int,
        clinician,
    ) -> None:
        """The same charges entered twice: a second claim the payer denies as a duplicate."""
        sim = self.sim
        second_submitted = submitted + 2 + int(self.rng.random() * 10)
        if second_submitted > sim.end_day:
            return
        claim_id = self.next_claim_id()
        copies: list[ChargeLine] = []
        add = sim.writer.add
        for line in lines:
            copy = ChargeLine(line.cpt, line.minutes)
            copy.units = line.units
            copy.modifiers = line.modifiers
            copy.charge = line.charge
            copy.pointers = line.pointers
            self.charge_number += 1
            copy.charge_id = f"L{sim.clinic_number:03d}{self.charge_number:08d}"
            copies.append(copy)
            add(
                "charges",
                f"{copy.charge_id},{visit_id},{copy.cpt},{copy.units},{format_cents(copy.charge)},"
                f"{claim_id},{';'.join(copy.modifiers)},{copy.minutes},{copy.pointers}",
            )
            add(
                "deliberate_errors",
                f"{ERROR_DUPLICATE},{visit_id},{copy.charge_id},{claim_id},"
                f"duplicate of {line.charge_id}",
            )
        add(
            "claims",
            f"{claim_id},{visit_id},{episode.payer.payer_id},{sim.clock.date_text(second_submitted)},"
            f"{format_cents(sum(c.charge for c in copies))},primary",
        )
        receipt, pay_day = self.payment_day(episode.payer, second_submitted)
        if pay_day > sim.end_day:
            return
        remit = deny_claim(claim_id, copies, "18", "", episode.payer.claim_level_denials)
        remit.icn = self.next_icn(pay_day)
        self._emit(episode, remit, episode.payer, pay_day, receipt, day, clinician)
