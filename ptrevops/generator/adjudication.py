"""How a payer adjudicates a claim: allowed amounts, reductions, cost sharing, denials.

The arithmetic is the one the 835 must balance, line by line, in integer cents:

    billed - CO-45 (billed - allowed) - CO-151 (units not supported)
           - CO-59 (multiple-procedure reduction) - PR-1 deductible - PR-3 copay
           - PR-2 coinsurance - CO-253 (sequestration)              = paid

A line can instead be denied whole (one CO adjustment equal to the billed amount), and a
claim can be denied whole (CLP02 = 4). Secondary payers see the primary's adjudication
as OA-23 and pay (part of) the patient's share.

Underpayments are modelled as payers do them: the allowed amount the payer used is
lower than the contract (last year's rate sheet after an update, or an unexplained
~10% cut) and CO-45 silently absorbs the difference.
"""

from __future__ import annotations

from ptrevops.generator.catalog.clinical import PRACTICE_EXPENSE_PERMILLE
from ptrevops.generator.catalog.payers import PayerPlan
from ptrevops.generator.charges import ChargeLine
from ptrevops.generator.money import rounded_share

CONTRACTUAL = "CO"
PATIENT = "PR"
OTHER_ADJUSTMENT = "OA"


class LineRemit:
    """One SVC loop: billed, paid, units, adjustments (group, CARC, cents), remark code."""

    __slots__ = (
        "procedure",
        "billed",
        "paid",
        "units",
        "units_paid",
        "adjustments",
        "charge_id",
        "allowed",
        "remark",
        "patient_share",
    )

    def __init__(self, procedure: str, billed: int, units: int, charge_id: str) -> None:
        self.procedure = procedure  # "HC:97110:GP:CQ"
        self.billed = billed
        self.paid = 0
        self.units = units
        self.units_paid = units
        self.adjustments: list[tuple[str, str, int]] = []
        self.charge_id = charge_id
        self.allowed = 0
        self.remark = ""
        self.patient_share = 0


class ClaimRemit:
    """One CLP loop and its lines."""

    __slots__ = (
        "claim_id",
        "status",
        "billed",
        "paid",
        "patient_responsibility",
        "icn",
        "claim_adjustments",
        "lines",
        "frequency",
        "original_icn",
        "remark",
        "with_lines",
        "deductible",
        "coinsurance",
        "copay",
    )

    def __init__(self, claim_id: str, billed: int) -> None:
        self.claim_id = claim_id
        self.status = "1"
        self.billed = billed
        self.paid = 0
        self.patient_responsibility = 0
        self.icn = ""
        self.claim_adjustments: list[tuple[str, str, int]] = []
        self.lines: list[LineRemit] = []
        self.frequency = "1"
        self.original_icn = ""
        self.remark = ""
        self.with_lines = True
        self.deductible = 0  # PR-1, PR-2 and PR-3 totals, for the patient's statement
        self.coinsurance = 0
        self.copay = 0

    def total(self) -> None:
        self.paid = sum(line.paid for line in self.lines)
        patient = sum(
            amount for line in self.lines for group, _, amount in line.adjustments if group == "PR"
        )
        patient += sum(amount for group, _, amount in self.claim_adjustments if group == "PR")
        self.patient_responsibility = patient


def procedure_composite(line: ChargeLine) -> str:
    """SVC01: ``HC:<code>:<modifier>...`` (cached on the line once its modifiers are final)."""
    if line.procedure:
        return line.procedure
    if line.modifiers:
        return "HC:" + line.cpt + ":" + ":".join(line.modifiers)
    return "HC:" + line.cpt


class CostShare:
    """The patient's share available on this claim: deductible left, copay, coinsurance %."""

    __slots__ = ("deductible", "copay", "coinsurance", "deductible_used", "copay_used")

    def __init__(self, deductible: int, copay: int, coinsurance: int) -> None:
        self.deductible = deductible
        self.copay = copay
        self.coinsurance = coinsurance
        self.deductible_used = 0
        self.copay_used = 0


def deny_claim(
    claim_id: str, lines: list[ChargeLine], carc: str, remark: str, claim_level: bool
) -> ClaimRemit:
    """CLP02 = 4: every billed dollar adjusted under the denial code, nothing paid."""
    remit = ClaimRemit(claim_id, sum(line.charge for line in lines))
    remit.status = "4"
    group = OTHER_ADJUSTMENT if carc in ("18", "23") else CONTRACTUAL
    if claim_level:
        remit.with_lines = False
        remit.claim_adjustments.append((group, carc, remit.billed))
        remit.remark = remark
        return remit
    for line in lines:
        result = LineRemit(procedure_composite(line), line.charge, line.units, line.charge_id)
        result.adjustments.append((group, carc, line.charge))
        result.remark = remark
        remit.lines.append(result)
    return remit


def pay_claim(
    claim_id: str,
    payer: PayerPlan,
    lines: list[ChargeLine],
    share: CostShare,
    line_denials: dict[int, tuple[str, str]],
    fee_used: list[int | None],
    detect_extra_units: bool,
    sequestration_permille: int,
) -> ClaimRemit:
    """Adjudicate a payable claim; ``fee_used`` is the per-unit rate the payer applied."""
    remit = ClaimRemit(claim_id, 0)
    reductions = payer.medicare_reductions
    payable: list[tuple[LineRemit, int, int, int]] = []  # result, allowed, fee, pe
    for position, line in enumerate(lines):
        result = LineRemit(procedure_composite(line), line.charge, line.units, line.charge_id)
        remit.billed += line.charge
        remit.lines.append(result)
        denial = line_denials.get(position)
        fee = fee_used[position]
        if denial is None and fee is None:
            # The payer has no rate for this code: not a covered service under the plan.
            denial = ("204", "N130")
        if denial is not None:
            result.adjustments.append((CONTRACTUAL, denial[0], line.charge))
            result.remark = denial[1]
            continue
        assert fee is not None
        units = line.units
        full = fee * units
        allowed = full
        if detect_extra_units and line.extra_units:
            result.units_paid = units - line.extra_units
            allowed = fee * result.units_paid
        assistant = reductions and ("CQ" in line.modifiers or "CO" in line.modifiers)
        if assistant:
            full = rounded_share(full, 85, 100)
            allowed = rounded_share(allowed, 85, 100)
        if full > line.charge:  # payers pay the lesser of the charge and the fee
            full = allowed = line.charge
        result.adjustments.append((CONTRACTUAL, "45", line.charge - full))
        if allowed < full:
            result.adjustments.append((CONTRACTUAL, "151", full - allowed))
            result.remark = "N115"
        result.allowed = allowed
        payable.append((result, allowed, fee, PRACTICE_EXPENSE_PERMILLE.get(line.cpt, 450)))
    top = None
    if reductions and payable:
        top = max(payable, key=lambda item: item[2] * item[3])[0]
    for result, allowed, _fee, practice_expense in payable:
        base = allowed
        if reductions and result.units_paid > 0:
            reduced_units = result.units_paid - (1 if result is top else 0)
            if reduced_units > 0:
                mppr = rounded_share(
                    allowed, practice_expense * reduced_units, 2000 * result.units_paid
                )
                if mppr:
                    result.adjustments.append((CONTRACTUAL, "59", mppr))
                    base -= mppr
        deductible = min(share.deductible, base)
        share.deductible -= deductible
        share.deductible_used += deductible
        copay = min(share.copay, base - deductible)
        share.copay -= copay
        share.copay_used += copay
        coinsurance = rounded_share(base - deductible - copay, share.coinsurance, 100)
        payment = base - deductible - copay - coinsurance
        sequestration = (
            rounded_share(payment, sequestration_permille, 1000) if sequestration_permille else 0
        )
        result.paid = payment - sequestration
        adjustments = result.adjustments
        if sequestration:  # with the other CO reductions: one CAS segment per group
            adjustments.append((CONTRACTUAL, "253", sequestration))
        if deductible:
            adjustments.append((PATIENT, "1", deductible))
            remit.deductible += deductible
        if coinsurance:
            adjustments.append((PATIENT, "2", coinsurance))
            remit.coinsurance += coinsurance
        if copay:
            adjustments.append((PATIENT, "3", copay))
            remit.copay += copay
        result.patient_share = deductible + coinsurance + copay
        remit.paid += result.paid
    remit.patient_responsibility = remit.deductible + remit.coinsurance + remit.copay
    if not payable:
        remit.status = "4"
    return remit


def pay_secondary(
    claim_id: str,
    primary: ClaimRemit,
    lines: list[ChargeLine],
    pays_share_permille: int,
    pays_deductible: bool,
) -> ClaimRemit:
    """A secondary payer's adjudication (CLP02 = 2) of the primary's patient share."""
    remit = ClaimRemit(claim_id, 0)
    remit.status = "2"
    for line, before in zip(lines, primary.lines, strict=True):
        result = LineRemit(procedure_composite(line), line.charge, line.units, line.charge_id)
        remit.billed += line.charge
        remit.lines.append(result)
        deductible = coinsurance = copay = 0
        for group, reason, amount in before.adjustments:
            if group == PATIENT:
                if reason == "1":
                    deductible += amount
                elif reason == "2":
                    coinsurance += amount
                else:
                    copay += amount
        patient = deductible + coinsurance + copay
        result.adjustments.append((OTHER_ADJUSTMENT, "23", line.charge - patient))
        covered = coinsurance + (deductible if pays_deductible else 0)
        paid = rounded_share(covered, pays_share_permille, 1000)
        written_off = covered - paid
        result.paid = paid
        if written_off:
            result.adjustments.append((CONTRACTUAL, "45", written_off))
        if not pays_deductible and deductible:
            result.adjustments.append((PATIENT, "1", deductible))
            remit.deductible += deductible
        if copay:
            result.adjustments.append((PATIENT, "3", copay))
            remit.copay += copay
        result.patient_share = (0 if pays_deductible else deductible) + copay
        result.allowed = 0
    remit.total()
    return remit


def reversal_of(original: ClaimRemit) -> ClaimRemit:
    """CLP02 = 22: the original adjudication with every amount negated."""
    remit = ClaimRemit(original.claim_id, -original.billed)
    remit.status = "22"
    remit.paid = -original.paid
    remit.patient_responsibility = -original.patient_responsibility
    remit.icn = original.icn
    remit.frequency = original.frequency
    remit.with_lines = original.with_lines
    remit.remark = original.remark
    remit.claim_adjustments = [(g, c, -a) for g, c, a in original.claim_adjustments]
    for line in original.lines:
        copy = LineRemit(line.procedure, -line.billed, -line.units, line.charge_id)
        copy.paid = -line.paid
        copy.units_paid = -line.units_paid
        copy.adjustments = [(g, c, -a) for g, c, a in line.adjustments]
        copy.allowed = -line.allowed
        copy.remark = line.remark
        remit.lines.append(copy)
    return remit
